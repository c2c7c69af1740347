import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BACKOFF_MS, nextPollDelay, oneLine, startPolling } from '../../infra/local/streamPoller.js';

describe('Function: nextPollDelay', () => {
  it('polls again at once after records and after the interval when the stream was empty', () => {
    expect(nextPollDelay({ records: 3, failures: 0 }, 100)).toBe(0);
    expect(nextPollDelay({ records: 0, failures: 0 }, 100)).toBe(100);
  });

  it('doubles the wait with each failure in a row, up to the cap', () => {
    const schedule = Array.from({ length: 8 }, (_, i) => nextPollDelay({ records: 0, failures: i + 1 }, 100));
    expect(schedule).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect(nextPollDelay({ records: 0, failures: 40 }, 100, 1000)).toBe(1000);
    expect(MAX_BACKOFF_MS).toBe(5000);
  });
});

describe('Function: startPolling', () => {
  afterEach(() => vi.useRealTimers());

  it('backs off while polls fail, reports the streak once, and its end once', async () => {
    vi.useFakeTimers({ now: 0 });
    const calls: number[] = [];
    const outcomes = [...Array.from({ length: 6 }, () => 'fail'), 'ok', 'ok', 'fail', 'ok'];
    const failing: string[] = [];
    const recovered: number[] = [];
    const polling = startPolling(
      async () => {
        calls.push(Date.now());
        if (outcomes[calls.length - 1] === 'fail') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
        return 0;
      },
      { intervalMs: 100, maxBackoffMs: 1000, onFailing: (e) => failing.push(oneLine(e)), onRecovered: (n) => recovered.push(n) },
    );
    await vi.advanceTimersByTimeAsync(10_000);
    await polling.stop();
    // Waits after each poll: 200, 400, 800, 1000 (cap), 1000, 1000 while failing; then 100; 100; 200 after the new failure; …
    const gaps = calls.slice(1, 11).map((t, i) => t - (calls[i] as number));
    expect(gaps).toEqual([200, 400, 800, 1000, 1000, 1000, 100, 100, 200, 100]);
    expect(failing).toEqual(['Error: connect ECONNREFUSED 127.0.0.1:8000', 'Error: connect ECONNREFUSED 127.0.0.1:8000']);
    expect(recovered).toEqual([6, 1]);
  });

  it('stops polling when stopped', async () => {
    vi.useFakeTimers({ now: 0 });
    let calls = 0;
    const polling = startPolling(
      async () => {
        calls += 1;
        return 0;
      },
      { intervalMs: 100 },
    );
    await vi.advanceTimersByTimeAsync(250);
    await polling.stop();
    const seen = calls;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toBe(3);
    expect(calls).toBe(seen);
  });
});

describe('Function: oneLine', () => {
  it('names the error, its code when the message lacks it, and the first line only', () => {
    expect(oneLine(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe('AggregateError: ECONNREFUSED');
    expect(oneLine(Object.assign(new Error('first\nsecond'), { name: 'TimeoutError' }))).toBe('TimeoutError: first');
    expect(oneLine('plain')).toBe('plain');
  });
});
