import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { REGISTER_EXPERT, SUBMIT_NEED, createOrgTree, errorOf, makeExpertInput, makeNeedInput, ok, type OrgTree } from '../support/fixtures.js';
import { entityKey, guardKey, userAccessKey, type Key } from '../../functions/lib/data/keys.js';

/**
 * Issue 12, row 8: a query that starts from an entity by id reads it in the same consistent BatchGetItem as the caller's
 * access record (functions/lib/rootReads.ts), and answers and refuses exactly as before.
 */
describe('Read ahead: the access record and the entities a query starts from, in one request', () => {
  let app: TestApp;
  let tree: OrgTree;
  let needId: string;
  let expertId: string;
  let batches: Array<{ keys: Key[]; consistentRead: boolean }>;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
    const expertToken = await app.token({ roles: ['REQUESTER'] });
    expertId = ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput({ organizationId: tree.liwan }) }, expertToken)).registerExpert.expert.id as string;
    const requester = await app.token({ roles: ['REQUESTER'] });
    needId = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput() }, requester)).submitNeed.need.id as string;
  });

  const watchBatches = () => {
    vi.restoreAllMocks();
    batches = [];
    const original = app.deps.store.batchGet.bind(app.deps.store);
    vi.spyOn(app.deps.store, 'batchGet').mockImplementation((keys, options) => {
      batches.push({ keys: [...keys], consistentRead: options?.consistentRead ?? false });
      return original(keys, options);
    });
    app.requests.reset();
  };
  afterEach(() => vi.restoreAllMocks());

  it('answers organization(id:) in one consistent BatchGetItem: the access record, the expert guard and the organization', async () => {
    const sub = `admin-${needId}`;
    const token = await app.token({ sub, roles: ['PROVINCE_ADMIN'] });
    watchBatches();
    const data = ok(await app.gql('query ($id: ID!) { organization(id: $id) { id name } }', { id: tree.guangzhou }, token));
    expect(data.organization.id).toBe(tree.guangzhou);
    expect(Object.fromEntries(app.requests.counts)).toEqual({ BatchGetItemCommand: 1 });
    expect(batches).toHaveLength(1);
    expect(batches[0]!.consistentRead).toBe(true);
    expect(batches[0]!.keys).toEqual(expect.arrayContaining([userAccessKey(sub), guardKey('EXPERT_USER', sub), entityKey('ORG', tree.guangzhou)]));
  });

  it('answers a need with its organization, and an expert with its organization, in two requests each (one per level)', async () => {
    watchBatches();
    const need = ok(await app.gql('query ($id: ID!) { need(id: $id) { id title organization { id } } }', { id: needId }, tree.admin)).need;
    expect(need).toMatchObject({ id: needId, organization: { id: tree.shamian } });
    expect(app.requests.total).toBe(2);
    watchBatches();
    const expert = ok(await app.gql(`{ expert(id: "${expertId}") { id organization { id } } }`, {}, tree.admin)).expert;
    expect(expert).toMatchObject({ id: expertId, organization: { id: tree.liwan } });
    expect(app.requests.total).toBe(2);
    expect(batches[0]!.keys).toContainEqual(entityKey('EXPERT', expertId));
  });

  it('refuses as before: a disabled caller is FORBIDDEN, another association’s admin gets no need it may not read', async () => {
    const sub = `disabled-${needId}`;
    const token = await app.token({ sub, roles: ['PROVINCE_ADMIN'] });
    ok(
      await app.gql(
        'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { userId } } }',
        { input: { userId: sub, disabled: true } },
        tree.admin,
      ),
    );
    const refused = await app.gql('query ($id: ID!) { need(id: $id) { id title } }', { id: needId }, token);
    expect(refused.data ?? null).toBeNull();
    expect(errorOf(refused)?.code).toBe('FORBIDDEN');
    const shenzhenAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.shenzhen });
    const other = await app.gql('query ($id: ID!) { need(id: $id) { id title } }', { id: needId }, shenzhenAdmin);
    const guangzhouAdmin = await app.token({ roles: ['ORG_ADMIN'], org: tree.guangzhou });
    const own = await app.gql('query ($id: ID!) { need(id: $id) { id title } }', { id: needId }, guangzhouAdmin);
    expect(own.data?.need?.id).toBe(needId);
    expect(other.data?.need ?? null).toBeNull();
  });

  it('reads a node id under every entity type in that same request', async () => {
    watchBatches();
    const node = ok(await app.gql('query ($id: ID!) { node(id: $id) { __typename id } }', { id: needId }, tree.admin)).node;
    expect(node).toEqual({ __typename: 'Need', id: needId });
    expect(batches[0]!.keys).toEqual(expect.arrayContaining([entityKey('NEED', needId), entityKey('ORG', needId)]));
  });
});
