import { describe, expect, it } from 'vitest';
import { lambdaContext, localFunction, type LocalHandler } from '../../infra/local/invocation.js';

/** A promise with its resolve, to hold an invocation open until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const context = () => lambdaContext('kezhi-test-local');
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Environments numbered in the order they are made; each records the invocations it serves and how many at once. */
function counting() {
  const made: Array<{ served: string[]; busy: number; mostAtOnce: number }> = [];
  const create = (): LocalHandler<{ name: string; until?: Promise<void> }, string> => {
    const env = { served: [] as string[], busy: 0, mostAtOnce: 0 };
    const n = made.push(env);
    return async (event) => {
      env.busy += 1;
      env.mostAtOnce = Math.max(env.mostAtOnce, env.busy);
      env.served.push(event.name);
      try {
        await event.until;
        return `${event.name}@${n}`;
      } finally {
        env.busy -= 1;
      }
    };
  };
  return { made, create };
}

describe('localFunction: invocations in execution environments, one at a time each (the local runner, as Lambda)', () => {
  it('makes an environment only when every one is busy, and reuses idle ones', async () => {
    const { made, create } = counting();
    const fn = localFunction(create);
    expect(await fn.invoke({ name: 'a' }, context())).toBe('a@1');
    expect(await fn.invoke({ name: 'b' }, context())).toBe('b@1');
    expect(fn.environments).toBe(1);

    const hold = gate();
    const held = [fn.invoke({ name: 'c', until: hold.opened }, context()), fn.invoke({ name: 'd', until: hold.opened }, context())];
    const e = fn.invoke({ name: 'e', until: hold.opened }, context());
    hold.open();
    expect(await Promise.all([...held, e])).toEqual(['c@1', 'd@2', 'e@3']);
    expect(fn.environments).toBe(3);
    expect(made.map((m) => m.mostAtOnce)).toEqual([1, 1, 1]);
  });

  it('makes at most `max`: further invocations wait, and the first freed environment serves the first waiting', async () => {
    const { made, create } = counting();
    const fn = localFunction(create, 2);
    const [first, second] = [gate(), gate()];
    const running = [fn.invoke({ name: 'a', until: first.opened }, context()), fn.invoke({ name: 'b', until: second.opened }, context())];
    const waiting = [fn.invoke({ name: 'c' }, context()), fn.invoke({ name: 'd' }, context())];
    await tick();
    expect(made.map((m) => m.served)).toEqual([['a'], ['b']]);

    second.open();
    expect(await running[1]).toBe('b@2');
    // c waited longest: it gets environment 2 (freed first), then d.
    expect(await Promise.all(waiting)).toEqual(['c@2', 'd@2']);
    first.open();
    expect(await running[0]).toBe('a@1');
    expect(fn.environments).toBe(2);
    expect(made.map((m) => m.mostAtOnce)).toEqual([1, 1]);
  });

  it('frees the environment of an invocation that throws', async () => {
    let calls = 0;
    const fn = localFunction(
      () => async (fail: boolean) => {
        calls += 1;
        if (fail) throw new Error('handler failed');
        return calls;
      },
      1,
    );
    await expect(fn.invoke(true, context())).rejects.toThrow('handler failed');
    expect(await fn.invoke(false, context())).toBe(2);
    expect(fn.environments).toBe(1);
  });

  it('fails only the invocation whose environment could not be made; its slot goes to the next waiting one', async () => {
    const hold = gate();
    let attempts = 0;
    const fn = localFunction(async () => {
      attempts += 1;
      if (attempts === 2) throw new Error('cold start failed');
      return async (until: Promise<void> | null) => {
        await until;
        return attempts;
      };
    }, 2);
    const running = fn.invoke(hold.opened, context());
    const failing = fn.invoke(null, context());
    const waiting = fn.invoke(null, context());
    await expect(failing).rejects.toThrow('cold start failed');
    // The waiting invocation made the third environment in the failed one's slot, before the first ended.
    expect(await waiting).toBe(3);
    expect(fn.environments).toBe(2);
    hold.open();
    await running;

    // Without a waiting invocation, a failed slot is free again.
    const lone = localFunction(async () => {
      throw new Error('no config');
    }, 1);
    await expect(lone.invoke(null, context())).rejects.toThrow('no config');
    expect(lone.environments).toBe(0);
    await expect(lone.invoke(null, context())).rejects.toThrow('no config');
  });

  it('refuses a maximum that is not a positive integer', () => {
    expect(() => localFunction(() => async () => 1, 0)).toThrow(/positive integer/);
    expect(() => localFunction(() => async () => 1, 1.5)).toThrow(/positive integer/);
  });
});
