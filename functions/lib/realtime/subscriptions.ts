import { randomUUID } from 'node:crypto';
import { Kind, OperationTypeNode, execute, getArgumentValues, getOperationAST, parse } from '../graphqlRuntime.js';
import type { DocumentNode, ExecutionResult, FieldNode, FragmentDefinitionNode, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, type SubscribePayload } from 'graphql-ws';
import type { APIGatewayProxyResultV2, Context as LambdaContext } from 'aws-lambda';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { AppError, ErrorCode, createFormatError, formatRaised } from '../errors.js';
import { decide as decideAccess, matchAudience } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { contextFor, type AppDeps } from '../context.js';
import { createRepositories } from '../repositories/index.js';
import type { SubscriptionTarget } from '../data/keys.js';
import type { Store } from '../data/store.js';
import { createItemLoader, type ItemLoader } from '../data/loader.js';
import type { NeedMatchRecord, NeedRecord } from '../repositories/needs.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { MatchingNeedPostedEvent } from '../resolvers/subscription.js';
import { executableSchema } from '../schema.js';
import { checkDocument, coerceVariables, findOverlongId } from '../validation.js';
import { inRequestScope } from '../logging.js';
import { ConnectionRepository, type SubscriptionRecord } from './connections.js';
import { GoneError, type ConnectionGateway } from './gateway.js';
import { acceptLanguageFrom, ackMessage, completeMessage, decide, errorMessage, nextMessage, tokenFrom } from './protocol.js';
import { localizeData, negotiateLocale, variantOf } from '../domain/locale.js';
import { traditionalConverter } from '../domain/text.js';
import { DEFAULT_DELIVERY_LIMITS, deliveryBudget, deliveryOverBudget, estimateDeliveryCost, overBudget, type DeliveryLimits } from './budget.js';

/** The one subscription field. */
export const SUBSCRIPTION_FIELD = 'matchingNeedPosted';

/** A WebSocket event as API Gateway delivers it (the local runner builds the same shape). */
export interface WebSocketEvent {
  requestContext: { routeKey: string; connectionId: string; requestId?: string };
  headers?: Record<string, string | undefined>;
  body?: string | null;
}

const now = () => Math.floor(Date.now() / 1000);

/** The better of two matches for one subscriber: the higher score, then the better rank. */
const better = (a: NeedMatchRecord, b: NeedMatchRecord) => (b.score > a.score || (b.score === a.score && b.rank < a.rank) ? b : a);

/** The errors one invocation masked (INTERNAL_SERVER_ERROR) or answered as unavailable (SERVICE_UNAVAILABLE). */
interface ErrorTally {
  internal: number;
  unavailable: number;
}

/** Counts the errors sent to a client by their code. */
function tallyFormatted(tally: ErrorTally, errors: readonly GraphQLFormattedError[]): void {
  for (const e of errors) {
    if (e.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) tally.internal += 1;
    if (e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) tally.unavailable += 1;
  }
}

/** Counts an error raised past the protocol: a failing database is unavailable, anything else internal. */
function tallyRaised(tally: ErrorTally, error: unknown): void {
  if (error instanceof AppError && error.code === ErrorCode.SERVICE_UNAVAILABLE) tally.unavailable += 1;
  else tally.internal += 1;
}

/**
 * Publishes the HTTP API's error metrics (server.ts: InternalErrors, UnavailableErrors) for one invocation, under the
 * function's service dimension alone (what the alarms watch); nothing when there was nothing to count.
 */
function publishErrorMetrics(metrics: Metrics | undefined, tally: ErrorTally): void {
  if (!metrics || (tally.internal === 0 && tally.unavailable === 0)) return;
  metrics.addMetric('InternalErrors', MetricUnit.Count, tally.internal);
  metrics.addMetric('UnavailableErrors', MetricUnit.Count, tally.unavailable);
  metrics.publishStoredMetrics();
}

/** Some deliveries of a publication failed (each counted already); the stream record is retried. */
class DeliveriesFailed extends AggregateError {
  constructor(failures: unknown[]) {
    super(failures, `${failures.length} deliveries failed`);
    this.name = 'DeliveriesFailed';
  }
}

