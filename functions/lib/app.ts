import { GraphQLError } from './graphqlRuntime.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { startServerAndCreateLambdaHandler, handlers } from '@as-integrations/aws-lambda';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context as LambdaContext } from 'aws-lambda';
import { createDocumentClient, dbTimeoutsFromEnv, type DbTimeouts } from './data/client.js';
import { Store } from './data/store.js';
import { CursorCodec } from './data/pagination.js';
import { createCognitoVerifier, createLocalVerifier, type TokenVerifier } from './auth/tokens.js';
import { AppError, ErrorCode } from './errors.js';
import { buildServer } from './server.js';
import { createContext, type AppDeps } from './context.js';
import { rootEntityKeys } from './rootReads.js';
import { ServiceName, createLogger, inRequestScope } from './logging.js';

/** Configuration of a GraphQL handler, read from the environment in Lambda and set by tests. */
export interface AppConfig {
  tableName: string;
  dynamoEndpoint?: string;
  /** DynamoDB timeouts and attempts; defaults where absent (see data/client.ts). */
  dbTimeouts?: Partial<DbTimeouts>;
  cursorSecret: string;
  production: boolean;
  /** Webhooks may point at `http://` loopback addresses (the local runner and tests only; never set on AWS). */
  webhookAllowLoopback?: boolean;
  auth: { kind: 'local'; publicJwk: Record<string, unknown> } | { kind: 'cognito'; region: string; userPoolId: string; clientIds: string[] };
  /** Wraps an AWS SDK client for X-Ray (the Powertools tracer on AWS, see loadConfig); absent locally and in tests. */
  traceClient?: <T>(client: T) => T;
}

/** Reads AppConfig from environment variables (see README: configuration). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is required`);
    return value;
  };
  return {
    tableName: need('TABLE_NAME'),
    ...(env.DYNAMODB_ENDPOINT && { dynamoEndpoint: env.DYNAMODB_ENDPOINT }),
    dbTimeouts: dbTimeoutsFromEnv(env),
    cursorSecret: need('CURSOR_SECRET'),
    production: env.KEZHI_STAGE === 'prod',
    webhookAllowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true',
    auth: env.COGNITO_USER_POOL_ID
      ? { kind: 'cognito', region: need('AWS_REGION'), userPoolId: env.COGNITO_USER_POOL_ID, clientIds: need('COGNITO_CLIENT_IDS').split(',') }
      : { kind: 'local', publicJwk: JSON.parse(need('LOCAL_JWT_PUBLIC_JWK')) as Record<string, unknown> },
  };
}

/**
 * The configuration of a function on AWS, built once per cold start: the environment plus the cursor secret, read
 * from Secrets Manager (CURSOR_SECRET_ARN, through Powertools parameters) so its value never sits in the function's
 * configuration, and the Powertools tracer on the SDK clients. Without CURSOR_SECRET_ARN (the local runner, tests)
 * it is configFromEnv: CURSOR_SECRET and no tracer. Both modules load only on AWS, keeping local cold starts lean.
 */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env, readSecret: (arn: string) => Promise<string> = readSecretValue): Promise<AppConfig> {
  const arn = env.CURSOR_SECRET_ARN;
  if (!arn) return configFromEnv(env);
  const [cursorSecret, { Tracer }] = await Promise.all([readSecret(arn), import('@aws-lambda-powertools/tracer')]);
  const tracer = new Tracer(env.POWERTOOLS_SERVICE_NAME ? { serviceName: env.POWERTOOLS_SERVICE_NAME } : {});
  return { ...configFromEnv({ ...env, CURSOR_SECRET: cursorSecret }), traceClient: (client) => tracer.captureAWSv3Client(client) };
}

/** One Secrets Manager read (cold start only: the value is kept in the configuration for the container's life). */
async function readSecretValue(arn: string): Promise<string> {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(arn);
  if (typeof value !== 'string' || value === '') throw new Error(`secret ${arn} has no string value`);
  return value;
}

