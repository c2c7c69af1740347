import type { Store } from '../../functions/lib/data/store.js';

/** Counts DynamoDB requests by command name (for round-trip assertions and benchmarks). */
export class RequestCounter {
  readonly counts = new Map<string, number>();

  /** Counts every request the client sends from now on. */
  static attach(store: Store): RequestCounter {
    const counter = new RequestCounter();
    store.onRequest((name) => counter.record(name));
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
