import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context as LambdaContext } from 'aws-lambda';
import { createGraphqlHandler, type AppConfig } from '../../functions/lib/app.js';
import { anonymous, type Principal } from '../../functions/lib/auth/principal.js';
import type { AppDeps } from '../../functions/lib/context.js';
import { Entity, entityKey, guardKey, userAccessKey } from '../../functions/lib/data/keys.js';
import { CursorCodec } from '../../functions/lib/data/pagination.js';
import { Store } from '../../functions/lib/data/store.js';
import { ServiceName, createLogger, inRequestScope } from '../../functions/lib/logging.js';
import type { ConnectionGateway } from '../../functions/lib/realtime/gateway.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import { createNeedStreamProcessor } from '../../functions/lib/streams/needStream.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';
import { localFunction } from '../../infra/local/invocation.js';

const member: Principal = { ...anonymous, kind: 'USER', userId: 'u1', roles: ['ORG_ADMIN'], organizationId: 'org-1', expiresAt: 4_000_000_000 };
const fault = () => Promise.reject(new Error('ResourceNotFoundException: table kezhi-prod'));
/** A table that fails every request, as an unexpected fault would (no I/O: the client never sends). */
const failingClient = { send: fault } as unknown as DynamoDBDocumentClient;
/** The member's access record: ORG_ADMIN of org-1 (a token carries no roles; the table does). */
const memberAccess = { ...userAccessKey('u1'), userId: 'u1', disabled: false, revokedRoles: [], updatedAt: '2026-01-01T00:00:00.000Z', orgAdminOf: 'org-1' };
/**
 * The same, but the member's access record (and its expert guard, read in the same consistent batch) reads as it stands, so a request gets
 * past its context and fails in a resolver.
 */
const failingAfterAccessClient = {
  send: async (command: unknown) =>
    command instanceof BatchGetCommand &&
    JSON.stringify(command.input.RequestItems) ===
      JSON.stringify({ 'kezhi-test': { Keys: [userAccessKey('u1'), guardKey('EXPERT_USER', 'u1')], ConsistentRead: true } })
      ? { Responses: { 'kezhi-test': [memberAccess] } }
      : fault(),
} as unknown as DynamoDBDocumentClient;

function depsFor(service: ServiceName, client: DynamoDBDocumentClient = failingAfterAccessClient): AppDeps {
  return {
    store: new Store(client, 'kezhi-test', new CursorCodec('a-cursor-secret-of-enough-length-000000')),
    verifier: { principalFor: async () => member },
    logger: createLogger(service, 'INFO'),
  };
}

const config: AppConfig = { tableName: 'kezhi-test', cursorSecret: 'x', production: false, auth: { kind: 'local', publicJwk: {} } };
const silentGateway: ConnectionGateway = { send: async () => undefined, close: async () => undefined };

type Line = Record<string, unknown> & { message: string; service: string };

