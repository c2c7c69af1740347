/**
 * The example operations of the README (its `graphql` blocks, the queries of its `curl` bodies and of its TypeScript
 * snippet) and the partner client's documents (graphql/operations/partner/*.graphql), each as one operation, for the
 * cost-limit test and the budget benchmarks of issue 12 (rows 1 and 2).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ExampleOperation {
  /** Where it comes from and its first words, e.g. `README: mutation { createTeam`. */
  name: string;
  source: string;
}

/** Splits a block of GraphQL text into its top-level operations (comments dropped; strings kept whole). */
export function splitOperations(block: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  let inString = false;
  for (let i = 0; i < block.length; i += 1) {
    const c = block[i]!;
    if (inString) {
      current += c;
      if (c === '\\') current += block[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '#') {
      while (i < block.length && block[i] !== '\n') i += 1;
      current += '\n';
      continue;
    }
    if (c === '"') inString = true;
    if (c === '{') depth += 1;
    current += c;
    if (c === '}') {
      depth -= 1;
      if (depth === 0) {
        if (current.trim()) out.push(current.trim());
        current = '';
      }
    }
  }
  return out;
}

const label = (origin: string, source: string) => `${origin}: ${source.replace(/\s+/g, ' ').slice(0, 60)}`;

/** The README's example operations, in the order they appear. */
export function readmeOperations(): ExampleOperation[] {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const ops: ExampleOperation[] = [];
  for (const [, lang, body] of text.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
    if (lang === 'graphql') {
      for (const source of splitOperations(body!)) ops.push({ name: label('README', source), source });
    } else if (lang === 'sh') {
      for (const [, escaped] of body!.matchAll(/"query":"((?:[^"\\]|\\.)*)"/g)) {
        const source = JSON.parse(`"${escaped}"`) as string;
        ops.push({ name: label('README', source), source });
      }
    } else if (lang === 'ts') {
      for (const [, source] of body!.matchAll(/query: '([^']+)'/g)) ops.push({ name: label('README', source!), source: source! });
    }
  }
  return ops;
}

/** The partner client's documents (one operation each). */
export function partnerOperations(): ExampleOperation[] {
  const dir = join(root, 'graphql', 'operations', 'partner');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ name: `partner: ${f.replace(/\.graphql$/, '')}`, source: readFileSync(join(dir, f), 'utf8') }));
}

/** The operation with every literal `first` set to `n`. */
export const withFirst = (source: string, n: number) => source.replace(/\bfirst:\s*\d+/g, `first: ${n}`);
