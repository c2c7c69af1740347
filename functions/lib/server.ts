import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { typeDefs } from './generated/graphql.js';
import { resolvers } from './resolvers/index.js';
import { createFormatError } from './errors.js';
import type { Context } from './context.js';

export interface ServerOptions {
  logger: Logger;
  /** Per-operation metrics (CloudWatch EMF); absent in tests. */
  metrics?: Metrics;
  /** Off in production. */
  introspection: boolean;
}

/** Query limits: depth, aliases, directives, tokens and cost. */
export const queryLimits = {
  maxDepth: { n: 12 },
  maxAliases: { n: 15 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 3000 },
  costLimit: { maxCost: 10000 },
  blockFieldSuggestion: { enabled: true },
};

/** Builds the Apollo server (once per cold start): schema, resolvers, error masking, limits, per-operation logs. */
export function buildServer(options: ServerOptions): ApolloServer<Context> {
  const armor = new ApolloArmor(queryLimits).protect();
  return new ApolloServer<Context>({
    typeDefs,
    resolvers,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: createFormatError(options.logger),
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
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
