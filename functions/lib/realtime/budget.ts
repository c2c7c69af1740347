import { Kind, getNamedType, getNullableType, isListType, isObjectType, valueFromAST } from 'graphql';
import type { FragmentDefinitionNode, GraphQLField, GraphQLObjectType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { AppError, ErrorCode } from '../errors.js';
import { DEFAULT_PAGE_SIZE } from '../data/pagination.js';
import type { Store } from '../data/store.js';

/** The limits of one subscription delivery: what a document may cost (checked at subscribe) and what one execution may spend. */
export interface DeliveryLimits {
  /** Most objects a document may resolve per delivery, as `estimateDeliveryCost` counts them. */
  maxEstimatedObjects: number;
  /** Most Store calls one execution of one subscriber's document may make. */
  maxRequests: number;
  /** Most milliseconds one execution of one subscriber's document may take. */
  maxMs: number;
}

/** The defaults: a plain subscription costs ~10 objects and 1–3 Store calls; nested lists of teams and members cost thousands. */
export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = { maxEstimatedObjects: 1000, maxRequests: 50, maxMs: 2000 };

/** A list of objects without a `first` argument (reasons, history, dispatched experts) is assumed to hold this many. */
export const UNBOUNDED_LIST_ESTIMATE = 10;

/**
 * Estimates how many objects one delivery of a subscription document resolves: every object-typed field
 * counts the product of the list sizes on its path, a list taking its `first` argument (the page default
 * when absent) or UNBOUNDED_LIST_ESTIMATE, and a connection's `edges` adding no factor of its own.
 * Fragments are followed; scalars are free (they come with their object).
 */
export function estimateDeliveryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = schema.getSubscriptionType();
  if (!root) return 0;
  const sizeOf = (field: GraphQLField<unknown, unknown>, args: ReadonlyMap<string, unknown>, isEdges: boolean): number => {
    const firstArg = field.args.find((a) => a.name === 'first');
    if (firstArg) {
      const given = args.get('first');
      return typeof given === 'number' && given >= 0 ? given : DEFAULT_PAGE_SIZE;
    }
    if (isEdges) return 1;
    return isListType(getNullableType(field.type)) ? UNBOUNDED_LIST_ESTIMATE : 1;
  };
  const walk = (type: GraphQLObjectType, selectionSet: SelectionSetNode, multiplier: number, seen: ReadonlySet<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // A fragment within itself is refused by validation; `seen` only guards this walk.
        if (!fragment || seen.has(fragment.name.value)) continue;
        const on = schema.getType(fragment.typeCondition.name.value);
        if (isObjectType(on)) cost += walk(on, fragment.selectionSet, multiplier, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (isObjectType(on)) cost += walk(on, selection.selectionSet, multiplier, seen);
        continue;
      }
      const field = type.getFields()[selection.name.value];
      const named = field && getNamedType(field.type);
      if (!field || !selection.selectionSet || !isObjectType(named)) continue;
      const args = new Map(
        (selection.arguments ?? []).map((a) => {
          const def = field.args.find((d) => d.name === a.name.value);
          return [a.name.value, def ? valueFromAST(a.value, def.type, variables) : undefined] as const;
        }),
      );
      const size = multiplier * sizeOf(field, args, field.name === 'edges' && type.name.endsWith('Connection'));
      cost += size + walk(named, selection.selectionSet, size, seen);
    }
    return cost;
  };
  return walk(root, operation.selectionSet, 1, new Set());
}

/** The refusal of a document whose estimated cost per delivery is over the budget. */
export const overBudget = (estimated: number, limits: DeliveryLimits): AppError =>
  new AppError(
    ErrorCode.GRAPHQL_VALIDATION_FAILED,
    `This subscription would resolve about ${estimated} objects per delivery; the per-delivery budget is ${limits.maxEstimatedObjects}. ` +
      'Select fewer nested lists or pass a smaller `first`.',
  );

/** The error that ends a subscription whose delivery went over its request or time budget. */
export const deliveryOverBudget = (limits: DeliveryLimits): AppError =>
  new AppError(
    ErrorCode.BAD_USER_INPUT,
    `Delivering this subscription exceeded the per-delivery budget of ${limits.maxRequests} database requests or ${limits.maxMs} ms; ` +
      'the subscription has ended. Subscribe again with fewer nested fields.',
  );

/** The Store methods that send requests (each call counts once against a delivery's budget). */
const SENDING = new Set<PropertyKey>(['get', 'batchGet', 'putItem', 'putIfAbsent', 'updateItem', 'batchWrite', 'queryAll', 'queryPage', 'transact']);

/** The request and time budget of one delivery, and the Store that spends it. */
export interface DeliveryBudget {
  /** A view of the Store whose requests count against this budget; once spent, every request throws. */
  store: Store;
  /** True once the delivery made too many requests or ran too long. */
  exceeded(): boolean;
  /** Store calls made so far. */
  requests(): number;
}

/**
 * A per-delivery budget over `store`: each sending call counts, and a call past `maxRequests` or after
 * `maxMs` throws instead of reaching DynamoDB, so an expensive document stops spending at its budget.
 */
export function deliveryBudget(store: Store, limits: DeliveryLimits, clock: () => number = Date.now): DeliveryBudget {
  const deadline = clock() + limits.maxMs;
  let requests = 0;
  let over = false;
  const exceeded = () => over || clock() > deadline;
  const budgeted = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Bound to the real store: its methods use private fields, which a proxy as `this` would not have.
      const method = value.bind(target) as (...args: unknown[]) => unknown;
      if (!SENDING.has(property)) return method;
      return (...args: unknown[]): unknown => {
        requests += 1;
        if (requests > limits.maxRequests || clock() > deadline) over = true;
        if (over) throw deliveryOverBudget(limits);
        return method(...args);
      };
    },
  });
  return { store: budgeted, exceeded, requests: () => requests };
}