/**
 * A handler whose configuration loads asynchronously (the bundles are CommonJS: no top-level await): the first
 * invocation builds it and later ones reuse it; a failed build (Secrets Manager unreachable) is retried by the next one.
 */
export function lazyHandler<E, C, R>(build: () => Promise<(event: E, context: C) => Promise<R>>): (event: E, context: C) => Promise<R> {
  let ready: Promise<(event: E, context: C) => Promise<R>> | undefined;
  return async (event, context) => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return (await ready)(event, context);
  };
}

function createVerifier(auth: AppConfig['auth']): TokenVerifier {
  return auth.kind === 'local' ? createLocalVerifier(auth.publicJwk) : createCognitoVerifier(auth);
}

/** Everything a handler builds once per cold start; the logger names the function (the GraphQL API's by default). */
export function createDeps(config: AppConfig, logger: Logger = createLogger(ServiceName.graphql)): AppDeps {
  const db = createDocumentClient({
    tableName: config.tableName,
    ...(config.dynamoEndpoint && { endpoint: config.dynamoEndpoint }),
    ...(config.dbTimeouts && { timeouts: config.dbTimeouts }),
    ...(config.traceClient && { traceClient: config.traceClient }),
  });
  return {
    store: new Store(db, config.tableName, new CursorCodec(config.cursorSecret)),
    verifier: createVerifier(config.auth),
    logger,
    webhookAllowLoopback: config.webhookAllowLoopback ?? false,
  };
}

/** A refusal before the operation runs is not cached either (server.ts marks every other answer). */
const NO_STORE: ReadonlyArray<[string, string]> = [['cache-control', 'no-store']];

/** The HTTP API handler: an HTTP API (payload v2) event and its Lambda context in, the response out. */
export type GraphqlHandler = (event: APIGatewayProxyEventV2, context: LambdaContext, callback?: unknown) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The API Gateway HTTP API (v2) handler: Apollo Server with a context per request; every line logged
 * during a request (its operation line, a masked internal error) carries the request id.
 */
export function createGraphqlHandler(config: AppConfig, deps: AppDeps = createDeps(config)): GraphqlHandler {
  const metrics = new Metrics({ namespace: 'Kezhi', serviceName: ServiceName.graphql });
  const server = buildServer({ logger: deps.logger, introspection: !config.production, metrics });
  const apollo = startServerAndCreateLambdaHandler(server, handlers.createAPIGatewayProxyEventV2RequestHandler(), {
    context: async ({ event, context }) => {
      try {
        const body = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
        return await createContext(deps, {
          authorization: event.headers?.authorization ?? null,
          requestId: context.awsRequestId,
          readAhead: rootEntityKeys(body),
        });
      } catch (error) {
        // A bad token is 401; a valid token of a disabled account (or a suspended partner) is 403 (signing in again does not help);
        // a partner over its quota is 429 with Retry-After.
        if (error instanceof AppError) {
          if (error.code === ErrorCode.RATE_LIMITED && error.retryAfterSeconds !== undefined) {
            const retryAfterSeconds = error.retryAfterSeconds;
            const http = { status: 429, headers: new Map([...NO_STORE, ['retry-after', String(retryAfterSeconds)]]) };
            throw new GraphQLError(error.message, { extensions: { code: error.code, retryAfterSeconds, http } });
          }
          // A database that fails while the principal is loaded is the service's fault, not the token's.
          const status = error.code === ErrorCode.SERVICE_UNAVAILABLE ? 503 : error.code === ErrorCode.FORBIDDEN ? 403 : 401;
          const http = { status, headers: new Map(NO_STORE) };
          throw new GraphQLError(error.message, { extensions: { code: error.code, ...(error.retryable && { retryable: true }), http } });
        }
        throw error;
      }
    },
  });
  return (event, context) =>
    inRequestScope(deps.logger, { requestId: context.awsRequestId, lambda: context }, async () => {
      const result = await apollo(event, context, () => undefined);
      // The integration always answers with a promise of the response; a callback-style answer would be a bug there.
      if (!result) throw new Error('the Apollo Lambda integration returned no response');
      return result;
    });
}
