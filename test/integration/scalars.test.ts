import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/testApp.js';
import { SUBMIT_NEED, createOrgTree, errorOf, makeNeedInput, ok, type OrgTree, makeActivityInput } from '../support/fixtures.js';

const CREATE_ACTIVITY = `mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id startAt } } }`;
const CREATE_PROJECT = `mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id startDate } } }`;
const CREATE_CAMPAIGN = `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id startDate planDueDate } } }`;

const activityInput = (tree: OrgTree, overrides: Record<string, unknown> = {}) =>
  makeActivityInput(tree.liwan, {
    venueKind: 'COMMUNITY',
    regionCode: '440103001',
    startAt: '2026-11-10T09:00:00+08:00',
    endAt: '2026-11-10T12:00:00+08:00',
    ...overrides,
  });

describe('Scalars: Date, DateTime and Quarter', () => {
  let app: TestApp;
  let tree: OrgTree;
  beforeAll(async () => {
    app = await createTestApp();
    tree = await createOrgTree(app);
  });

  it('refuses an impossible calendar date in a variable with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const res = await app.gql(SUBMIT_NEED, { input: makeNeedInput({ desiredFrom: '2026-02-30' }) }, tree.admin);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'desiredFrom' });
    expect(res.errors?.[0]?.message).toContain('2026-02-30');
    const needs = ok(await app.gql('{ needs(first: 5) { edges { node { id } } } }', {}, tree.admin));
    expect(needs.needs.edges).toEqual([]);
  });

  it('refuses an impossible date literal written in the document, naming the argument or input field', async () => {
    const res = await app.gql(`{ proofOfService(expertId: "x", from: "2026-02-30", to: "2026-03-31") { totalHours } }`, {}, tree.admin);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    const nested = await app.gql(`mutation { createCampaign(input: { name: "x", startDate: "2026-13-01" }) { campaign { id } } }`, {}, tree.admin);
    expect(errorOf(nested)).toEqual({ code: 'BAD_USER_INPUT', field: 'startDate' });
  });

  it('refuses impossible or offset-less date-times and quarters, and accepts leap days', async () => {
    for (const startAt of ['2026-02-29T09:00:00+08:00', '2026-11-10T25:00:00+08:00', '2026-11-10T09:00:00']) {
      const res = await app.gql(CREATE_ACTIVITY, { input: activityInput(tree, { startAt }) }, tree.admin);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'startAt' });
    }
    const quarter = await app.gql('query ($id: ID!) { quarterlyReport(organizationId: $id, quarter: "2026Q5") { quarter } }', { id: tree.liwan }, tree.admin);
    expect(errorOf(quarter)).toEqual({ code: 'BAD_USER_INPUT', field: 'quarter' });
    const project = await app.gql(
      CREATE_PROJECT,
      { input: { organizationId: tree.liwan, title: '项目', action: 'RURAL_REVITALIZATION', regionCode: '440103', startDate: '2025-02-29' } },
      tree.admin,
    );
    expect(errorOf(project)).toEqual({ code: 'BAD_USER_INPUT', field: 'startDate' });

    const leap = ok(await app.gql(CREATE_CAMPAIGN, { input: { name: '2028 campaign', startDate: '2028-02-29' } }, tree.admin));
    expect(leap.createCampaign.campaign).toMatchObject({ startDate: '2028-02-29', planDueDate: '2028-03-29' });
  });

  it('stores a date-time with an offset as the UTC instant it denotes', async () => {
    const created = ok(await app.gql(CREATE_ACTIVITY, { input: activityInput(tree) }, tree.admin));
    expect(created.createActivity.activity.startAt).toBe('2026-11-10T01:00:00.000Z');
  });
});
