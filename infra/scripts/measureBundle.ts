/**
 * Bundles the GraphQL function exactly as the stack does (infra/bundling.ts) and a bare "hello" Apollo
 * Lambda the same way, then prints each bundle's size and module init time (a `require` of the built
 * file in a fresh node process, median of 5). Run: `npm run measure:bundle`. The functions build their handler on
 * the first invocation (after reading the cursor secret, functions/lib/app.ts: lazyHandler), so for the GraphQL
 * bundle this is module load only; Apollo's setup then counts in the first request.
 */
import { build } from 'esbuild';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { APOLLO_ALIAS, ESBUILD, EXTERNAL_MODULES, SHIPPED_MODULES } from '../bundling.js';

const out = mkdtempSync(join(tmpdir(), 'kezhi-bundle-'));
const hello = join(out, 'hello.ts');
writeFileSync(
  hello,
  `import { ApolloServer } from '@apollo/server';
import { startServerAndCreateLambdaHandler, handlers } from '@as-integrations/aws-lambda';
const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
export const handler = startServerAndCreateLambdaHandler(server, handlers.createAPIGatewayProxyEventV2RequestHandler());
`,
);

async function bundle(entry: string, name: string, external: string[]): Promise<string> {
  const outfile = join(out, `${name}.js`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    ...ESBUILD,
    external,
    alias: APOLLO_ALIAS,
    nodePaths: [resolve('node_modules')],
    logLevel: 'error',
  });
  return outfile;
}

function initTimes(file: string): number[] {
  const env = {
    ...process.env,
    TABLE_NAME: 'kezhi',
    CURSOR_SECRET: 'x'.repeat(32),
    AWS_REGION: 'ap-east-1',
    COGNITO_USER_POOL_ID: 'ap-east-1_example',
    COGNITO_CLIENT_IDS: 'client',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NODE_PATH: resolve('node_modules'),
  };
  return Array.from({ length: 5 }, () => {
    const run = spawnSync(
      process.execPath,
      ['-e', `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`],
      { env, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    return Number(run.stdout.trim());
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const variants = [
  ['hello', hello, EXTERNAL_MODULES, 'SDK external'],
  ['graphql', 'functions/graphql/handler.ts', EXTERNAL_MODULES, 'SDK external (as deployed)'],
  // Native modules are never inlined (they ship beside the bundle, see bundling.ts).
  ['graphql-sdk-bundled', 'functions/graphql/handler.ts', SHIPPED_MODULES, 'SDK bundled'],
] as const;
for (const [name, entry, external, label] of variants) {
  const file = await bundle(entry, name, [...external]);
  const times = initTimes(file);
  const size = `${(statSync(file).size / 1024).toFixed(0)} KB minified`;
  const init = `init median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`;
  console.log(`${name}: ${size}, ${label}, Apollo aliased; ${init}`);
}
