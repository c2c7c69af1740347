import type { FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { AppError, ErrorCode } from '../errors.js';
import { estimateItems } from '../queryCost.js';
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

export { UNBOUNDED_LIST_ESTIMATE } from '../queryCost.js';

/**
 * Estimates how many objects one delivery of a subscription document resolves: `estimateItems` of queryCost.ts (the HTTP
 * cost limit's model), with the subscriber's variables (a `first` variable left out is the page default).
 */
export function estimateDeliveryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  return schema.getSubscriptionType() ? estimateItems(schema, operation, fragments, variables) : 0;
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
