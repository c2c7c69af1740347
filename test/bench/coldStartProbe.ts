/**
 * Runs in a fresh node process (bundled by test/bench/bundles.ts): requires a built function bundle, then answers one
 * HTTP API event through its handler, and prints the times as the last stdout line (JSON).
 */
import { createRequire } from 'node:module';
import { lambdaContext } from '../../infra/local/invocation.js';

interface Handler {
  handler: (event: unknown, context: unknown) => Promise<{ statusCode?: number; body?: string }>;
}

// The probe is a CommonJS bundle in a temporary folder: resolve the function bundle by its absolute path.
const require = createRequire(`${process.cwd()}/`);
const bundle = process.env.PROBE_BUNDLE;
const event = process.env.PROBE_EVENT;
if (!bundle || !event) throw new Error('PROBE_BUNDLE and PROBE_EVENT are required');
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const { handler } = require(bundle) as Handler;
const t1 = process.hrtime.bigint();
const c1 = process.cpuUsage(c0);
void handler(JSON.parse(event), lambdaContext('probe')).then((result) => {
  const t2 = process.hrtime.bigint();
  const c2 = process.cpuUsage(c0);
  // CPU time (user + system, all threads) says the same as wall time on an idle machine and much less noisily on a busy one.
  const cpu = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  const loaded = Object.keys(require.cache);
  process.stdout.write(
    `\n${JSON.stringify({ initMs: ms(t0, t1), firstMs: ms(t1, t2), totalMs: ms(t0, t2), initCpuMs: cpu(c1), totalCpuMs: cpu(c2), status: result.statusCode, body: result.body, loaded })}\n`,
  );
});
