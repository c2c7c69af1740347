/**
 * `npm run bench [-- --check] [--quick] [--only 1,3]`: runs every benchmark in test/bench/budgets/ (in file-name order),
 * prints the budget table and writes bench/results.json (bench/results.quick.json with --quick). With --check the
 * process exits 1 when any budget is missed or a benchmark fails. Not part of `npm test`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startDynamoLocal } from '../../infra/local/dynamoLocal.js';
import { machine, type BenchResult, type Benchmark } from './framework.js';

// Benchmarks print their own figures: no SDK version warning, no EMF metric lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const { values: args } = parseArgs({
  options: { check: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const only = args.only ? new Set(args.only.split(',').map(Number)) : null;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const benchmarks: Benchmark[] = [];
for (const file of readdirSync(join(here, 'budgets'))
  .filter((f) => f.endsWith('.ts'))
  .sort()) {
  const mod = (await import(pathToFileURL(join(here, 'budgets', file)).href)) as { benchmark?: Benchmark };
  if (!mod.benchmark) throw new Error(`test/bench/budgets/${file} exports no benchmark`);
  if (!only || only.has(mod.benchmark.row)) benchmarks.push(mod.benchmark);
}
benchmarks.sort((a, b) => a.row - b.row);

const started = Date.now();
// Bulk loads of 100,000 items make a database work for minutes: the full JIT pays off, as in the test run (the
// quick-start flags of `npm start` suit a short-lived developer database). The serial collector, not the parallel one:
// with the parallel collector's adaptive sizing, DynamoDB Local answered a 1,000-item Query in ~120 ms instead of ~30 ms
// for stretches of 6-24 queries at a time (row 9's slow stretches; docs/performance.md, row 9, "The slow stretches").
if (process.env.JAVA_TOOL_OPTIONS) process.env.BENCH_USER_JAVA_TOOL_OPTIONS = process.env.JAVA_TOOL_OPTIONS;
process.env.JAVA_TOOL_OPTIONS ??= '-XX:+UseSerialGC';
const results: BenchResult[] = [];
for (const bench of benchmarks) {
  const t0 = Date.now();
  console.log(`\n▶ ${bench.row}. ${bench.title}${args.quick ? ' (quick)' : ''}`);
  // Each row gets a fresh DynamoDB Local, so a row's figures do not depend on the rows before it: DynamoDB Local
  // keeps every stream record of the tables it ever had, and each request to a table created later scans more of them.
  const dynamo = await startDynamoLocal();
  try {
    const out = await bench.run({ quick: args.quick, endpoint: dynamo.endpoint, log: (line) => console.log(`  \x1b[2m${line}\x1b[0m`) });
    if (out.length === 0) throw new Error('the benchmark returned no result');
    results.push(...out);
    for (const r of out) console.log(`  ${r.pass ? '✓' : '✗'} ${r.name}: ${r.figure} (budget ${r.budget}${r.baseline ? `; baseline ${r.baseline}` : ''})`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`  ✗ failed: ${message}`);
    results.push({ row: bench.row, name: bench.title, figure: 'failed', baseline: null, budget: '—', pass: false, values: { error: String(error) } });
  } finally {
    await dynamo.stop();
  }
  console.log(`  \x1b[2m(${((Date.now() - t0) / 1000).toFixed(1)} s)\x1b[0m`);
}

const seconds = (Date.now() - started) / 1000;
const cells = (r: BenchResult) => [String(r.row), r.name, r.figure, r.baseline ?? '', r.budget, r.pass ? 'pass' : 'MISS'];
const header = ['#', 'what', 'figure', 'baseline (same run)', 'budget', ''];
const widths = header.map((h, i) => Math.max(h.length, ...results.map((r) => cells(r)[i]!.length)));
const line = (xs: string[]) => xs.map((x, i) => x.padEnd(widths[i]!)).join(' │ ');
console.log(`\n${line(header)}\n${widths.map((w) => '─'.repeat(w)).join('─┼─')}`);
for (const r of results) console.log(line(cells(r)));
const missed = results.filter((r) => !r.pass);
console.log(`\n${results.length - missed.length}/${results.length} within budget in ${seconds.toFixed(0)} s${args.quick ? ' (quick sizes)' : ''}.`);

const file = join(root, 'bench', args.quick ? 'results.quick.json' : 'results.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), quick: args.quick, seconds, machine: machine(), results }, null, 2)}\n`);
console.log(`Wrote ${file.slice(root.length + 1)}.`);
if (args.check && missed.length > 0) process.exit(1);
process.exit(0);
