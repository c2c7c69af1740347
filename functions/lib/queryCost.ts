import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInputType,
  isListType,
  isUnionType,
  typeFromAST,
  valueFromAST,
} from './graphqlRuntime.js';
import type {
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './data/pagination.js';
import { ErrorCode } from './errors.js';

/** The most items an operation may read, as `estimateItems` counts them (docs/performance.md, "Row 2"). */
export const MAX_ESTIMATED_ITEMS = 5000;

/** A list of objects without a `first` argument (reasons, history, dispatched experts, a report's children) is assumed to hold this many. */
export const UNBOUNDED_LIST_ESTIMATE = 10;

/** How a `first` argument is read when its value is not known (a variable missing from `variables`). */
export interface EstimateOptions {
  /** The page size a `first` given by an unknown variable counts as. */
  unknownFirst: number;
  /**
   * True: connections, their edges and `PageInfo` count nothing themselves (they are not items read; their nodes are);
   * false: every object counts (the subscription delivery budget's count of objects resolved).
   */
  wrappersFree?: boolean;
}

/** Types that wrap a page rather than hold an item. */
const isWrapper = (name: string) => name.endsWith('Connection') || name.endsWith('Edge') || name === 'PageInfo';

/**
 * Estimates how many items (objects) an operation reads: every object-typed field counts the product of the list sizes
 * on its path (connections, edges and page info nothing of their own with `wrappersFree`); a field with a `first` argument multiplies what is below it by `first` (its default page of 20 when
 * absent, at most 100), another list of objects by UNBOUNDED_LIST_ESTIMATE, and a connection's `edges` adds no factor of
 * its own. Fragments are followed (every fragment of an interface or union counts; each fragment is costed once); scalars are free (they come with their
 * object); introspection fields are free. `variables` are the values known (at validation: the variables' defaults).
 */
export function estimateItems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  options: EstimateOptions = { unknownFirst: DEFAULT_PAGE_SIZE },
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const sizeOf = (field: GraphQLField<unknown, unknown>, args: ReadonlyMap<string, unknown>, isEdges: boolean, unknown: boolean): number => {
    const firstArg = field.args.find((a) => a.name === 'first');
    if (firstArg) {
      if (unknown) return options.unknownFirst;
      const given = args.get('first');
      return typeof given === 'number' && given >= 0 ? Math.min(given, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    }
    if (isEdges) return 1;
    return isListType(getNullableType(field.type)) ? UNBOUNDED_LIST_ESTIMATE : 1;
  };
  // A fragment's cost per item it is spread on, computed once (the estimate is linear in the multiplier): a document spreading
  // fragments within fragments many times is counted in time proportional to its size, not to its expansion.
  const fragmentCosts = new Map<string, number>();
  const fragmentCost = (fragment: FragmentDefinitionNode, seen: ReadonlySet<string>): number => {
    const name = fragment.name.value;
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const on = schema.getType(fragment.typeCondition.name.value);
    const cost = isCompositeType(on) ? walk(on, fragment.selectionSet, 1, new Set([...seen, name])) : 0;
    fragmentCosts.set(name, cost);
    return cost;
  };
  const walk = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, multiplier: number, seen: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A fragment within itself is refused by validation; `seen` only guards this walk.
        if (fragment && !seen.has(fragment.name.value)) cost += multiplier * fragmentCost(fragment, seen);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(on)) cost += walk(on, selection.selectionSet, multiplier, seen);
        continue;
      }
      // A union has no fields of its own but __typename; introspection is free.
      if (selection.name.value.startsWith('__') || isUnionType(type)) continue;
      const field = type.getFields()[selection.name.value];
      const named = field && getNamedType(field.type);
      // Interfaces and unions (node, search results) count like objects: their fragments are walked below.
      if (!field || !selection.selectionSet || !isCompositeType(named)) continue;
      const firstNode = selection.arguments?.find((a) => a.name.value === 'first');
      const unknown = firstNode?.value.kind === Kind.VARIABLE && !(firstNode.value.name.value in variables);
      const args = new Map(
        (selection.arguments ?? []).map((a) => {
          const def = field.args.find((d) => d.name === a.name.value);
          return [a.name.value, def ? valueFromAST(a.value, def.type, variables) : undefined] as const;
        }),
      );
      const size = multiplier * sizeOf(field, args, field.name === 'edges' && type.name.endsWith('Connection'), unknown);
      cost += (options.wrappersFree && isWrapper(named.name) ? 0 : size) + walk(named, selection.selectionSet, size, seen);
    }
    return cost;
  };
  return walk(root, operation.selectionSet, 1, new Set());
}

/**
 * The cost limit, a validation rule (HTTP and WebSocket alike): an operation estimated (`estimateItems`) to read more
 * than `maxItems` items is refused with GRAPHQL_VALIDATION_FAILED and `extensions.cost` ({ estimated, limit }).
 * Validation runs before variables are known (Apollo caches it per document): a `first` given by a variable counts as
 * the variable's default, or as the largest page (100) when it has none.
 */
export function costLimitRule(maxItems = MAX_ESTIMATED_ITEMS): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const document = context.getDocument();
      const fragments = new Map(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      const defaults: Record<string, unknown> = {};
      for (const v of operation.variableDefinitions ?? []) {
        const type = typeFromAST(context.getSchema(), v.type);
        if (v.defaultValue && type && isInputType(type)) defaults[v.variable.name.value] = valueFromAST(v.defaultValue, type);
      }
      const estimated = Math.round(estimateItems(context.getSchema(), operation, fragments, defaults, { unknownFirst: MAX_PAGE_SIZE, wrappersFree: true }));
      if (estimated <= maxItems) return;
      context.reportError(
        new GraphQLError(
          `Query cost limit of ${maxItems} items exceeded, found ${estimated}: the operation would read about ${estimated} items ` +
            '(each object counts once per list item above it; `first` multiplies, a list without it counts 10; see docs/performance.md). Pass a smaller `first` or select fewer nested lists.',
          { nodes: [operation], extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, cost: { estimated, limit: maxItems } } },
        ),
      );
    },
  });
}
