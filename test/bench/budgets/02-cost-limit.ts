/**
 * Row 2: the cost limit. Every example operation of the README and of the partner client (graphql/operations/partner)
 * passes the validation rules of the API (functions/lib/validation.ts, HTTP and WebSocket alike) with every `first` set
 * to 50, and so does the nested needs query of row 1; a query that would read more than 5,000 items is refused with
 * GRAPHQL_VALIDATION_FAILED and its estimate. The baseline is graphql-armor's cost limit as it was configured before
 * (maxCost 10,000), applied to the same documents in the same run.
 */
import { Kind, parse, specifiedRules, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { costLimitRule as armorCostLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import type { BenchResult, Benchmark } from '../framework.js';
import { executableSchema } from '../../../functions/lib/schema.js';
import { checkDocument } from '../../../functions/lib/validation.js';
import { MAX_ESTIMATED_ITEMS, estimateItems } from '../../../functions/lib/queryCost.js';
import { partnerOperations, readmeOperations, withFirst } from '../../support/readmeOperations.js';
import { nestedNeedsQuery } from '../../support/nestedReads.js';

/** A query that would read 100 experts and 50 teams of each: 5,100 items. */
const OVER = '{ experts(first: 100) { edges { node { name teams(first: 50) { edges { node { name } } } } } } }';

export const benchmark: Benchmark = {
  row: 2,
  title: 'the cost limit: README and partner operations at first: 50 pass, a query of more than 5,000 items is refused',
  async run(ctx) {
    const schema = executableSchema();
    const estimateOf = (source: string) => {
      const document = parse(source);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      const fragments = new Map(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      return estimateItems(schema, operation, fragments, {}, { unknownFirst: 100, wrappersFree: true });
    };
    // armor's rule throws its refusal (as Apollo answers it) rather than reporting it.
    const armorRefuses = (source: string) => {
      try {
        return validate(schema, parse(source), [...specifiedRules, armorCostLimitRule({ maxCost: 10000 })]).length > 0;
      } catch {
        return true;
      }
    };

    // Every `first` of the examples set to 50; the nested query of row 1 as the issue gives it (needs 50, matches 3).
    const operations = [
      ...[...readmeOperations(), ...partnerOperations()].map((op) => ({ ...op, source: withFirst(op.source, 50) })),
      { name: 'row 1: nested needs query', source: nestedNeedsQuery(50) },
    ];
    const checked = operations.map((op) => {
      const verdict = checkDocument(schema, op.source);
      return { name: op.name, ok: verdict.ok, estimate: estimateOf(op.source), armorRefused: armorRefuses(op.source) };
    });
    for (const c of checked)
      ctx.log(`${c.ok ? 'pass' : 'REFUSED'} ${String(c.estimate).padStart(5)} items  ${c.name}${c.armorRefused ? '  (armor 10,000: refused)' : ''}`);
    const passed = checked.filter((c) => c.ok).length;
    const maxEstimate = Math.max(...checked.map((c) => c.estimate));
    const armorRefused = checked.filter((c) => c.armorRefused).length;

    const over = checkDocument(schema, OVER);
    const overError = over.ok ? undefined : over.errors[0];
    const overCode = typeof overError?.extensions.code === 'string' ? overError.extensions.code : null;
    const overEstimate = estimateOf(OVER);
    ctx.log(`crafted query: ${over.ok ? 'passed' : `refused (${String(overCode)}): ${overError?.message ?? ''}`}`);

    const results: BenchResult[] = [
      {
        row: 2,
        name: `README + partner operations at first: 50 (${checked.length})`,
        figure: `${passed}/${checked.length} pass, largest estimate ${maxEstimate} items`,
        baseline: `armor maxCost 10,000 refused ${armorRefused} of them`,
        budget: 'all pass',
        pass: passed === checked.length,
        values: { operations: checked.length, passed, maxEstimate, armorRefused },
      },
      {
        row: 2,
        name: 'a query of 100 experts × 50 teams',
        figure: over.ok ? `passed (estimate ${overEstimate} items)` : `refused, ${String(overCode)}, estimate ${overEstimate} items`,
        baseline: null,
        budget: `refused above ${MAX_ESTIMATED_ITEMS} items`,
        pass: !over.ok && overCode === 'GRAPHQL_VALIDATION_FAILED' && overEstimate > MAX_ESTIMATED_ITEMS,
        values: { refused: !over.ok, code: String(overCode ?? ''), estimate: overEstimate, limit: MAX_ESTIMATED_ITEMS },
      },
    ];
    return results;
  },
};
