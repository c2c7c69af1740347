/**
 * `npm start`: bundles the local runner (infra/local/start.ts and the modules of ours it imports; packages stay external)
 * with esbuild into .kezhi/runner/, then runs that bundle in this process with source-mapped stack traces. Node then loads
 * the packages itself: through tsx's loader the runner's modules took 2–3 s to load, bundled under 1 s, and DynamoDB
 * Local's JVM, starting meanwhile on the same cores, is ready sooner (docs/performance.md, row 10). Arguments and
 * environment are the runner's (`npm start -- --data-dir DIR`).
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// One file per process: runners started side by side (the end-to-end tests) do not write over each other's. A file is
// removed once loaded, or when its process exits before that; those of processes killed outright are removed here.
const dir = join(root, '.kezhi', 'runner');
const outfile = join(dir, `start-${process.pid}.mjs`);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
mkdirSync(dir, { recursive: true });
for (const name of readdirSync(dir).filter((n) => /^start-\d+\.mjs$/.test(n))) {
  if (!alive(Number(name.slice(6, -4)))) rmSync(join(dir, name), { force: true });
}
const remove = () => rmSync(outfile, { force: true });
process.once('exit', remove);
await build({
  entryPoints: [join(root, 'infra', 'local', 'start.ts')],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.setSourceMapsEnabled(true);
// Resolves once the runner listens (start.ts awaits its whole start at the top level); it keeps serving afterwards. The
// file is loaded by then (its source map too: inline), and the packages it imports later resolve from node_modules.
await import(pathToFileURL(outfile).href);
remove();
