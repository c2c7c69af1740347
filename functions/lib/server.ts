import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { executableSchema } from './schema.js';
import { limitPlugins, limitRules } from './validation.js';
import { ErrorCode, createFormatError } from './errors.js';
import type { Context } from './context.js';

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
    // Apollo runs graphql's specified rules, then these: together the `validationRules` of validation.ts.
    validationRules: [...limitRules],
    plugins: [
      ...limitPlugins,
      ApolloServerPluginLandingPageDisabled(),
      {
        async requestDidStart({ contextValue }) {
          const started = Date.now();
          return {
            async willSendResponse({ operationName, operation, errors, response }) {
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
              contextValue.logger?.info('graphql operation', {
                requestId: contextValue.requestId,
                operationName: operationName ?? null,
                operationType: operation?.operation ?? null,
                durationMs: Date.now() - started,
                errorCodes: (errors ?? []).map((e) => e.extensions?.code ?? 'UNKNOWN'),
              });
            },
          };
        },
      },
    ],
  });
}
