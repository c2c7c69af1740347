import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

const require = createRequire(import.meta.url);

/**
 * Packages installed next to the bundle instead of inlined: jieba is a native (napi-rs) module whose `.node` binary
 * esbuild cannot inline, and whose dictionary it reads from its package folder at run time; opencc-js and
 * pinyin-pro are large dictionaries (~660 KB minified) that only text writes, searches and Traditional Chinese
 * responses load (dynamic imports), so a cold start does not even parse them.
 */
export const SHIPPED_MODULES = ['@node-rs/jieba', 'opencc-js', 'pinyin-pro'];

/** The AWS SDK v3 packages (the Lambda Node.js runtime ships a copy of them). */
export const AWS_SDK_MODULES = ['@aws-sdk/*', '@smithy/*'];

/**
 * Where the functions get the AWS SDK from: 'bundled' inlines the pinned version (package-lock.json), 'external'
 * would use the copy the Lambda runtime ships. Bundled, chosen by measurement (budget row 3, docs/performance.md
 * "Row 3 — Cold start"): the function runs the SDK its tests ran (the runtime's copy lags and changes without a
 * deploy; an older copy may not know options such as the DynamoDB client's throwOnRequestTimeout), its module init
 * reads one minified file instead of resolving and reading ~30 package files, and the bundle stays within 1.5× of a bare
 * Apollo Lambda's (both carry the SDK; with the SDK external ours is ~1.8× the bare one, whose only code is Apollo).
 */
export const SDK_MODE: SdkMode = 'bundled';

/** Where the AWS SDK comes from: the Lambda runtime's copy or inlined in each bundle. */
export type SdkMode = 'external' | 'bundled';

/**
 * Packages the functions import only on AWS, and only dynamically (functions/lib/app.ts: loadConfig): the Powertools
 * tracer, which brings the X-Ray SDK (~130 KB minified). Each is bundled into a file of its own beside the function's
 * bundle, node_modules/<name>/index.js, which Node resolves when the import runs. A cold start that does not trace (the
 * local runner, the benchmarks, a function with tracing off) then neither reads nor compiles it (budget row 3,
 * docs/performance.md); one that traces reads one more file, instead of finding the same code inside its bundle.
 */
export const LAZY_BUNDLED_MODULES = ['@aws-lambda-powertools/tracer'];

/** Modules a bundle requires at run time instead of inlining: the shipped and lazily bundled ones, and the SDK when it is the runtime's. */
export const externalModules = (sdk: SdkMode): string[] => [...(sdk === 'external' ? AWS_SDK_MODULES : []), ...SHIPPED_MODULES, ...LAZY_BUNDLED_MODULES];

/** Where a lazily bundled module's file goes, in the folder of the function's bundle. */
export const lazyModuleFile = (bundleFolder: string, name: string): string => join(bundleFolder, 'node_modules', name, 'index.js');

/** The stack's external modules (SDK_MODE). */
export const EXTERNAL_MODULES = externalModules(SDK_MODE);

/**
 * Packages that some modules `require` (CommonJS) and others `import` (ESM), which esbuild would otherwise bundle twice:
 * @as-integrations/aws-lambda requires Apollo's CommonJS build while our ES modules import its ESM build, and Apollo's
 * cache requires lru-cache's CommonJS build while our token verifier imports its ESM build. Aliasing each package to its
 * CommonJS build keeps a single copy in each bundle.
 */
export const SINGLE_COPY_ALIAS = {
  '@apollo/server': dirname(require.resolve('@apollo/server')),
  'lru-cache': require.resolve('lru-cache'),
};

/**
 * Every alias of the function bundles: the single copies above, and sha.js replaced by node:crypto (infra/shims/sha.cjs:
 * inside a bundle, Apollo's operation hash would otherwise run SHA-256 in JavaScript).
 */
export const BUNDLE_ALIAS: Record<string, string> = { ...SINGLE_COPY_ALIAS, 'sha.js': join(dirname(fileURLToPath(import.meta.url)), 'shims', 'sha.cjs') };

/** The esbuild settings of every function, shared by the stack and the bundle measurement script. */
export const ESBUILD = { minify: true, sourcemap: true, sourcesContent: false, target: 'node22', platform: 'node' as const, format: 'cjs' as const };

/**
 * The esbuild command line that bundles one of LAZY_BUNDLED_MODULES into `outfile`, with the functions' settings: its
 * CommonJS entry (what the bundle's `require` of it expects), the SDK external when the functions' is.
 */
export function lazyModuleCommand(name: string, outfile: string, sdk: SdkMode = SDK_MODE): string {
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const args = [
    require.resolve(name),
    '--bundle',
    `--platform=${ESBUILD.platform}`,
    `--format=${ESBUILD.format}`,
    `--target=${ESBUILD.target}`,
    ...(ESBUILD.minify ? ['--minify'] : []),
    ...(ESBUILD.sourcemap ? ['--sourcemap'] : []),
    `--sources-content=${String(ESBUILD.sourcesContent)}`,
    ...externalModules(sdk)
      .filter((external) => external !== name)
      .map((external) => `--external:${external}`),
    `--outfile=${outfile}`,
    '--log-level=error',
  ];
  return [require.resolve('esbuild/bin/esbuild'), ...args].map(quote).join(' ');
}

/** NodejsFunction bundling (local esbuild, never Docker). */
export const functionBundling: BundlingOptions = {
  minify: ESBUILD.minify,
  sourceMap: ESBUILD.sourcemap,
  sourcesContent: ESBUILD.sourcesContent,
  target: ESBUILD.target,
  format: OutputFormat.CJS,
  externalModules: EXTERNAL_MODULES,
  nodeModules: SHIPPED_MODULES,
  // The functions run on arm64 Linux (glibc): npm installs the shipped modules' binary for that platform,
  // whatever machine synthesizes (@node-rs/jieba-linux-arm64-gnu, at the version the lock file pins).
  environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' },
  forceDockerBundling: false,
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIAS).map(([k, v]) => [`--alias:${k}`, v])),
  // After the bundle (and the shipped modules' install): each lazily bundled module, as its own file beside it.
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => LAZY_BUNDLED_MODULES.map((name) => lazyModuleCommand(name, lazyModuleFile(outputDir, name))),
  },
};
