import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, runToEnd, startRunner, tempKeysFile, type Runner } from '../support/runner.js';

const NEED = 'id version status';

describe('A full order over HTTP against the local runner', () => {
  const keysFile = tempKeysFile();
  let runner: Runner;
  const token = async (...args: string[]) => (await runToEnd('infra/local/token.ts', args, { KEZHI_DEV_KEYS: keysFile })).stdout.trim();

  beforeAll(async () => {
    runner = await startRunner(['--expert-count', '40', '--quiet'], { KEZHI_DEV_KEYS: keysFile });
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('点单 → 审核 → 派单 → 接单 → 服务 → 完成 → 评单, each step with its own token, and FORBIDDEN for the wrong one', async () => {
    const admin = await token('--role', 'PROVINCE_ADMIN');
    const orgs = await post(
      runner.url,
      '{ organizations(filter: { kind: ASSOCIATION, level: CITY, regionCode: "4401" }) { edges { node { id } } } }',
      {},
      admin,
    );
    const guangzhou = orgs.body.data?.organizations.edges[0].node.id as string;
    const [gzAdmin, szAdmin, requester] = await Promise.all([
      token('--role', 'ORG_ADMIN', '--org', guangzhou),
      token('--role', 'ORG_ADMIN', '--org', 'not-guangzhou'),
      token('--role', 'REQUESTER', '--sub', 'village-committee'),
    ]);

    const submitted = await post(
      runner.url,
      `mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { ${NEED} } } }`,
      {
        input: {
          title: '荔枝种植技术指导',
          description: '村里的荔枝挂果率低，需要农业专家指导。',
          kind: 'RURAL_REVITALIZATION',
          requester: { kind: 'VILLAGE', name: '某村委会', contactPhone: '13922223333' },
          domains: ['AGRICULTURE'],
          keywords: ['荔枝'],
          regionCode: '440103001',
        },
      },
      requester,
    );
    let need = submitted.body.data?.submitNeed.need;
    expect(need.status).toBe('SUBMITTED');
    const step = async (mutation: string, type: string, input: Record<string, unknown>, as: string) =>
      post(
        runner.url,
        `mutation ($input: ${type}!) { ${mutation}(input: $input) { need { ${NEED} } } }`,
        { input: { id: need.id, version: need.version, ...input } },
        as,
      );
    const expectOk = (res: Awaited<ReturnType<typeof post>>, field: string, status: string) => {
      expect(res.body.errors).toBeUndefined();
      need = res.body.data?.[field].need;
      expect(need.status).toBe(status);
    };

    expect((await step('reviewNeed', 'ReviewNeedInput', { approve: true }, szAdmin)).body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expectOk(await step('reviewNeed', 'ReviewNeedInput', { approve: true }, gzAdmin), 'reviewNeed', 'OPEN');

    // Matching runs from the table's stream (polled locally, as Lambda's event source mapping on AWS).
    let best;
    for (let waited = 0; !best && waited < 5000; waited += 100) {
      const matches = await post(runner.url, `{ need(id: "${need.id}") { matches(first: 3) { expert { id } score reasons { factor detail } } } }`, {}, gzAdmin);
      best = matches.body.data?.need.matches[0];
      if (!best) await new Promise((r) => setTimeout(r, 100));
    }
    expect(best.score).toBeGreaterThan(0);
    expect(best.reasons.map((r: { factor: string }) => r.factor)).toContain('DOMAIN');
    const expertToken = await token('--role', 'EXPERT', '--expert', best.expert.id);

    expectOk(await step('dispatchNeed', 'DispatchNeedInput', { expertIds: [best.expert.id] }, gzAdmin), 'dispatchNeed', 'DISPATCHED');
    expect((await step('acceptNeed', 'AcceptNeedInput', {}, requester)).body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expectOk(await step('acceptNeed', 'AcceptNeedInput', {}, expertToken), 'acceptNeed', 'ACCEPTED');
    expectOk(await step('startNeedService', 'StartNeedServiceInput', {}, expertToken), 'startNeedService', 'IN_SERVICE');
    expectOk(await step('completeNeed', 'CompleteNeedInput', { outcome: '开展技术培训2场，制定修剪方案' }, expertToken), 'completeNeed', 'COMPLETED');
    expect((await step('rateNeed', 'RateNeedInput', { stars: 5 }, expertToken)).body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expectOk(await step('rateNeed', 'RateNeedInput', { stars: 5, comment: '解决了问题' }, requester), 'rateNeed', 'RATED');
    expect((await step('closeNeed', 'CloseNeedInput', { reason: 'x' }, gzAdmin)).body.errors?.[0]?.extensions.code).toBe('INVALID_TRANSITION');

    const history = await post(runner.url, `{ need(id: "${need.id}") { history { action to } } }`, {}, requester);
    expect(history.body.data?.need.history.map((h: { action: string }) => h.action)).toEqual([
      'SUBMIT',
      'APPROVE',
      'DISPATCH',
      'ACCEPT',
      'START',
      'COMPLETE',
      'RATE',
    ]);
  });
});
