import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import type { Context as LambdaContext } from 'aws-lambda';

/** The service name each function logs and publishes metrics under; the stack and the local runner use the same names. */
export const ServiceName = {
  graphql: 'kezhi-graphql',
  subscriptions: 'kezhi-subscriptions',
  streams: 'kezhi-streams',
  webhooks: 'kezhi-webhooks',
} as const;
export type ServiceName = (typeof ServiceName)[keyof typeof ServiceName];

/** A function's logger, under its own service name (level from POWERTOOLS_LOG_LEVEL unless given). */
export const createLogger = (serviceName: ServiceName, logLevel?: ConstructorOptions['logLevel']): Logger =>
  new Logger({ serviceName, ...(logLevel && { logLevel }) });

/** What identifies one invocation in its log lines. */
export interface RequestScope {
  requestId: string;
  /** The Lambda context: Powertools adds the function's name, cold start and its own request id field. */
  lambda?: LambdaContext | undefined;
  /** Further keys for every line of the invocation (e.g. the WebSocket connection id). */
  keys?: Record<string, unknown>;
}

/**
 * Runs one invocation with its request id on every line the logger writes meanwhile (Powertools `appendKeys`,
 * reset when it ends), including the line of a masked internal error. Lambda hands an execution environment
 * one invocation at a time, and so does the local runner (infra/local/invocation.ts); where Lambda runs several at
 * once (AWS_LAMBDA_MAX_CONCURRENCY), Powertools keeps these keys per invocation.
 */
export async function inRequestScope<T>(logger: Logger, scope: RequestScope, run: () => Promise<T>): Promise<T> {
  if (scope.lambda) logger.addContext(scope.lambda);
  logger.appendKeys({ requestId: scope.requestId, ...scope.keys });
  try {
    return await run();
  } finally {
    logger.resetKeys();
  }
}
