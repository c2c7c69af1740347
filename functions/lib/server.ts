import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError } from './graphqlRuntime.js';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { executableSchema } from './schema.js';
import { findOverlongId, limitPlugins, limitRules, parseOptions } from './validation.js';
import { ErrorCode, createFormatError } from './errors.js';
import { idempotencyPlugin } from './idempotency.js';
import { localePlugin } from './localePlugin.js';
import type { Context } from './context.js';

/** Codes of requests refused because of what the client sent (malformed, over a limit, invalid input). */
const CLIENT_MISTAKES: ReadonlySet<string> = new Set([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
  'BAD_REQUEST',
]);

export interface ServerOptions {
  logger: Logger;
  /** Per-operation metrics (CloudWatch EMF); absent in tests. */
  metrics?: Metrics;
  /** Off in production. */
  introspection: boolean;
  /** The executable schema; by default the one shared with the WebSocket path. */
  schema?: GraphQLSchema;
}

/**
 * The HTTP status of a response whose operation failed only because the database did: 503 when there
 * are errors, all SERVICE_UNAVAILABLE, and no root field has a value (data null, or every root field
 * null). A partial result keeps 200 (GraphQL over HTTP): its data is usable and the failed fields'
 * errors carry `retryable`. Undefined: leave the status as Apollo set it.
 */
export function unavailableStatus(data: Record<string, unknown> | null | undefined, errors: readonly GraphQLFormattedError[] | undefined): 503 | undefined {
  if (!errors?.length || !errors.every((e) => e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) return undefined;
  const noData = data == null || Object.values(data).every((v) => v === null);
  return noData ? 503 : undefined;
}

/** Builds the Apollo server (once per cold start): the shared schema and limits, error masking, per-operation logs. */
export function buildServer(options: ServerOptions): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: options.schema ?? executableSchema(),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: createFormatError(options.logger),
    parseOptions,
    // Apollo runs graphql's specified rules, then these: together the `validationRules` of validation.ts.
    validationRules: [...limitRules],
    plugins: [
      ...limitPlugins,
      // Mutations sent with an Idempotency-Key header run once; retries replay the stored response.
      idempotencyPlugin(),
      // After the idempotency plugin: responses are stored as executed (Simplified) and converted per request.
      localePlugin(),
      ApolloServerPluginLandingPageDisabled(),
      // Inline traces are for federated subgraphs, which this schema is not (Apollo installs the plugin to check, and
      // loading it loads the usage-reporting protobuf code: a cold-start cost, budget row 3).
      ApolloServerPluginInlineTraceDisabled(),
      // The schema declares no cache hints, so Apollo's cache-control plugin could only ever answer `no-store`: it is off,
      // and the header is set below. Installed, it wraps every resolver to collect hints (budget row 8's CPU per request).
      ApolloServerPluginCacheControlDisabled(),
      {
        async requestDidStart({ contextValue }) {
          const started = Date.now();
          return {
            // Ids enter here: one too long for a DynamoDB key is the client's mistake (HTTP 400), found before any read.
            async didResolveOperation({ schema, document, request }) {
              const overlong = findOverlongId(schema, document, request.variables);
              if (overlong) throw new GraphQLError(overlong.message, { originalError: overlong, extensions: { code: overlong.code, http: { status: 400 } } });
            },
            async willSendResponse({ operationName, operation, errors, response }) {
              // Answers are per caller and change with every write: no shared or private cache may keep them.
              response.http.headers.set('cache-control', 'no-store');
              const formatted = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              if (response.body.kind === 'single') {
                const status = unavailableStatus(response.body.singleResult.data, formatted);
                if (status) response.http.status = status;
              }
              const count = (code: ErrorCode) => (formatted ?? []).filter((e) => e.extensions?.code === code).length;
              if (options.metrics) {
                // One EMF line per request, under the operation's name (Lambda runs one request at a time) and, as a
                // second dimension set, under the service alone: the alarms on internal and unavailable errors watch that one.
                options.metrics.addDimension('operation', operationName ?? operation?.operation ?? 'invalid');
                options.metrics.addDimensions({});
                options.metrics.addMetric('OperationDuration', MetricUnit.Milliseconds, Date.now() - started);
                options.metrics.addMetric('OperationErrors', MetricUnit.Count, errors?.length ?? 0);
                options.metrics.addMetric('InternalErrors', MetricUnit.Count, count(ErrorCode.INTERNAL_SERVER_ERROR));
                options.metrics.addMetric('UnavailableErrors', MetricUnit.Count, count(ErrorCode.SERVICE_UNAVAILABLE));
                options.metrics.publishStoredMetrics();
              }
              // The codes as the client got them (formatted), else as raised.
              const errorCodes = (formatted ?? errors ?? []).map((e) => e.extensions?.code ?? 'UNKNOWN');
              // A request refused as the client's mistake is a WARN line (no stack trace): worth a look, not an alarm.
              const level = errorCodes.some((code) => typeof code === 'string' && CLIENT_MISTAKES.has(code)) ? 'warn' : 'info';
              contextValue.logger?.[level]('graphql operation', {
                requestId: contextValue.requestId,
                operationName: operationName ?? null,
                operationType: operation?.operation ?? null,
                durationMs: Date.now() - started,
                errorCodes,
              });
            },
          };
        },
      },
    ],
  });
}
