import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Counts DynamoDB requests by command name (for round-trip assertions and benchmarks). */
export class RequestCounter {
  readonly counts = new Map<string, number>();

  /** Counts every request the client sends from now on. */
  static attach(client: DynamoDBDocumentClient): RequestCounter {
    const counter = new RequestCounter();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        counter.record(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: `countRequests${Math.random()}` },
    );
    return counter;
  }

  record(name: string) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
  reset() {
    this.counts.clear();
  }
  get(name: string) {
    return this.counts.get(name) ?? 0;
  }
  get total() {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
}
