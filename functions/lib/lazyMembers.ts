const MADE = Symbol('made');
const ARGS = Symbol('args');

/**
 * A class whose instances make each member on first access, with `factories[name](instance, ...args)` (`args`: what the
 * constructor was given), and keep it. The getters are defined once on the prototype, so an instance costs one object
 * however many members it has. A request's repositories and services are made so (budget row 8, docs/performance.md).
 */
export function lazyMembers<T extends object, Args extends unknown[]>(factories: { [K in keyof T]: (self: T, ...args: Args) => T[K] }): new (
  ...args: Args
) => T {
  class Members {
    readonly [MADE]: Record<PropertyKey, unknown> = {};
    readonly [ARGS]: Args;
    constructor(...args: Args) {
      this[ARGS] = args;
    }
  }
  for (const name of Object.keys(factories) as Array<keyof T & string>) {
    Object.defineProperty(Members.prototype, name, {
      enumerable: true,
      get(this: Members) {
        return (this[MADE][name] ??= factories[name](this as unknown as T, ...this[ARGS]));
      },
    });
  }
  return Members as unknown as new (...args: Args) => T;
}
