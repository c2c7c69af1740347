import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runToEnd } from '../support/runner.js';
import type { LoadResult } from '../load/harness.js';

describe('npm run load (the load script, scaled down)', () => {
  it('runs 10 subscribed clients with need openings and queries for 5 s: no errors, every matched subscriber notified exactly once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kezhi-load-')), 'load.json');
    const args = ['--clients', '10', '--duration', '5', '--rate', '2', '--query-rate', '4', '--drain', '30', '--timeout', '200', '--out', out];
    const { code, stdout, stderr } = await runToEnd('test/load/load.ts', args);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/lost 0, duplicated 0/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    expect(result.setup.subscribers).toEqual({ experts: 8, organizationAdmins: 1, provinceAdmin: 1 });
    expect(result.requests.total).toBeGreaterThan(20);
    expect(result.requests.errors).toBe(0);
    expect(result.requests.byOperation.reviewNeed?.count).toBe(result.needs.opened);
    expect(result.needs.opened).toBeGreaterThanOrEqual(5);
    expect(result.needs.exact).toBe(result.needs.opened);
    // Every opened need reaches at least the province admin; the counts are those of real deliveries.
    expect(result.notifications.expected).toBeGreaterThanOrEqual(result.needs.opened);
    expect(result.notifications).toMatchObject({ received: result.notifications.expected, lost: 0, duplicated: 0, unexpected: 0, wrongMatch: 0 });
    expect(result.ok).toBe(true);
  });
});
