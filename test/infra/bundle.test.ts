import { beforeAll, describe, expect, it } from 'vitest';
import { exec, execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { createHash, type Hash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LAZY_BUNDLED_MODULES, SDK_MODE, SHIPPED_MODULES, functionBundling, lazyModuleFile } from '../../infra/bundling.js';
import { bundleDir, bundleFunction, bundleInputs, externalImports, type BuiltBundle } from '../bench/bundles.js';

/**
 * The cheap guard of budget row 3 (cold start; the measurement is `npm run bench -- --only 3`): the GraphQL function,
 * bundled as the stack bundles it, loads none of the text modules at module init, builds its schema without
 * @graphql-tools' merge, and stays within its size bound against a bare Apollo Lambda bundled the same way.
 */
describe('Bundle: the GraphQL function', () => {
  let graphql: BuiltBundle;
  let bare: BuiltBundle;
  beforeAll(async () => {
    const dir = bundleDir();
    graphql = await bundleFunction('functions/graphql/handler.ts', join(dir, 'graphql.js'), SDK_MODE);
    bare = await bundleFunction('test/bench/bareApollo.ts', join(dir, 'bare.js'), SDK_MODE);
  }, 120_000);

  it('loads no segmenter, converter or pinyin module at module init (they ship beside the bundle, loaded on first use)', async () => {
    const script = `require(${JSON.stringify(graphql.file)}); console.log(JSON.stringify(Object.keys(require.cache)))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(process.cwd(), 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const loaded = (JSON.parse(stdout) as string[]).filter((path) => SHIPPED_MODULES.some((name) => path.includes(`/node_modules/${name}/`)));
    expect(loaded).toEqual([]);
    expect(bundleInputs(graphql).filter((input) => SHIPPED_MODULES.some((name) => input.includes(`node_modules/${name}/`)))).toEqual([]);
  });

  it('builds the executable schema without makeExecutableSchema (functions/lib/schema.ts: the cold-start path)', () => {
    const inputs = bundleInputs(graphql);
    // Apollo itself bundles @graphql-tools/schema (for its typeDefs option), so look for our module's import of it.
    const schemaModule = Object.entries(graphql.metafile.inputs).find(([path]) => path.endsWith('functions/lib/schema.ts'))?.[1];
    expect(schemaModule?.imports.map((i) => i.path).filter((path) => path.includes('@graphql-tools'))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('functions/lib/schema.ts'))).toBe(true);
  });

  it('holds one build of each dual-build package (the single-copy aliases): never both its ESM and its CommonJS files', () => {
    const builds = new Map<string, Set<string>>();
    for (const input of bundleInputs(graphql)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/.*\b(esm|cjs|commonjs)\//.exec(input);
      if (!match) continue;
      const kind = match[2] === 'esm' ? 'esm' : 'cjs';
      builds.set(match[1]!, (builds.get(match[1]!) ?? new Set()).add(kind));
    }
    const twice = [...builds].filter(([, kinds]) => kinds.size > 1).map(([name]) => name);
    expect(twice).toEqual([]);
    expect(builds.get('@apollo/server')).toEqual(new Set(['cjs']));
    expect(builds.get('lru-cache')).toEqual(new Set(['cjs']));
  });

  it("hashes Apollo's operations with node:crypto: sha.js (SHA-256 in JavaScript, Apollo's fallback inside a bundle) is not bundled", () => {
    const inputs = bundleInputs(graphql);
    expect(inputs.filter((input) => /node_modules\/(sha\.js|to-buffer|which-typed-array)\//.test(input))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('infra/shims/sha.cjs'))).toBe(true);
    const shim = createRequire(import.meta.url)('../../infra/shims/sha.cjs') as (algorithm: string) => Hash;
    expect(shim('sha256').update('{ me { kind } }').digest('hex')).toBe(createHash('sha256').update('{ me { kind } }').digest('hex'));
  });

  it('keeps the tracer and the X-Ray SDK out of the bundle: required from their own file beside it, built as the stack builds it', async () => {
    const inputs = bundleInputs(graphql);
    expect(inputs.filter((input) => /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer|cls-hooked)\//.test(input))).toEqual([]);
    expect(externalImports(graphql.metafile)).toContain('@aws-lambda-powertools/tracer');
    expect(graphql.lazyFiles).toEqual([lazyModuleFile(dirname(graphql.file), '@aws-lambda-powertools/tracer')]);
    // The stack's afterBundling hook: run its commands on a fresh folder, as CDK does after esbuild and the install.
    const folder = bundleDir();
    const commands = functionBundling.commandHooks!.afterBundling(process.cwd(), folder);
    expect(commands).toHaveLength(LAZY_BUNDLED_MODULES.length);
    for (const command of commands) await promisify(exec)(command);
    // Node resolves the bundle's require of the tracer to that file (not to this repository's node_modules), and it works.
    const fromBundle = createRequire(join(folder, 'index.js'));
    expect(fromBundle.resolve('@aws-lambda-powertools/tracer')).toBe(lazyModuleFile(folder, '@aws-lambda-powertools/tracer'));
    const { Tracer } = fromBundle('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
    const client = new DynamoDBClient({ region: 'ap-east-1' });
    expect(new Tracer({ serviceName: 'graphql' }).captureAWSv3Client(client)).toBe(client);
  }, 60_000);

  it('is at most 1.5× the size of a bare Apollo Lambda that reads one item with the same DynamoDB client (with its lazily bundled files)', () => {
    expect((graphql.bytes + graphql.lazyBytes) / bare.bytes).toBeLessThanOrEqual(1.5);
  });
});
