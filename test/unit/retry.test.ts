import { describe, expect, it } from 'vitest';
import { isConcurrentChange, retryOnConcurrentChange } from '../../functions/lib/services/retry.js';
import { AppError, ErrorCode } from '../../functions/lib/errors.js';
import { staleVersion } from '../../functions/lib/data/store.js';

const collided = () => new AppError(ErrorCode.CONFLICT, 'A concurrent change touched the same data; retry', { retryable: true });
const alreadyMember = () => new AppError(ErrorCode.CONFLICT, 'The expert is already a member of this team', { field: 'expertId' });

/** A run that fails with the given errors, in order, then succeeds; and the waits it was given. */
function scripted(errors: Error[]) {
  const calls: number[] = [];
  const waits: number[] = [];
  const run = async (n: number) => {
    calls.push(n);
    const error = errors[n - 1];
    if (error) throw error;
    return 'done';
  };
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { run, calls, waits, sleep };
}

describe('Function: isConcurrentChange', () => {
  it('is true for a stale version and a collided transaction, false for other conflicts and errors', () => {
    expect(isConcurrentChange(staleVersion(1, 2, 'expert'))).toBe(true);
    expect(isConcurrentChange(collided())).toBe(true);
    expect(isConcurrentChange(alreadyMember())).toBe(false);
    expect(isConcurrentChange(new AppError(ErrorCode.NOT_FOUND, 'gone', { field: 'version' }))).toBe(false);
    expect(isConcurrentChange(new Error('boom'))).toBe(false);
  });
});

describe('Function: retryOnConcurrentChange', () => {
  it('re-runs after concurrent changes until the attempt succeeds', async () => {
    const s = scripted([staleVersion(1, 2), collided()]);
    await expect(retryOnConcurrentChange(s.run, { attempts: 5, baseDelayMs: 10, sleep: s.sleep })).resolves.toBe('done');
    expect(s.calls).toEqual([1, 2, 3]);
  });

  it('waits a jittered, growing time below baseDelayMs × 2ⁿ before attempt n + 1', async () => {
    const s = scripted([staleVersion(1, 2), staleVersion(2, 3), staleVersion(3, 4)]);
    await retryOnConcurrentChange(s.run, { attempts: 5, baseDelayMs: 10, sleep: s.sleep });
    expect(s.waits).toHaveLength(3);
    s.waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(10 * 2 ** (i + 1));
    });
  });

  it('gives up after the given number of attempts with a retryable CONFLICT that names no field (the input was not stale)', async () => {
    const last = staleVersion(5, 6, 'expert');
    const s = scripted([staleVersion(1, 2), staleVersion(2, 3), staleVersion(3, 4), staleVersion(4, 5), last, staleVersion(6, 7)]);
    const error = await retryOnConcurrentChange(s.run, { attempts: 5, baseDelayMs: 10, sleep: s.sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, field: undefined, retryable: true, cause: last });
    expect(s.calls).toEqual([1, 2, 3, 4, 5]);
  });

  it('throws any other error at once', async () => {
    const error = alreadyMember();
    const s = scripted([error]);
    await expect(retryOnConcurrentChange(s.run, { attempts: 5, baseDelayMs: 10, sleep: s.sleep })).rejects.toBe(error);
    expect(s.calls).toEqual([1]);
    expect(s.waits).toEqual([]);
  });
});
