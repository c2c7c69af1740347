/**
 * Runs one TypeScript entry of ours the way `npm start` runs the local runner: bundled with esbuild (the entry and the
 * modules of ours it imports; packages stay external) into .kezhi/runner/, then imported in this process with
 * source-mapped stack traces. Through tsx's loader the runner's modules took 2–3 s to load, bundled under 1 s; and the
 * code runs as the functions' bundles do, without the function-name wrappers tsx adds to every function it transpiles
 * (docs/performance.md, rows 8 and 10). `infra/local/launch.js` uses it for `npm start`; as a script,
 * `node infra/local/bundled.js <entry.ts> [args…]` runs that entry with the arguments after it (the benchmarks' servers).
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, '.kezhi', 'runner');

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/** Bundles `entry` (a path) into .kezhi/runner/ and imports it; resolves once the entry's top level has run. */
export async function runBundled(entry) {
  // One file per process: runners started side by side (the end-to-end tests) do not write over each other's. A file is
  // removed once loaded, or when its process exits before that; those of processes killed outright are removed here.
  const outfile = join(dir, `${basename(entry).replace(/\.[cm]?ts$/, '')}-${process.pid}.mjs`);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    const pid = /^.+-(\d+)\.mjs$/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
  const remove = () => rmSync(outfile, { force: true });
  process.once('exit', remove);
  await build({
    entryPoints: [entry],
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
  // Resolves once the entry's top level has run (start.ts awaits its whole start); it keeps serving afterwards. The file
  // is loaded by then (its source map too: inline), and the packages it imports later resolve from node_modules.
  await import(pathToFileURL(outfile).href);
  remove();
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const [entry] = process.argv.splice(2, 1);
  if (!entry) throw new Error('usage: node infra/local/bundled.js <entry.ts> [args…]');
  await runBundled(resolve(root, entry));
}
