import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RecordingGateway, createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, NEED_STEPS, createOrgTree, makeExpertInput, makeNeedInput, ok, type OrgTree } from '../support/fixtures.js';
import { createSubscriptionService } from '../../functions/lib/realtime/subscriptions.js';
import { ConnectionRepository } from '../../functions/lib/realtime/connections.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { NeedMatchRecord, NeedRecord } from '../../functions/lib/repositories/needs.js';

const SUBSCRIPTION = 'subscription { matchingNeedPosted { score rank need { id title } expert { id name } } }';
const MATCHING = 5;

/**
 * Budget row 6 in `npm test`: publishing a need reads as much with 100 connected subscribers as with 10 (5 of them
 * matching), because subscriptions are found by the matched experts' targets and the deliveries share one loader.
 */
describe('Publishing: DynamoDB requests do not grow with the connected subscribers', () => {
  let app: TestApp;
  let tree: OrgTree;
  let need: NeedRecord;
  let matches: NeedMatchRecord[];
  const tokens: { matching: string[]; other: string } = { matching: [], other: '' };

  const expertToken = async (overrides: Record<string, unknown>) => {
    const sub = `user-${randomUUID()}`;
    const id = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(overrides) }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id;
    return app.token({ roles: ['EXPERT'], sub, expert: id as string });
  };

  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    for (let i = 0; i < MATCHING; i += 1) tokens.matching.push(await expertToken({ domains: ['AGRICULTURE'], organizationId: tree.liwan }));
    tokens.other = await expertToken({ domains: ['MEDICINE'], keywords: ['心脏'], organizationId: tree.liwan });
    const requester = await app.token({ roles: ['REQUESTER'] });
    const submitted = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need;
    ok(await app.gql(NEED_STEPS.REVIEW, { input: { id: submitted.id, version: submitted.version, approve: true } }, tree.admin));
    await app.settle();
    const repos = createRepositories(app.deps.store);
    need = (await repos.needs.get(submitted.id as string)) as NeedRecord;
    matches = await repos.needs.matches(need.id, 100);
  });

  /** Connects the matching experts' subscribers plus `others` connections of the non-matching one; their service and ids. */
  async function connectAll(others: number) {
    const gateway = new RecordingGateway();
    const service = createSubscriptionService(app.deps, gateway);
    const open = async (token: string) => {
      const connectionId = randomUUID();
      const send = (message: Record<string, unknown>) =>
        service.handle({ requestContext: { routeKey: '$default', connectionId }, body: JSON.stringify(message) });
      await service.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
      await send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await send({ type: 'subscribe', id: 's', payload: { query: SUBSCRIPTION } });
      return connectionId;
    };
    const matching = await Promise.all(tokens.matching.map(open));
    const rest = await Promise.all(Array.from({ length: others }, () => open(tokens.other)));
    const disconnect = () =>
      Promise.all([...matching, ...rest].map((connectionId) => service.handle({ requestContext: { routeKey: '$disconnect', connectionId } })));
    return { gateway, service, matching, disconnect };
  }

  /** Connects `connected` subscribers (the matching experts and `connected - 5` connections of the other one), publishes, disconnects them. */
  async function publishTo(connected: number) {
    const { gateway, service, matching, disconnect } = await connectAll(connected - MATCHING);
    app.requests.reset();
    // Each size publishes an opening of its own (as a need opened again would be): both make an event's first claims.
    const opening = new Date(Date.parse(need.openedAt ?? need.updatedAt) + connected * 1000).toISOString();
    const outcome = await service.publish({ ...need, openedAt: opening }, matches);
    const counts = Object.fromEntries(app.requests.counts) as Record<string, number>;
    const nexts = matching.map((c) => gateway.to(c).filter((m) => m.type === 'next').length);
    // Gone before the next size connects, so that each publication has exactly its own subscribers.
    await disconnect();
    return { outcome, nexts, counts, sent: gateway.sent.filter((s) => s.message.type === 'next') };
  }

  it('sends one next to each of the 5 matching subscribers and makes the same requests with 10 and with 100 connected', async () => {
    expect(matches).toHaveLength(MATCHING);
    const small = await publishTo(10);
    const large = await publishTo(100);
    for (const run of [small, large]) {
      expect(run.outcome).toEqual({ delivered: MATCHING, gone: 0, skipped: 0 });
      expect(run.nexts).toEqual(Array(MATCHING).fill(1));
      expect(run.sent).toHaveLength(MATCHING);
      // One BatchGetItem for the need with the matched experts, one for the recipients' access records: the deliveries'
      // documents (need, expert) read nothing more. One UpdateItem claims the 5 deliveries.
      expect(run.counts.BatchGetItemCommand).toBe(2);
      expect(run.counts.UpdateItemCommand).toBe(1);
    }
    expect(large.counts).toEqual(small.counts);
  }, 120_000);

  it('claims the deliveries of a publication together and still notifies each subscription once when some were claimed before', async () => {
    const { gateway, service, matching, disconnect } = await connectAll(0);
    // As if an earlier attempt at this stream record had reached the first subscriber only.
    await new ConnectionRepository(app.deps.store).claimDelivery(need.id, need.openedAt ?? need.updatedAt, matching[0] as string, 's');
    // (Counted by delivered: a subscription left over from the test above would be skipped as already claimed too.)
    expect((await service.publish(need, matches)).delivered).toBe(MATCHING - 1);
    expect((await service.publish(need, matches)).delivered).toBe(0);
    expect(matching.map((c) => gateway.to(c).filter((m) => m.type === 'next').length)).toEqual([0, ...Array(MATCHING - 1).fill(1)]);
    await disconnect();
  }, 120_000);

  it('claims the first 1,000 deliveries of one event in 1 request, each exactly once, and a released one can be claimed again', async () => {
    const connections = new ConnectionRepository(app.deps.store);
    const event = [`need-${randomUUID()}`, new Date().toISOString()] as const;
    const subs = Array.from({ length: 1000 }, (_, i) => ({ connectionId: `c${i}`, subscriptionId: 's' }));
    app.requests.reset();
    // The same subscription twice in one call: its second answer is false.
    expect(await connections.claimDeliveries(...event, [...subs, subs[3]!])).toEqual([...Array(1000).fill(true), false]);
    expect(Object.fromEntries(app.requests.counts)).toEqual({ UpdateItemCommand: 1 });
    // A redelivered record: every claim refused, whatever the chunks; one new subscription among them is claimed.
    app.requests.reset();
    const again = await connections.claimDeliveries(...event, [...subs.slice(0, 150), { connectionId: 'new', subscriptionId: 's' }]);
    expect(again).toEqual([...Array(150).fill(false), true]);
    // The set exists (1), two chunks refused whole (2), then each of their 151 claims alone.
    expect(Object.fromEntries(app.requests.counts)).toEqual({ UpdateItemCommand: 1 + 2 + 151 });
    await connections.releaseDelivery(...event, 'c7', 's');
    expect(await connections.claimDeliveries(...event, subs.slice(0, 10))).toEqual([...Array(7).fill(false), true, false, false]);
  }, 120_000);
});