describe('Logging: each function under its own service name, every line of a request with its request id', () => {
  let lines: Line[];
  beforeEach(() => {
    lines = [];
    // Powertools writes JSON lines to its own console: errors to stderr, the rest to stdout.
    const capture = (chunk: string | Uint8Array) => {
      for (const text of String(chunk)
        .split('\n')
        .filter((l) => l.startsWith('{')))
        lines.push(JSON.parse(text) as Line);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('logs a GraphQL request’s lines, the masked INTERNAL_SERVER_ERROR’s included, with its request id under kezhi-graphql', async () => {
    const handler = createGraphqlHandler(config, depsFor(ServiceName.graphql));
    const ask = async () => {
      const context = lambdaContext('kezhi-graphql');
      const body = JSON.stringify({ query: '{ me { organization { id } } }' });
      const event = httpApiEvent({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
      const result: APIGatewayProxyStructuredResultV2 = await handler(event, context);
      return { requestId: context.awsRequestId, body: JSON.parse(result.body ?? '{}') as { errors?: Array<{ extensions: { code: string } }> } };
    };
    const first = await ask();
    const second = await ask();

    expect(first.body.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    for (const { requestId } of [first, second]) {
      const ofRequest = lines.filter((l) => l.requestId === requestId);
      expect(ofRequest.map((l) => l.message).sort()).toEqual(['graphql operation', 'unexpected error']);
      const masked = ofRequest.find((l) => l.message === 'unexpected error');
      expect(masked).toMatchObject({ level: 'ERROR', service: 'kezhi-graphql', function_request_id: requestId });
    }
    expect(lines.every((l) => l.service === 'kezhi-graphql' && typeof l.requestId === 'string')).toBe(true);
  });

  it('fails closed, masked and logged with its request id, when the access record of a signed-in caller cannot be read', async () => {
    const handler = createGraphqlHandler(config, depsFor(ServiceName.graphql, failingClient));
    const context = lambdaContext('kezhi-graphql');
    const body = JSON.stringify({ query: '{ me { roles } }' });
    const result = await handler(httpApiEvent({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body }), context);
    const response = JSON.parse(result.body ?? '{}') as { data?: unknown; errors?: unknown[] };
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(result.body).not.toContain('kezhi-prod');
    expect(lines.find((l) => l.message === 'unexpected error')).toMatchObject({ level: 'ERROR', requestId: context.awsRequestId });
  });

  it('logs a WebSocket event’s lines with its request, route and connection ids under kezhi-subscriptions', async () => {
    const service = createSubscriptionService(depsFor(ServiceName.subscriptions), silentGateway);
    const context = lambdaContext('kezhi-subscriptions');
    const ping = JSON.stringify({ type: 'ping' });
    const event = (connectionId: string, requestId: string) => ({ requestContext: { routeKey: '$default', connectionId, requestId }, body: ping });
    expect(await service.handle(event('c-1', 'api-1'), context)).toEqual({ statusCode: 500 });
    expect(await service.handle(event('c-2', 'api-2'))).toEqual({ statusCode: 500 });

    expect(lines.map((l) => [l.message, l.service, l.requestId, l.connectionId, l.routeKey])).toEqual([
      ['subscription handler failed', 'kezhi-subscriptions', context.awsRequestId, 'c-1', '$default'],
      // Without a Lambda context (a caller of the service itself), API Gateway's request id.
      ['subscription handler failed', 'kezhi-subscriptions', 'api-2', 'c-2', '$default'],
    ]);
  });

  it('logs a stream batch’s lines with its request id, and a failed record’s event id, under kezhi-streams', async () => {
    const publish = vi.fn(async () => ({ delivered: 0, gone: 0, skipped: 0 }));
    const handle = createNeedStreamProcessor(depsFor(ServiceName.streams), { publish });
    const need = { ...entityKey('NEED', 'n-1'), entity: Entity.NEED, id: 'n-1', status: 'OPEN', openedAt: '2026-03-01T00:00:00.000Z' };
    const record = (eventID: string, sequence: string) => ({
      eventID,
      eventName: 'MODIFY' as const,
      dynamodb: { NewImage: marshall(need) as never, OldImage: marshall({ ...need, status: 'SUBMITTED' }) as never, SequenceNumber: sequence },
    });
    const context = lambdaContext('kezhi-streams');
    const result = await handle({ Records: [record('e-1', '1'), record('e-2', '2')] }, context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
    expect(lines.map((l) => [l.message, l.service, l.requestId, l.eventID])).toEqual([
      ['stream record failed', 'kezhi-streams', context.awsRequestId, 'e-1'],
      ['stream record failed', 'kezhi-streams', context.awsRequestId, 'e-2'],
    ]);
    expect(publish).not.toHaveBeenCalled();
  });

  it('keeps the request ids of concurrent local invocations apart (the runner runs each in an environment of its own, as Lambda does)', async () => {
    // What the runner does for the GraphQL and WebSocket functions: each environment is a handler with its own logger.
    const fn = localFunction(() => {
      const logger = createLogger(ServiceName.graphql, 'INFO');
      return (ms: number, context: LambdaContext) =>
        inRequestScope(logger, { requestId: context.awsRequestId, lambda: context }, async () => {
          logger.info('started');
          await new Promise((resolve) => setTimeout(resolve, ms));
          logger.info('finished');
          return context.awsRequestId;
        });
    });
    // The second starts once the first's environment is made, and ends (and resets its keys) while the first is still
    // running; the third then runs in the second's environment.
    const first = fn.invoke(40, lambdaContext('kezhi-graphql-local'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const ids = [await fn.invoke(5, lambdaContext('kezhi-graphql-local')), await fn.invoke(5, lambdaContext('kezhi-graphql-local')), await first];

    expect(fn.environments).toBe(2);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(lines.filter((l) => l.requestId === id).map((l) => l.message)).toEqual(['started', 'finished']);
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.requestId === l.function_request_id)).toBe(true);
  });
});