/** Resolves with `run`'s result, or with `onTimeout`'s after `ms` (the run goes on, but its Store calls are refused by then). */
function withDeadline<T>(run: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), ms)));
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A view of `store` whose eventually consistent `batchGet` goes through `shared`, one publication's item loader: the
 * deliveries of one event read each item (the need, the matched experts, their organizations…) once between them,
 * whatever the number of recipients, while each delivery's own loader (and budget) still counts the calls it makes.
 */
function sharingReads(store: Store, shared: ItemLoader): Store {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Bound to the real store: its methods use private fields, which a proxy as `this` would not have.
      const method = value.bind(target) as (...args: unknown[]) => unknown;
      if (property !== 'batchGet') return method;
      return async (keys: Parameters<Store['batchGet']>[0], options: Parameters<Store['batchGet']>[1] = {}) => {
        if (options.consistentRead) return target.batchGet(keys, options);
        const loaded = await shared.loadMany(keys);
        return loaded.map((item) => {
          if (item instanceof Error) throw item;
          return item;
        });
      };
    },
  });
}

/**
 * The WebSocket API's routes: $connect (subprotocol check, connection item), $default (graphql-ws
 * messages through the pure protocol core), $disconnect (items removed). Transport-free: replies go
 * through the gateway, so API Gateway and the local runner share this code. Documents are checked and
 * executed against the same executable schema, limits and error formatting as the HTTP API, and each
 * delivery within `limits` (budget.ts): an estimated cost checked at subscribe, requests and time at delivery.
 * Masked and unavailable errors (answered to a subscribe, failing a message or a delivery) count in `metrics`
 * as on the HTTP path, under the service of the function that runs the code (subscriptions, or streams for deliveries).
 */
