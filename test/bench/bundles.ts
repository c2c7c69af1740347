/**
 * Builds a function bundle exactly as the stack does (infra/bundling.ts: esbuild settings, single-copy aliases, the shipped
 * modules beside the bundle) and measures a cold start of it in a fresh node process (test/bench/coldStartProbe.ts).
 * Used by budget row 3 (test/bench/budgets/03-cold-start.ts) and the bundle test (test/infra/bundle.test.ts).
 */
import { build, type Metafile } from 'esbuild';
import { execFile, execSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BUNDLE_ALIAS, ESBUILD, LAZY_BUNDLED_MODULES, externalModules, lazyModuleCommand, lazyModuleFile, type SdkMode } from '../../infra/bundling.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

export type { SdkMode };

/** A built bundle: its file, its size in bytes and esbuild's metafile (which inputs it holds). */
export interface BuiltBundle {
  file: string;
  bytes: number;
  metafile: Metafile;
  /** The lazily bundled modules' files beside it (infra/bundling.ts: LAZY_BUNDLED_MODULES), when it requires them. */
  lazyFiles: string[];
  /** Their size in bytes: what a function that loads them reads besides its bundle. */
  lazyBytes: number;
}

/** A fresh folder for bundles. */
export const bundleDir = (): string => mkdtempSync(join(tmpdir(), 'kezhi-bundle-'));

/** Bundles `entry` (relative to the repository root) as the stack bundles a function; `sdk: 'bundled'` inlines the AWS SDK. */
export async function bundleFunction(entry: string, outfile: string, sdk: SdkMode = 'external'): Promise<BuiltBundle> {
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    ...ESBUILD,
    // Native and dictionary modules are never inlined (they ship beside the bundle, see bundling.ts).
    external: externalModules(sdk),
    alias: BUNDLE_ALIAS,
    nodePaths: [join(root, 'node_modules')],
    metafile: true,
    logLevel: 'error',
  });
  // As the stack's afterBundling hook does: each lazily bundled module the bundle requires, in its own file beside it.
  const required = externalImports(result.metafile);
  const lazyFiles = LAZY_BUNDLED_MODULES.filter((name) => required.includes(name)).map((name) => {
    const file = lazyModuleFile(dirname(outfile), name);
    execSync(lazyModuleCommand(name, file, sdk));
    return file;
  });
  const lazyBytes = lazyFiles.reduce((sum, file) => sum + statSync(file).size, 0);
  return { file: outfile, bytes: statSync(outfile).size, metafile: result.metafile, lazyFiles, lazyBytes };
}

/** What a bundle's code requires at run time instead of holding (its external imports). */
export const externalImports = (metafile: Metafile): string[] =>
  Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));

/** The inputs (source files) a bundle holds, relative to the repository root. */
export const bundleInputs = (bundle: BuiltBundle): string[] =>
  Object.entries(bundle.metafile.outputs)
    .filter(([out]) => out.endsWith('.js'))
    .flatMap(([, output]) => Object.keys(output.inputs));

/** What one cold start measured: module init, the first request, both, and what node loaded from node_modules. */
export interface ColdStart {
  initMs: number;
  firstMs: number;
  totalMs: number;
  /** CPU time (user + system) of module init, and of init + first request. */
  initCpuMs: number;
  totalCpuMs: number;
  status: number;
  body: string;
  /** Absolute paths of the CommonJS modules loaded outside the bundle (the SDK when external, shipped modules). */
  loaded: string[];
}

/** Bundles the probe that measures a cold start (once per folder). */
export async function bundleProbe(dir: string): Promise<string> {
  const outfile = join(dir, 'probe.cjs');
  await build({ entryPoints: [join(root, 'test/bench/coldStartProbe.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
  return outfile;
}

/**
 * One cold start in a fresh node process: require the bundle, answer `event` through its handler. The process runs
 * with the functions' NODE_OPTIONS (source maps, as deployed) and node_modules as the runtime's module path.
 */
export async function coldStart(probe: string, bundle: string, event: unknown, env: Record<string, string>): Promise<ColdStart> {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', probe], {
    cwd: dirname(bundle),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(root, 'node_modules'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
      PROBE_BUNDLE: bundle,
      PROBE_EVENT: JSON.stringify(event),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as ColdStart;
}
