/**
 * Row 10: `npm start` from a fresh clone until the API answers. Each sample spawns the command `npm start` runs
 * (`node infra/local/launch.js` through npm: it bundles infra/local/start.ts and runs it) with a key file that does not
 * exist yet (a clone has no .kezhi/), an in-memory DynamoDB Local of its own and a free port, and times from the spawn to the first POST /graphql that returns
 * data for `{ regions(parentCode: "44") { code } }`. The runner listens only once the demo data is seeded, so the
 * figure includes the seed. The process tree (DynamoDB Local's JVM included) is killed after each sample. Quick: 1
 * sample; full: the median of 3. The runner's phase breakdown (KEZHI_TIMINGS) and the CPU seconds of node and java
 * (Linux) go into results.json.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../infra/local/dynamoLocal.js';
import { median, repeat, type Benchmark } from '../framework.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BUDGET_S = 15;

/** CPU seconds so far of the node and java processes of a process group (Linux /proc; zeros elsewhere). */
function groupCpu(pgid: number): { node: number; java: number } {
  const out = { node: 0, java: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      if (name === 'java') out.java += seconds;
      else if (name === 'node') out.node += seconds;
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

interface Sample {
  seconds: number;
  phases: string;
  cpu: { node: number; java: number };
}

/** JAVA_TOOL_OPTIONS as the person running the benchmark set them (run.ts keeps them in BENCH_USER_JAVA_TOOL_OPTIONS). */
const userJavaOptions = (): NodeJS.ProcessEnv =>
  process.env.BENCH_USER_JAVA_TOOL_OPTIONS ? { JAVA_TOOL_OPTIONS: process.env.BENCH_USER_JAVA_TOOL_OPTIONS } : {};

/** One fresh `npm start`: spawn → first GraphQL answer with data; then the whole process group is killed. */
async function sample(): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'kezhi-start-'));
  const port = await freePort();
  const started = performance.now();
  // As a shell in a fresh clone runs it: without the JVM options the runner chose for the benchmarks' own database
  // (npm start picks its quick-start ones when none are set; inheriting the runner's made it ~5 s slower).
  const { JAVA_TOOL_OPTIONS: _runners, ...env } = process.env;
  // detached: its own process group (npm → node → java), killed as one.
  const child = spawn('npm', ['start', '--', '--quiet'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, ...userJavaOptions(), PORT: String(port), KEZHI_DEV_KEYS: join(dir, 'dev-keys.json'), KEZHI_TIMINGS: '1', TABLE_NAME: 'kezhi-local' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`npm start exited before it answered:\n${output}`);
      if (performance.now() - started > 300_000) throw new Error(`npm start did not answer in 300 s:\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ regions(parentCode: "44") { code } }' }),
          signal: AbortSignal.timeout(5000),
        });
        const body = (await res.json()) as { data?: { regions?: unknown[] } };
        if (body.data?.regions?.length) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    // The ready line follows the listen call; give it a moment for the phase breakdown.
    for (let i = 0; i < 20 && !/phases \(ms\)/.test(output); i += 1) await new Promise((r) => setTimeout(r, 100));
    return { seconds, phases: /phases \(ms\): ([^\n]+)/.exec(output)?.[1] ?? '', cpu: groupCpu(child.pid as number) };
  } finally {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Gone already.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  row: 10,
  title: '`npm start` from a fresh clone until the API answers',
  async run(ctx) {
    const samples = await repeat(ctx.quick ? 1 : 3, async (i) => {
      const s = await sample();
      ctx.log(`sample ${i + 1}: ${s.seconds.toFixed(1)} s (cpu node ${s.cpu.node.toFixed(1)} s, java ${s.cpu.java.toFixed(1)} s; ${s.phases})`);
      return s;
    });
    const seconds = median(samples.map((s) => s.seconds));
    const middle = samples.find((s) => s.seconds === seconds) as Sample;
    return [
      {
        row: 10,
        name: 'npm start → first GraphQL answer (fresh keys, new table, demo data seeded)',
        figure: `${seconds.toFixed(1)} s (median of ${samples.length})`,
        baseline: null,
        budget: `≤ ${BUDGET_S} s`,
        pass: seconds <= BUDGET_S,
        values: {
          seconds,
          samples: samples.map((s) => s.seconds.toFixed(1)).join(' '),
          phases: middle.phases,
          cpuNodeSeconds: middle.cpu.node,
          cpuJavaSeconds: middle.cpu.java,
        },
      },
    ];
  },
};