export function createSubscriptionService(
  deps: AppDeps,
  gateway: ConnectionGateway,
  schema: GraphQLSchema = executableSchema(),
  limits: DeliveryLimits = DEFAULT_DELIVERY_LIMITS,
  metrics?: Metrics,
) {
  const connections = new ConnectionRepository(deps.store);
  const formatError = createFormatError(deps.logger);
  const format = (error: unknown): GraphQLFormattedError => formatRaised(formatError, error);

  async function onConnect(event: WebSocketEvent): Promise<APIGatewayProxyResultV2> {
    const offered = (event.headers?.['sec-websocket-protocol'] ?? event.headers?.['Sec-WebSocket-Protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(GRAPHQL_TRANSPORT_WS_PROTOCOL)) return { statusCode: 400, body: `Use the ${GRAPHQL_TRANSPORT_WS_PROTOCOL} subprotocol` };
    await connections.putConnection(event.requestContext.connectionId, new Date().toISOString());
    return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': GRAPHQL_TRANSPORT_WS_PROTOCOL } };
  }

  async function onInit(connectionId: string, payload: Record<string, unknown> | null): Promise<void> {
    let principal: Principal | null = null;
    const authorization = tokenFrom(payload);
    if (authorization) {
      try {
        principal = await createRepositories(deps.store).access.effective(await deps.verifier.principalFor(authorization));
      } catch (error) {
        // A refused token is Forbidden; a failing database is not the client's fault (counted as unavailable, see route).
        if (!(error instanceof AppError) || error.code === ErrorCode.SERVICE_UNAVAILABLE) throw error;
      }
    }
    await connections.markInit(connectionId, principal, principal?.expiresAt ?? null, acceptLanguageFrom(payload));
    if (!principal || principal.kind === 'ANONYMOUS') return gateway.close(connectionId, CloseCode.Forbidden, 'Forbidden');
    await gateway.send(connectionId, ackMessage());
  }

  /** Validates and authorizes a subscribe message; returns the subscription to store, or the errors to send. */
  async function prepare(
    connectionId: string,
    id: string,
    payload: SubscribePayload,
    principal: Principal,
    requestId: string,
    acceptLanguage: string | null,
  ): Promise<SubscriptionRecord | GraphQLFormattedError[]> {
    const checked = checkDocument(schema, payload.query);
    if (!checked.ok) return checked.errors.map(format);
    const operation = getOperationAST(checked.value, payload.operationName ?? undefined);
    const refuse = (error: AppError) => [format(error)];
    if (!operation || operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return refuse(new AppError(ErrorCode.BAD_USER_INPUT, 'Send a subscription operation'));
    }
    const fields = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    if (fields.length !== 1 || fields[0]?.name.value !== SUBSCRIPTION_FIELD) {
      return refuse(new AppError(ErrorCode.BAD_USER_INPUT, `Subscribe to ${SUBSCRIPTION_FIELD} alone`));
    }
    const variables = coerceVariables(schema, operation, payload.variables);
    if (!variables.ok) return variables.errors.map(format);
    const overlong = findOverlongId(schema, checked.value, variables.value);
    if (overlong) return refuse(overlong);
    const fieldDef = schema.getSubscriptionType()?.getFields()[SUBSCRIPTION_FIELD];
    if (!fieldDef) throw new Error('schema has no subscription field');
    const args = getArgumentValues(fieldDef, fields[0], variables.value) as { expertId?: string | null; minScore?: number | null };
    const fragments = new Map(
      checked.value.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
    );
    const estimated = estimateDeliveryCost(schema, operation, fragments, variables.value);
    if (estimated > limits.maxEstimatedObjects) return refuse(overBudget(estimated, limits));

    const ctx = contextFor(deps, principal, requestId);
    let target: SubscriptionTarget;
    let expert: ExpertRecord | undefined;
    const audience = matchAudience(principal);
    const expertId = args.expertId ?? (audience.kind === 'SELF' ? audience.expertId : null);
    if (expertId) {
      expert = await ctx.repos.experts.get(expertId);
      if (!expert) return refuse(new AppError(ErrorCode.NOT_FOUND, `Expert ${expertId} not found`, { field: 'expertId' }));
      target = { kind: 'EXPERT', expertId };
    } else if (audience.kind === 'PARTNER') {
      target = { kind: 'PARTNER', partnerId: audience.partnerId };
    } else {
      target = audience.kind === 'ALL' ? { kind: 'ALL' } : { kind: 'ORG', organizationId: audience.kind === 'ORG' ? (audience.organizationId ?? '') : '' };
    }
    const decision = decideAccess(principal, { type: 'matches.subscribe', expert: expert ?? null });
    if (!decision.allowed) return refuse(new AppError(decision.code, decision.reason));
    return {
      connectionId,
      subscriptionId: id,
      target,
      query: payload.query,
      variables: payload.variables ?? null,
      operationName: payload.operationName ?? null,
      minScore: args.minScore ?? 0,
      principal,
      tokenExpiresAt: principal.expiresAt,
      acceptLanguage,
    };
  }

  /**
   * Closes a connection whose connection_init token has expired (4401 Unauthorized, as graphql-ws defines it) and removes
   * it with its subscriptions: the client reconnects with a fresh token instead of listening to a socket that stays quiet.
   */
  async function closeExpired(connectionId: string): Promise<void> {
    deps.logger.info('connection closed: its token expired', { connectionId });
    await gateway.close(connectionId, CloseCode.Unauthorized, 'Unauthorized: the token expired');
    await connections.deleteConnection(connectionId);
  }

  /** Closes a disabled user's connection (4403, as at connection_init) and removes it with its subscriptions. */
  async function refuseDisabled(connectionId: string): Promise<void> {
    deps.logger.info('connection of a disabled user closed', { connectionId });
    await gateway.close(connectionId, CloseCode.Forbidden, 'Forbidden');
    await connections.deleteConnection(connectionId);
  }

  /**
   * Whether the subscribe that registered `sub` would still be accepted from `principal` (the same decision as
   * `prepare`): an expert's own, an admin's expert in scope, its organization, or the province.
   */
  function stillSubscribable(principal: Principal, sub: SubscriptionRecord, experts: ReadonlyMap<string, ExpertRecord>): boolean {
    const target = sub.target;
    const expert = target.kind === 'EXPERT' ? experts.get(target.expertId) : null;
    if (expert === undefined || !decideAccess(principal, { type: 'matches.subscribe', expert }).allowed) return false;
    const audience = matchAudience(principal);
    if (target.kind === 'ALL') return audience.kind === 'ALL';
    if (target.kind === 'PARTNER') return audience.kind === 'PARTNER' && audience.partnerId === target.partnerId;
    return target.kind === 'EXPERT' || (audience.kind === 'ORG' && audience.organizationId === target.organizationId);
  }

  /** Ends one subscription whose subscriber lost the role it was registered with: `complete`, then the item goes. */
  async function endSubscription(sub: SubscriptionRecord): Promise<void> {
    deps.logger.info('subscription ended: a role was revoked', { connectionId: sub.connectionId, subscriptionId: sub.subscriptionId });
    await gateway.send(sub.connectionId, completeMessage(sub.subscriptionId));
    await connections.deleteSubscription(sub.connectionId, sub.subscriptionId);
  }

  async function onMessage(connectionId: string, raw: string, requestId: string, tally: ErrorTally): Promise<void> {
    const connection = await connections.getConnection(connectionId);
    if (!connection) return gateway.close(connectionId, CloseCode.Forbidden, 'Unknown connection');
    const decision = decide({ initReceived: connection.initReceived, acknowledged: connection.acknowledged }, raw);
    switch (decision.kind) {
      case 'close':
        // The client's mistake (4400): one WARN line, no stack trace.
        if (decision.code === CloseCode.BadRequest) deps.logger.warn('websocket message refused', { closeCode: decision.code, reason: decision.reason });
        return gateway.close(connectionId, decision.code, decision.reason);
      case 'send':
        return gateway.send(connectionId, decision.message);
      case 'init':
        return onInit(connectionId, decision.payload);
      case 'complete':
        return connections.deleteSubscription(connectionId, decision.id);
      case 'subscribe': {
        // The access record may have changed since connection_init: a disabled user is closed out, revoked roles are gone.
        const stored = connection.principal as Principal;
        if (stored.expiresAt !== null && stored.expiresAt < now()) return closeExpired(connectionId);
        const principal = await createRepositories(deps.store).access.effective(stored);
        if (!principal) return refuseDisabled(connectionId);
        const prepared = await prepare(connectionId, decision.id, decision.payload, principal, requestId, connection.acceptLanguage ?? null);
        if (Array.isArray(prepared)) {
          tallyFormatted(tally, prepared);
          return gateway.send(connectionId, errorMessage(decision.id, prepared));
        }
        if (!(await connections.putSubscription(prepared)))
          return gateway.close(connectionId, CloseCode.SubscriberAlreadyExists, `Subscriber for ${decision.id} already exists`);
        return;
      }
      case 'ignore':
        return;
    }
  }

  async function route(event: WebSocketEvent, requestId: string, tally: ErrorTally): Promise<APIGatewayProxyResultV2> {
    const { routeKey, connectionId } = event.requestContext;
    try {
      if (routeKey === '$connect') return await onConnect(event);
      if (routeKey === '$disconnect') {
        await connections.deleteConnection(connectionId);
        return { statusCode: 200 };
      }
      await onMessage(connectionId, event.body ?? '', requestId, tally);
      return { statusCode: 200 };
    } catch (error) {
      if (error instanceof GoneError) {
        await connections.deleteConnection(connectionId);
        return { statusCode: 200 };
      }
      tallyRaised(tally, error);
      deps.logger.error('subscription handler failed', { error });
      await gateway.close(connectionId, CloseCode.InternalServerError, 'Internal server error').catch(() => undefined);
      return { statusCode: 500 };
    }
  }

  /** The Lambda handler of the WebSocket API; every line it logs carries the request, route and connection ids. */
  async function handle(event: WebSocketEvent, lambda?: LambdaContext): Promise<APIGatewayProxyResultV2> {
    const { routeKey, connectionId } = event.requestContext;
    const requestId = lambda?.awsRequestId ?? event.requestContext.requestId ?? randomUUID();
    const tally: ErrorTally = { internal: 0, unavailable: 0 };
    try {
      return await inRequestScope(deps.logger, { requestId, lambda, keys: { routeKey, connectionId } }, () => route(event, requestId, tally));
    } finally {
      publishErrorMetrics(metrics, tally);
    }
  }

  /**
   * Publishes a need's matches to the subscriptions that listen for the matched experts (by expert,
   * by the experts' organizations, and province-wide): reads grow with the matches, not with the
   * connected clients. Each recipient is authorized again with its current access record: a disabled
   * user's connection is closed (4403) and removed, a subscription registered with a role since revoked
   * (and no longer allowed without it) ends with `complete`. Each remaining recipient gets one event per
   * need: its expert's match, or for an organization-wide or province-wide subscription the best match
   * (highest score) among the experts it may listen for. A delivery claim makes redelivery silent; a
   * gone connection is removed and delivery to the others goes on. Each subscriber's document runs with
   * its own repositories within the request and time budget; one over it gets an `error` (and its
   * subscription ends), the others their `next`.
   */
  async function publish(
    need: NeedRecord,
    matches: NeedMatchRecord[],
    options: { requestId?: string } = {},
  ): Promise<{ delivered: number; gone: number; skipped: number }> {
    const tally: ErrorTally = { internal: 0, unavailable: 0 };
    try {
      return await deliverAll(need, matches, options, tally);
    } catch (error) {
      // Failed deliveries are counted one by one; anything else failed the whole publication.
      if (!(error instanceof DeliveriesFailed)) tallyRaised(tally, error);
      throw error;
    } finally {
      publishErrorMetrics(metrics, tally);
    }
  }

  async function deliverAll(
    need: NeedRecord,
    matches: NeedMatchRecord[],
    options: { requestId?: string },
    tally: ErrorTally,
  ): Promise<{ delivered: number; gone: number; skipped: number }> {
    const eventKey = need.openedAt ?? need.updatedAt;
    const started = performance.now();
    // Where a publication's time goes (logged at INFO at its end): subscribers read, access records and claims answered, last send done.
    const timings = { subscribersMs: 0, claimsMs: 0, sendsMs: 0 };
    const since = () => Math.round(performance.now() - started);
    // One loader for the whole publication: the need (asked for with the experts, in one BatchGetItem) and every item
    // the deliveries' documents read are read once, not once per recipient.
    const shared = createItemLoader(deps.store);
    const sharedStore = sharingReads(deps.store, shared);
    const repos = createRepositories(sharedStore);
    void repos.needs.get(need.id).catch(() => undefined);
    const experts = new Map((await Promise.all(matches.map((m) => repos.experts.get(m.expertId)))).flatMap((e) => (e ? [[e.id, e] as const] : [])));
    const orgIds = [...new Set([...experts.values()].flatMap((e) => e.scopeOrganizationIds))];
    const targets: SubscriptionTarget[] = [...experts.keys()].map((expertId) => ({ kind: 'EXPERT', expertId }) as const);
    // A partner platform listens for the experts it owns (the partner id on the expert's record).
    const partnerIds = [...new Set([...experts.values()].flatMap((e) => (e.partnerId ? [e.partnerId] : [])))];
    targets.push(...orgIds.map((organizationId) => ({ kind: 'ORG', organizationId }) as const), { kind: 'ALL' });
    targets.push(...partnerIds.map((partnerId) => ({ kind: 'PARTNER', partnerId }) as const));
    const lists = await Promise.all(targets.map((t) => connections.subscribersOf(t)));
    timings.subscribersMs = since();
    // Each subscription with the matches it listens for (a subscription has one target, so it is in one list).
    const candidates: Array<{ sub: SubscriptionRecord; matches: Array<{ match: NeedMatchRecord; expert: ExpertRecord }> }> = [];
    lists.forEach((subs, i) => {
      const target = targets[i] as SubscriptionTarget;
      for (const sub of subs) {
        const listened = matches.flatMap((match) => {
          const expert = experts.get(match.expertId);
          if (!expert) return [];
          const listens =
            target.kind === 'ALL' ||
            (target.kind === 'EXPERT'
              ? target.expertId === expert.id
              : target.kind === 'PARTNER'
                ? expert.partnerId === target.partnerId
                : expert.scopeOrganizationIds.includes(target.organizationId));
          return listens && match.score >= sub.minScore ? [{ match, expert }] : [];
        });
        if (listened.length) candidates.push({ sub, matches: listened });
      }
    });
    let delivered = 0;
    let gone = 0;
    let skipped = 0;
    const failures: unknown[] = [];
    // Each distinct principal is authorized again once (the tabs of one user share one decision), and the claims of
    // every candidate go out meanwhile: one request for an event's first claims (claimDeliveries). A candidate skipped
    // after that (its connection closed, its subscription ended, a match it may no longer see) keeps its claim: a
    // redelivered stream record would skip it too.
    const principalKeys = candidates.map(({ sub }) => JSON.stringify(sub.principal));
    const decisions = new Map<string, Promise<Principal | null>>();
    for (const [i, { sub }] of candidates.entries()) {
      const key = principalKeys[i] as string;
      if (!decisions.has(key)) decisions.set(key, repos.access.effective(sub.principal));
    }
    const documents = new Map<string, DocumentNode>();
    const documentOf = (query: string) => documents.get(query) ?? documents.set(query, parse(query)).get(query)!;
    // Recipients with the same document, variables, principal and match get the same result (the same data through the
    // shared loader): one execution, within one budget, serves them all (a crowd of tabs of one expert costs one). The
    // principal is named by its stored form's key (`principalKeys`): equal stored principals share one decision above.
    const executions = new Map<string, Promise<{ result: ExecutionResult; timedOut: boolean; exceeded: boolean; requests: number }>>();
    const executionFor = (sub: SubscriptionRecord, principalKey: string, principal: Principal, match: NeedMatchRecord) => {
      const key = `${principalKey}\u0000${JSON.stringify([sub.query, sub.variables, sub.operationName, match.needId, match.expertId, match.rank])}`;
      const known = executions.get(key);
      if (known) return known;
      const run = (async () => {
        const event: MatchingNeedPostedEvent = { matchingNeedPosted: match };
        const budget = deliveryBudget(sharedStore, limits);
        const timedOutResult: ExecutionResult = {};
        const result = await withDeadline(
          Promise.resolve(
            execute({
              schema,
              document: documentOf(sub.query),
              rootValue: event,
              contextValue: contextFor(deps, principal, options.requestId, createRepositories(budget.store)),
              variableValues: sub.variables ?? {},
              operationName: sub.operationName,
            }),
          ),
          limits.maxMs,
          () => timedOutResult,
        );
        return { result, timedOut: result === timedOutResult, exceeded: budget.exceeded(), requests: budget.requests() };
      })();
      executions.set(key, run);
      return run;
    };
    // What a candidate gets, given its principal as authorized again: its connection closed (its token expired since
    // connection_init) or refused (no principal: disabled), its subscription ended (a role it subscribed with is gone and
    // it may no longer subscribe), nothing (no match it may see), or the best match it may see.
    type Verdict = { kind: 'expired' | 'refused' | 'revoked' | 'unseen' } | { kind: 'deliver'; match: NeedMatchRecord; principal: Principal };
    const verdictOf = (
      sub: SubscriptionRecord,
      listened: Array<{ match: NeedMatchRecord; expert: ExpertRecord }>,
      principal: Principal | null | undefined,
    ): Verdict => {
      if (sub.tokenExpiresAt !== null && sub.tokenExpiresAt < now()) return { kind: 'expired' };
      if (!principal) return { kind: 'refused' };
      const revoked = sub.principal.roles.some((r) => !principal.roles.includes(r));
      if (revoked && !stillSubscribable(principal, sub, experts)) return { kind: 'revoked' };
      const allowed = listened.filter(({ expert }) => decideAccess(principal, { type: 'matches.subscribe', expert }).allowed);
      return allowed.length ? { kind: 'deliver', match: allowed.map((a) => a.match).reduce(better), principal } : { kind: 'unseen' };
    };
    // Each candidate's verdict, once the decisions are in. The executions of those who may receive start then, while the
    // claims are still being answered (a fan-out's claims take a request of their own; budget row 9): each is joined below,
    // and sent only if claimed.
    const verdictsReady = Promise.all(principalKeys.map((key) => decisions.get(key)!)).then((effective) => {
      const verdicts = candidates.map(({ sub, matches: listened }, i) => verdictOf(sub, listened, effective[i]));
      verdicts.forEach((verdict, i) => {
        if (verdict.kind === 'deliver')
          void executionFor(candidates[i]!.sub, principalKeys[i] as string, verdict.principal, verdict.match).catch(() => undefined);
      });
      return verdicts;
    });
    const [verdicts, claimed] = await Promise.all([
      verdictsReady,
      connections.claimDeliveries(
        need.id,
        eventKey,
        candidates.map(({ sub }) => sub),
      ),
    ]);
    timings.claimsMs = since();
    const goneConnections = new Set<string>();
    const endedSubscriptions = new Set<string>();
    await Promise.all(
      candidates.map(async ({ sub }, i) => {
        const subKey = JSON.stringify([sub.connectionId, sub.subscriptionId]);
        // Checked and marked before the first await, so a subscription (or connection) with several matches ends once.
        if (goneConnections.has(sub.connectionId) || endedSubscriptions.has(subKey)) return;
        const verdict = verdicts[i]!;
        // A token that expired since connection_init: the connection closes (4401) so the client reconnects with a fresh one.
        if (verdict.kind === 'expired') {
          skipped += 1;
          goneConnections.add(sub.connectionId);
          try {
            await closeExpired(sub.connectionId);
          } catch (error) {
            if (error instanceof GoneError) await connections.deleteConnection(sub.connectionId);
            else failures.push(error);
          }
          return;
        }
        if (verdict.kind === 'refused' || verdict.kind === 'revoked') {
          skipped += 1;
          try {
            if (verdict.kind === 'revoked') {
              endedSubscriptions.add(subKey);
              await endSubscription(sub);
            } else {
              goneConnections.add(sub.connectionId);
              await refuseDisabled(sub.connectionId);
            }
          } catch (error) {
            if (error instanceof GoneError) await connections.deleteConnection(sub.connectionId);
            else failures.push(error);
          }
          return;
        }
        if (verdict.kind !== 'deliver') {
          skipped += 1;
          return;
        }
        const { match, principal } = verdict;
        if (goneConnections.has(sub.connectionId)) return;
        if (!claimed[i]) {
          skipped += 1;
          return;
        }
        try {
          const { result, timedOut, exceeded, requests } = await executionFor(sub, principalKeys[i] as string, principal, match);
          if (timedOut || exceeded) {
            deps.logger.warn('subscription delivery over budget', {
              connectionId: sub.connectionId,
              subscriptionId: sub.subscriptionId,
              requests,
              timedOut,
            });
            await connections.deleteSubscription(sub.connectionId, sub.subscriptionId);
            await gateway.send(sub.connectionId, errorMessage(sub.subscriptionId, [format(deliveryOverBudget(limits))]));
            return;
          }
          const errors = result.errors?.map(format);
          if (errors) tallyFormatted(tally, errors);
          // Written in the subscriber's language as an HTTP response would be (localePlugin): connectionParams, else preference.
          const variant = variantOf(negotiateLocale(sub.acceptLanguage, principal.preferredLanguage).locale);
          const data = variant && result.data ? localizeData(result.data, await traditionalConverter(variant)) : result.data;
          await gateway.send(sub.connectionId, nextMessage(sub.subscriptionId, { ...(data !== undefined && { data }), ...(errors && { errors }) }));
          delivered += 1;
          timings.sendsMs = since();
        } catch (error) {
          if (error instanceof GoneError) {
            gone += 1;
            goneConnections.add(sub.connectionId);
            await connections.deleteConnection(sub.connectionId);
            return;
          }
          await connections.releaseDelivery(need.id, eventKey, sub.connectionId, sub.subscriptionId);
          failures.push(error);
        }
      }),
    );
    deps.logger.info('publication delivered', {
      needId: need.id,
      recipients: candidates.length,
      delivered,
      gone,
      skipped,
      failed: failures.length,
      ...timings,
      totalMs: since(),
    });
    for (const failure of failures) tallyRaised(tally, failure);
    if (failures.length) throw new DeliveriesFailed(failures);
    return { delivered, gone, skipped };
  }

  return { handle, publish };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
