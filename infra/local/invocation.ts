import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';

/** A Lambda context for one local invocation. */
export function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 29_000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Runs one invocation of a handler with its Lambda context. */
export type Invoke = <T>(context: Context, run: () => Promise<T>) => Promise<T>;

/** Invocations as the adapters make them by default (tests): nothing around them. */
export const direct: Invoke = (_context, run) => run();

/**
 * Makes the process run invocations the way Lambda runs several at once in one execution environment
 * (AWS_LAMBDA_MAX_CONCURRENCY and the runtime's InvokeStore, one async context per invocation): the runner
 * serves concurrent requests in one process, and Powertools then keeps each invocation's log keys (its
 * request id) to that invocation's lines. Call before any handler logs.
 */
export async function concurrentInvocations(): Promise<Invoke> {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  const store = await InvokeStore.getInstanceAsync(true);
  return (context, run) => store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, run);
}
