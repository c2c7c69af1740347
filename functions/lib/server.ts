import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { executableSchema } from './schema.js';
import { limitPlugins, limitRules } from './validation.js';
import { createFormatError } from './errors.js';
import { idempotencyPlugin } from './idempotency.js';
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
      // Mutations sent with an Idempotency-Key header run once; retries replay the stored response.
      idempotencyPlugin(),
      ApolloServerPluginLandingPageDisabled(),
      {
        async requestDidStart({ contextValue }) {
          const started = Date.now();
          return {
            async willSendResponse({ operationName, operation, errors }) {
              if (options.metrics) {
                // One EMF line per request: both metrics under the operation's name (Lambda runs one request at a time).
                options.metrics.addDimension('operation', operationName ?? operation?.operation ?? 'invalid');
                options.metrics.addMetric('OperationDuration', MetricUnit.Milliseconds, Date.now() - started);
                options.metrics.addMetric('OperationErrors', MetricUnit.Count, errors?.length ?? 0);
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
