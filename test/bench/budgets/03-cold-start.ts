/**
 * Budget row 3 — cold start. The GraphQL function and a bare Apollo Lambda that reads one item with the same DynamoDB
 * client (test/bench/bareApollo.ts) are bundled as the stack bundles them (infra/bundling.ts), once with the AWS SDK
 * external (the Lambda runtime's copy, as deployed) and once with it inlined. Each sample is a fresh node process that
 * requires the bundle and answers one authenticated `organization(id:)` read (an HTTP API v2 event) against DynamoDB
 * Local; samples alternate ours / bare so load on the machine hits both alike. Budget: module init + first query
 * ≤ 1.25× the bare one, bundle ≤ 1.5× its size, for the SDK mode the stack uses (infra/bundling.ts: SDK_MODE).
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDeps, createGraphqlHandler, type AppConfig } from '../../../functions/lib/app.js';
import { generateLocalKeys, signLocalToken } from '../../../functions/lib/auth/tokens.js';
import { grantLocalFlags } from '../../../infra/local/localGrants.js';
import { ensureTable, localClient } from '../../../infra/local/dynamoLocal.js';
import { httpApiEvent, lambdaContext } from '../../../infra/local/httpAdapter.js';
import { SDK_MODE } from '../../../infra/bundling.js';
import { median, ratio, type BenchResult, type Benchmark } from '../framework.js';
import { bundleDir, bundleFunction, bundleProbe, coldStart, type ColdStart, type SdkMode } from '../bundles.js';

const TIME_BUDGET = 1.25;
const SIZE_BUDGET = 1.5;
const TABLE = 'bench-r3-cold';

const graphqlEvent = (query: string, token: string) =>
  httpApiEvent({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });

/** A table with one organization, a province admin's token and the environment both functions get. */
async function setUp(endpoint: string) {
  await ensureTable(endpoint, TABLE);
  const keys = await generateLocalKeys();
  const cursorSecret = randomBytes(16).toString('hex');
  const config: AppConfig = { tableName: TABLE, dynamoEndpoint: endpoint, cursorSecret, production: false, auth: { kind: 'local', publicJwk: keys.publicJwk } };
  const deps = createDeps(config, new Logger({ serviceName: 'bench', logLevel: 'ERROR' }));
  const claims = { sub: 'bench-r3-admin', roles: ['PROVINCE_ADMIN'] };
  await grantLocalFlags(deps.store, claims);
  const token = await signLocalToken(keys.privateJwk, claims);
  const create = 'mutation { createOrganization(input: { kind: ASSOCIATION, name: "广东省科学技术协会", regionCode: "44" }) { organization { id } } }';
  const created = await createGraphqlHandler(config, deps)(graphqlEvent(create, token), lambdaContext('bench'));
  const id = (JSON.parse(created.body ?? '{}') as { data?: { createOrganization: { organization: { id: string } } } }).data?.createOrganization.organization.id;
  if (!id) throw new Error(`could not create the organization: ${created.body}`);
  // As the stack configures the GraphQL function, minus what only AWS has: local token keys instead of Cognito, the
  // cursor secret from the environment instead of Secrets Manager (functions/lib/app.ts: loadConfig), DynamoDB Local.
  const env = {
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'ap-east-1',
    CURSOR_SECRET: cursorSecret,
    LOCAL_JWT_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
    POWERTOOLS_SERVICE_NAME: 'graphql',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'Kezhi',
  };
  return { id, token, env };
}

interface Variant {
  sdk: SdkMode;
  /** bytes: the bundle and the lazily bundled files beside it (main: the bundle alone, which every cold start reads). */
  ours: { bytes: number; mainBytes: number; samples: ColdStart[] };
  bare: { bytes: number; samples: ColdStart[] };
}

function check(sample: ColdStart, id: string): ColdStart {
  const data = (JSON.parse(sample.body) as { data?: { organization?: { id: string } } }).data;
  if (sample.status !== 200 || data?.organization?.id !== id) throw new Error(`the first query failed: ${sample.status} ${sample.body}`);
  return sample;
}

