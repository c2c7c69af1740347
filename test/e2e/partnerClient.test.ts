import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, runToEnd, startRunner, tempKeysFile, type Runner } from '../support/runner.js';
import { runPartnerExample, type PartnerExampleResult } from '../partner/partnerExample.js';

const PARTNER = 'hk-expert-platform';
const SYNCED = ['EXAMPLE-001', 'EXAMPLE-002', 'EXAMPLE-003'];

describe('The example partner program (test/partner/partnerExample.ts) against the local runner', () => {
  const keysFile = tempKeysFile();
  let runner: Runner;
  const token = async (...args: string[]) => (await runToEnd('infra/local/token.ts', args, { KEZHI_DEV_KEYS: keysFile })).stdout.trim();

  beforeAll(async () => {
    // Few registered experts, so that the need's 20 matches leave room for the partner's experts.
    runner = await startRunner(['--expert-count', '10'], { KEZHI_DEV_KEYS: keysFile });
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('syncs 3 experts, lists matches, gets a new lychee need by subscription and as a signed webhook that verifies', async () => {
    const partnerToken = new RegExp(`# PARTNER [^\\n]*\\(${PARTNER}\\)\\n(eyJ[^\\n]+)`).exec(runner.output())?.[1];
    expect(partnerToken, 'the runner prints the Hong Kong partner token').toBeDefined();
    const admin = await token('--role', 'PROVINCE_ADMIN');
    const requester = await token('--role', 'REQUESTER', '--sub', 'partner-example-requester');

    let needId: string | undefined;
    /** While the example listens: a requester submits a lychee need in Guangzhou and the province approves it. */
    const postNeed = async () => {
      const submitted = await post(
        runner.url,
        'mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }',
        {
          input: {
            title: '荔枝采后保鲜技术咨询',
            description: '合作社需要荔枝采后保鲜和冷链运输的技术指导',
            kind: 'TECHNOLOGY',
            requester: { kind: 'ENTERPRISE', name: '沙面荔枝合作社' },
            domains: ['AGRICULTURE'],
            keywords: ['荔枝保鲜'],
            regionCode: '440103001',
          },
        },
        requester,
      );
      expect(submitted.body.errors).toBeUndefined();
      const need = submitted.body.data?.submitNeed.need as { id: string; version: number };
      needId = need.id;
      const review = await post(
        runner.url,
        'mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { status } } }',
        { input: { id: need.id, version: need.version, approve: true } },
        admin,
      );
      expect(review.body.data?.reviewNeed.need.status).toBe('OPEN');
    };

    const started = Date.now();
    const result: PartnerExampleResult = await runPartnerExample({ url: runner.url, token: partnerToken as string, timeoutMs: 20_000, onListening: postNeed });
    expect(Date.now() - started).toBeLessThan(60_000);

    expect(result.partner).toMatchObject({ id: PARTNER, status: 'ACTIVE' });
    expect(result.synced.map((r) => [r.externalId, r.status])).toEqual(SYNCED.map((id) => [id, 'CREATED']));
    expect(result.synced.every((r) => r.expert?.id)).toBe(true);
    expect(needId).toBeDefined();

    // The subscription: the new need, matched best to EXAMPLE-001 (荔枝 and 荔枝保鮮 as keywords, in Traditional Chinese).
    expect(result.match).toMatchObject({ need: { id: needId }, expert: { externalId: 'EXAMPLE-001' } });
    expect(result.posted.every((p) => p.need?.id === needId)).toBe(true);

    // partnerMatches: not there before, there after, with a synced expert.
    expect(result.matchesBefore.some((m) => m.need?.id === needId)).toBe(false);
    const listed = result.matchesAfter.filter((m) => m.need?.id === needId).map((m) => m.expert.externalId);
    expect(listed).toContain('EXAMPLE-001');
    expect(listed).not.toContain('EXAMPLE-003');

    // The webhook: signed NEED_MATCHED deliveries that verified, recorded as DELIVERED by the API.
    const ours = result.deliveries.filter((d) => d.body.data?.need?.id === needId && SYNCED.includes(d.body.data?.expert?.externalId ?? ''));
    expect(ours.length).toBeGreaterThan(0);
    for (const d of result.deliveries) expect(d).toMatchObject({ event: 'NEED_MATCHED', verified: true });
    for (const d of ours) expect(result.deliveryRecords.find((r) => r.id === d.id)?.status).toBe('DELIVERED');

    // Run again: the same batch is UNCHANGED (idempotent sync), and the example cleaned up its webhook.
    const again = await runPartnerExample({ url: runner.url, token: partnerToken as string, timeoutMs: 500 });
    expect(again.synced.map((r) => r.status)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    expect(again.synced.map((r) => r.expert?.id)).toEqual(result.synced.map((r) => r.expert?.id));
    const hooks = await post(runner.url, '{ webhooks(first: 20) { edges { node { id } } } }', {}, partnerToken);
    expect(hooks.body.data?.webhooks.edges).toEqual([]);
  });
});
