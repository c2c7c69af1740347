import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

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

/** A Lambda handler as the local adapters call it: an event and its context in, the result out. */
export type LocalHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** The most execution environments one local function makes: further concurrent invocations wait for a free one. */
export const MAX_ENVIRONMENTS = 32;

/** One local function: its invocations and the execution environments serving them. */
export interface LocalFunction<E, R> {
  /** Runs one invocation in an execution environment of its own for as long as it lasts. */
  invoke: LocalHandler<E, R>;
  /** How many execution environments have been made (each by one call of `create`). */
  readonly environments: number;
}

/**
 * Runs a function the way Lambda runs it: in execution environments that each serve one invocation at a time. An
 * invocation takes an idle environment, or has a new one made (`create`, what a cold start does: the handler with its own
 * logger, clients and caches) while fewer than `max` exist, or waits for the first one freed. A handler's logger thus
 * serves one invocation at a time, so the request id it keeps (logging.ts `inRequestScope`) stays on that invocation's
 * lines however many run at once, and the process needs no async context (AsyncLocalStorage) to keep them apart.
 */
export function localFunction<E, R>(create: () => LocalHandler<E, R> | Promise<LocalHandler<E, R>>, max = MAX_ENVIRONMENTS): LocalFunction<E, R> {
  if (!Number.isInteger(max) || max < 1) throw new Error(`max must be a positive integer, not ${max}`);
  const idle: Array<LocalHandler<E, R>> = [];
  /** Invocations waiting for an environment: handed a freed one, or `null` with the slot of a creation that failed. */
  const waiting: Array<(handler: LocalHandler<E, R> | null) => void> = [];
  let made = 0;

  async function acquire(): Promise<LocalHandler<E, R>> {
    const ready = idle.pop();
    if (ready) return ready;
    if (made >= max) {
      const handed = await new Promise<LocalHandler<E, R> | null>((resolve) => waiting.push(resolve));
      if (handed) return handed;
    } else {
      made += 1;
    }
    try {
      return await create();
    } catch (error) {
      // The slot goes to the next waiting invocation, which tries again; without one, it is free.
      const next = waiting.shift();
      if (next) next(null);
      else made -= 1;
      throw error;
    }
  }

  function release(handler: LocalHandler<E, R>): void {
    const next = waiting.shift();
    if (next) next(handler);
    else idle.push(handler);
  }

  return {
    get environments() {
      return made;
    },
    async invoke(event, context) {
      const handler = await acquire();
      try {
        return await handler(event, context);
      } finally {
        release(handler);
      }
    },
  };
}