export const benchmark: Benchmark = {
  row: 3,
  title: 'cold start: module init + first query of the built GraphQL function vs a bare Apollo Lambda',
  async run({ quick, endpoint, log }) {
    const { id, token, env } = await setUp(endpoint);
    const event = graphqlEvent(`{ organization(id: "${id}") { id name } }`, token);
    const dir = bundleDir();
    const probe = await bundleProbe(dir);
    const samples = quick ? 11 : 21;
    const variants: Variant[] = [];
    try {
      for (const sdk of ['external', 'bundled'] as const) {
        const ours = await bundleFunction('functions/graphql/handler.ts', join(dir, `graphql-${sdk}.js`), sdk);
        const bare = await bundleFunction('test/bench/bareApollo.ts', join(dir, `bare-${sdk}.js`), sdk);
        const variant: Variant = {
          sdk,
          ours: { bytes: ours.bytes + ours.lazyBytes, mainBytes: ours.bytes, samples: [] },
          bare: { bytes: bare.bytes, samples: [] },
        };
        // One unmeasured start each warms the file cache (full runs); then ours and bare alternate.
        if (!quick) {
          await coldStart(probe, ours.file, event, env).then((s) => check(s, id));
          await coldStart(probe, bare.file, event, env).then((s) => check(s, id));
        }
        for (let i = 0; i < samples; i += 1) {
          variant.ours.samples.push(check(await coldStart(probe, ours.file, event, env), id));
          variant.bare.samples.push(check(await coldStart(probe, bare.file, event, env), id));
        }
        log(
          `SDK ${sdk}: ours ${median(variant.ours.samples.map((s) => s.totalMs)).toFixed(0)} ms, ` +
            `bare ${median(variant.bare.samples.map((s) => s.totalMs)).toFixed(0)} ms; ` +
            `${((ours.bytes + ours.lazyBytes) / 1024).toFixed(0)} KB (bundle ${(ours.bytes / 1024).toFixed(0)} KB) vs ${(bare.bytes / 1024).toFixed(0)} KB`,
        );
        variants.push(variant);
      }
    } finally {
      await localClient(endpoint).send(new DeleteTableCommand({ TableName: TABLE }));
    }
    const figures = variants.map((v) => {
      const m = (xs: ColdStart[], k: 'initMs' | 'firstMs' | 'totalMs' | 'totalCpuMs') => median(xs.map((s) => s[k]));
      return {
        sdk: v.sdk,
        ours: {
          init: m(v.ours.samples, 'initMs'),
          first: m(v.ours.samples, 'firstMs'),
          total: m(v.ours.samples, 'totalMs'),
          cpu: m(v.ours.samples, 'totalCpuMs'),
          bytes: v.ours.bytes,
          mainBytes: v.ours.mainBytes,
        },
        bare: {
          init: m(v.bare.samples, 'initMs'),
          first: m(v.bare.samples, 'firstMs'),
          total: m(v.bare.samples, 'totalMs'),
          cpu: m(v.bare.samples, 'totalCpuMs'),
          bytes: v.bare.bytes,
        },
      };
    });
    const values = Object.fromEntries(
      figures.flatMap((f) => [
        [`${f.sdk}.oursInitMs`, f.ours.init],
        [`${f.sdk}.oursFirstQueryMs`, f.ours.first],
        [`${f.sdk}.oursTotalMs`, f.ours.total],
        [`${f.sdk}.bareInitMs`, f.bare.init],
        [`${f.sdk}.bareFirstQueryMs`, f.bare.first],
        [`${f.sdk}.bareTotalMs`, f.bare.total],
        [`${f.sdk}.timeRatio`, f.ours.total / f.bare.total],
        [`${f.sdk}.oursCpuMs`, f.ours.cpu],
        [`${f.sdk}.bareCpuMs`, f.bare.cpu],
        [`${f.sdk}.cpuRatio`, f.ours.cpu / f.bare.cpu],
        [`${f.sdk}.oursBytes`, f.ours.bytes],
        [`${f.sdk}.oursMainBytes`, f.ours.mainBytes],
        [`${f.sdk}.bareBytes`, f.bare.bytes],
        [`${f.sdk}.sizeRatio`, f.ours.bytes / f.bare.bytes],
      ]),
    );
    const chosen = figures.find((f) => f.sdk === SDK_MODE)!;
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
    const timeFigure = (f: (typeof figures)[number]) =>
      `${ratio(f.ours.total, f.bare.total)} (${f.ours.total.toFixed(0)} ms = init ${f.ours.init.toFixed(0)} + query ${f.ours.first.toFixed(0)}; CPU ${ratio(f.ours.cpu, f.bare.cpu)})`;
    const bareTime = (f: (typeof figures)[number]) =>
      `bare Apollo + DocumentClient, SDK ${f.sdk}: ${f.bare.total.toFixed(0)} ms (init ${f.bare.init.toFixed(0)} + query ${f.bare.first.toFixed(0)}; CPU ${f.bare.cpu.toFixed(0)} ms)`;
    const common = { samples, sdkChosen: SDK_MODE, ...values };
    return [
      {
        row: 3,
        name: `cold start, init + first query (SDK ${chosen.sdk}, as deployed)`,
        figure: timeFigure(chosen),
        baseline: bareTime(chosen),
        budget: `≤ ${TIME_BUDGET}×`,
        pass: chosen.ours.total / chosen.bare.total <= TIME_BUDGET,
        values: common,
      },
      {
        row: 3,
        name: `bundle size (SDK ${chosen.sdk}, as deployed)`,
        figure: `${ratio(chosen.ours.bytes, chosen.bare.bytes)} (${kb(chosen.ours.bytes)}: bundle ${kb(chosen.ours.mainBytes)} + tracer file ${kb(chosen.ours.bytes - chosen.ours.mainBytes)}, read only when tracing)`,
        baseline: `bare: ${kb(chosen.bare.bytes)}`,
        budget: `≤ ${SIZE_BUDGET}×`,
        pass: chosen.ours.bytes / chosen.bare.bytes <= SIZE_BUDGET,
        values: { sdk: chosen.sdk, oursBytes: chosen.ours.bytes, oursMainBytes: chosen.ours.mainBytes, bareBytes: chosen.bare.bytes },
      },
    ] satisfies BenchResult[];
  },
};
