/**
 * The performance-budget benchmark's shared shape. Each file in test/bench/budgets/ exports `benchmark`, which measures
 * one row of the budget table (README "Performance budgets") and returns one or more results; test/bench/run.ts runs
 * them in order, prints the table, writes bench/results.json and, with --check, exits non-zero on a missed budget.
 */
import { availableParallelism } from 'node:os';

/** What a benchmark gets from the runner. */
export interface BenchContext {
  /** --quick: every row at a reduced size (the whole run within about 5 minutes on a 2-core machine), same budgets. */
  quick: boolean;
  /** A DynamoDB Local the runner started for this run; give each benchmark its own table names. */
  endpoint: string;
  /** Progress lines (printed dimmed; not part of the table). */
  log: (line: string) => void;
}

/** One measured figure against its budget. */
export interface BenchResult {
  /** The row of the budget table this result belongs to. */
  row: number;
  /** Short name, e.g. "nested needs query (first: 50)". */
  name: string;
  /** The measured figure as people read it, e.g. "5 requests" or "1.08× (212 ms vs 196 ms)". */
  figure: string;
  /** What the figure is compared with, measured in the same run, or null for an absolute budget. */
  baseline: string | null;
  /** The budget, e.g. "≤ 6 requests". */
  budget: string;
  pass: boolean;
  /** Raw numbers for bench/results.json. */
  values: Record<string, number | string | boolean | null>;
}

/** One row (or group of rows) of the budget table. */
export interface Benchmark {
  row: number;
  title: string;
  run: (ctx: BenchContext) => Promise<BenchResult[]>;
}

/** The median of a non-empty list (the lower middle for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The p-th percentile (nearest rank) of a non-empty list. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of nothing');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `fn` n times one after another and returns the results in order. */
export async function repeat<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += 1) out.push(await fn(i));
  return out;
}

/** A ratio as the table prints it. */
export const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;

/** The machine a run was on (recorded in results.json next to the figures). */
export const machine = () => ({ node: process.version, cpus: availableParallelism(), platform: `${process.platform}-${process.arch}` });
