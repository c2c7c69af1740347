/**
 * `npm run load [-- --clients 500 --duration 120 --rate 1 --query-rate 10 --drain 60 --experts N --timeout S --out FILE --server-log FILE]`
 * 500 subscribed graphql-ws clients plus need openings and queries at fixed rates against the local runner
 * (its own in-memory DynamoDB Local, loopback, free ports); see harness.ts. Prints a table, writes the JSON
 * result (default .kezhi/load.json) and exits non-zero on any error or a lost, duplicated, unexpected or
 * wrong notification. Bounded: a hard timeout (default duration + 600 s) stops everything and exits 3.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLoadRun, formatResult, type LoadOptions } from './harness.js';

// The pinned AWS SDK warns that its releases after January 2027 need Node 22 (Lambda runs 22); the runner does the same.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '500' },
    duration: { type: 'string', default: '120' },
    rate: { type: 'string', default: '1' },
    'query-rate': { type: 'string', default: '10' },
    drain: { type: 'string', default: '60' },
    experts: { type: 'string' },
    timeout: { type: 'string' },
    out: { type: 'string', default: '.kezhi/load.json' },
    'server-log': { type: 'string' },
  },
});

/** A positive number from the command line, or exit 2 with usage. */
function positive(name: string, raw: string | undefined, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !allowZero)) {
    console.error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${raw})`);
    process.exit(2);
  }
  return n;
}

const clients = Math.floor(positive('clients', values.clients));
const options: LoadOptions = {
  clients,
  durationS: positive('duration', values.duration),
  needRate: positive('rate', values.rate, true),
  queryRate: positive('query-rate', values['query-rate'], true),
  drainS: positive('drain', values.drain),
  experts: Math.floor(positive('experts', values.experts ?? String(clients))),
  ...(values['server-log'] && { serverLog: resolve(values['server-log']) }),
};
const timeoutS = positive('timeout', values.timeout ?? String(options.durationS + 600));

const started = Date.now();
const load = createLoadRun(options, (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`));
const abort = async (why: string, code: number) => {
  console.error(why);
  await load.stop().catch(() => undefined);
  process.exit(code);
};
const hardTimeout = setTimeout(() => void abort(`load run exceeded its ${timeoutS} s limit: stopped`, 3), timeoutS * 1000);
process.on('SIGINT', () => void abort('interrupted: stopped', 130));
process.on('SIGTERM', () => void abort('terminated: stopped', 143));

try {
  const result = await load.run();
  clearTimeout(hardTimeout);
  console.log(`\n${formatResult(result)}`);
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresult written to ${out}`);
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  clearTimeout(hardTimeout);
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
