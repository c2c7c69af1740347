/**
 * The public GraphQL contract: the built schema printed (sorted) to a committed snapshot, and the rules that
 * `npm test` enforces (test/unit/schemaContract.test.ts):
 *
 * 1. The snapshot (test/contract/schema.graphql) equals the built schema: any change to the SDL needs
 *    `npm run schema:snapshot` in the same commit, so every contract change is visible in review.
 * 2. Every BREAKING change (graphql-inspector's criticality) from the released contract
 *    (test/contract/schema.released.graphql, the schema of the last release) to the built schema is listed,
 *    by its path (e.g. `Need.title`, `Mutation.reviewNeed.input`), in the Unreleased section of CHANGELOG.md.
 *    Dangerous and safe changes need only the snapshot.
 *
 * The snapshots live outside graphql/ so that neither codegen nor the server loads them as SDL.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The committed snapshot of the current contract. */
export const SNAPSHOT_PATH = root('test/contract/schema.graphql');
/** The contract as of the last release: the baseline breaking changes are counted from. */
export const RELEASED_PATH = root('test/contract/schema.released.graphql');
export const CHANGELOG_PATH = root('CHANGELOG.md');

/** The public schema as SDL: types and fields sorted, so the snapshot changes only when the contract does. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** A schema change as graphql-inspector classifies it. */
export interface ContractChange {
  level: 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';
  path: string;
  message: string;
}

/** The changes from one schema (SDL) to another, with their criticality. */
export async function contractChanges(fromSdl: string, to: GraphQLSchema): Promise<ContractChange[]> {
  const changes: Change[] = await diff(buildSchema(fromSdl), to);
  return changes.map((c) => ({ level: levelOf(c.criticality.level), path: c.path ?? String(c.type), message: c.message }));
}

const levelOf = (level: CriticalityLevel): ContractChange['level'] =>
  level === CriticalityLevel.Breaking ? 'BREAKING' : level === CriticalityLevel.Dangerous ? 'DANGEROUS' : 'NON_BREAKING';

/** The text of CHANGELOG.md's `## [Unreleased]` section (empty when there is none). */
export function unreleasedSection(changelog: string): string {
  const start = changelog.search(/^## \[Unreleased\]/m);
  if (start < 0) return '';
  const section = changelog.slice(start);
  const next = section.slice(1).search(/^## /m);
  return next < 0 ? section : section.slice(0, next + 1);
}

/** What the contract check found wrong (empty: the contract holds). */
export interface ContractReport {
  /** The snapshot differs from the built schema: these are the changes (run `npm run schema:snapshot`). */
  unsnapshotted: ContractChange[];
  /** The snapshot's text differs from the printed built schema (also when no change is semantic, e.g. a description). */
  snapshotStale: boolean;
  /** Breaking changes since the released contract that CHANGELOG.md's Unreleased section does not list. */
  unlisted: ContractChange[];
}

/** Checks a built schema against the snapshot, the released contract and the changelog (all as text). */
export async function checkContract(input: { built: GraphQLSchema; snapshot: string; released: string; changelog: string }): Promise<ContractReport> {
  const printed = printContract(input.built);
  const snapshotStale = input.snapshot !== printed;
  const unsnapshotted = snapshotStale ? await contractChanges(input.snapshot, input.built) : [];
  const unreleased = unreleasedSection(input.changelog);
  const breaking = (await contractChanges(input.released, input.built)).filter((c) => c.level === 'BREAKING');
  const unlisted = breaking.filter((c) => !unreleased.includes(`\`${c.path}\``));
  return { unsnapshotted, snapshotStale, unlisted };
}

/** The committed files of the contract. */
export function readContractFiles(): { snapshot: string; released: string; changelog: string } {
  return { snapshot: readFileSync(SNAPSHOT_PATH, 'utf8'), released: readFileSync(RELEASED_PATH, 'utf8'), changelog: readFileSync(CHANGELOG_PATH, 'utf8') };
}

/** A report as lines a developer can act on. */
export function describeReport(report: ContractReport): string {
  const lines: string[] = [];
  if (report.snapshotStale) {
    lines.push('The committed schema snapshot (test/contract/schema.graphql) differs from the built schema: run `npm run schema:snapshot`.');
    for (const c of report.unsnapshotted) lines.push(`  ${c.level} ${c.path}: ${c.message}`);
  }
  if (report.unlisted.length) {
    lines.push('Breaking changes since the released contract that CHANGELOG.md does not list under ## [Unreleased] (name each path in backticks):');
    for (const c of report.unlisted) lines.push(`  \`${c.path}\`: ${c.message}`);
  }
  return lines.join('\n');
}
