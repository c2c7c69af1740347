import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START, post, runToEnd, startRunner, tempKeysFile, type Runner } from '../support/runner.js';
import { findViolations, scanTable } from '../support/consistency.js';
import { Entity, isMainItem } from '../../functions/lib/data/keys.js';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('Local runner (npm start)', () => {
  const keysFile = tempKeysFile();
  let runner: Runner;

  beforeAll(async () => {
    runner = await startRunner(['--expert-count', '60'], { KEZHI_DEV_KEYS: keysFile });
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('answers regions(parentCode: "44") with Guangdong\'s 21 cities over HTTP', async () => {
    const { status, body } = await post(runner.url, '{ regions(parentCode: "44") { code name } }');
    expect(status).toBe(200);
    expect(body.data?.regions).toHaveLength(21);
    expect(body.data?.regions[0]).toEqual({ code: '4401', name: '广州市' });
  });

  it('prints sample tokens and seeds the real association tree with the General Corps', async () => {
    expect(runner.output()).toMatch(/# PROVINCE_ADMIN[^\n]*\neyJ/);
    const token = (await runToEnd('infra/local/token.ts', ['--role', 'PROVINCE_ADMIN'], { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const { body } = await post(
      runner.url,
      `{ cities: organizations(filter: { kind: ASSOCIATION, level: CITY }, first: 100) { edges { node { name } } }
         counties: organizations(filter: { kind: ASSOCIATION, level: COUNTY }, first: 100) { edges { node { name } } pageInfo { hasNextPage } }
         province: organizations(filter: { level: PROVINCE, kind: ASSOCIATION }, first: 1) { edges { node { name teams(first: 5) { edges { node { name subTeams(first: 10) { edges { node { name members { totalCount } } } } } } } } } }
         experts(first: 100) { edges { node { id } } } }`,
      {},
      token,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.cities.edges).toHaveLength(21);
    expect(body.data?.counties.edges).toHaveLength(100);
    expect(body.data?.counties.pageInfo.hasNextPage).toBe(true);
    const corps = body.data?.province.edges[0].node.teams.edges[0].node;
    expect(corps.name).toBe('广东省科技志愿者总队');
    expect(corps.subTeams.edges).toHaveLength(5);
    // The first 50 experts each accepted an invitation to one sub-team: seeded memberships are ACTIVE.
    const members = corps.subTeams.edges.map((e: { node: { members: { totalCount: number } } }) => e.node.members.totalCount);
    expect(members.reduce((a: number, b: number) => a + b, 0)).toBe(50);
    // 60 registered experts and the 7 the two seeded partner platforms synced (issue 11).
    expect(body.data?.experts.edges).toHaveLength(60 + 7);
  });

  it('seeds the whole demo data set, consistent: every organization, team, expert, membership, need, pool entry, activity and partner', async () => {
    // The summary line names what the seed wrote; the table holds exactly that (a faster seed that drops data fails here).
    const summary =
      /seeded (\d+) organizations, (\d+) teams, (\d+) experts, (\d+) memberships, (\d+) needs, (\d+) technologies, (\d+) pairings, (\d+) activities, (\d+) partners/.exec(
        runner.output(),
      );
    expect(summary, 'the seed summary line').not.toBeNull();
    const [organizations, teams, experts, memberships, needs, technologies, pairings, activities, partners] = (summary as RegExpExecArray).slice(1).map(Number);
    // 60 experts: the mainland ones each join their city's team, the first 50 one sub-team of the General Corps.
    expect({ organizations, teams, experts, needs, technologies, pairings, activities, partners }).toEqual({
      organizations: 182,
      teams: 33,
      experts: 60,
      needs: 7,
      technologies: 3,
      pairings: 1,
      activities: 2,
      partners: 2,
    });
    const match = /DynamoDB Local: (http:\/\/\S+) \(table (\S+)\)/.exec(runner.output());
    const items = await scanTable(match?.[1] as string, match?.[2] as string);
    const count = (type: 'ORG' | 'TEAM' | 'EXPERT' | 'NEED' | 'TECH' | 'ACTIVITY' | 'PARTNER') => items.filter((i) => isMainItem(type, i)).length;
    expect(count('ORG')).toBe(organizations);
    expect(count('TEAM')).toBe(teams);
    // The registered experts and the 7 the two partner platforms synced.
    expect(count('EXPERT')).toBe((experts as number) + 7);
    expect(items.filter((i) => i.entity === Entity.MEMBER)).toHaveLength(memberships as number);
    expect(memberships).toBeGreaterThan(50);
    expect(count('NEED')).toBe(needs);
    expect(count('TECH')).toBe(technologies);
    expect(count('ACTIVITY')).toBe(activities);
    expect(count('PARTNER')).toBe(partners);
    // Each organization and expert has its admin or linked user, each registering expert user its access record.
    const access = items.filter((i) => i.entity === Entity.ACCESS).map((i) => String(i.userId));
    expect(access.filter((u) => u.startsWith('seed-org-admin-'))).toHaveLength(organizations as number);
    expect(access.filter((u) => u.startsWith('seed-expert-of-'))).toHaveLength(experts as number);
    // Index items, member counters, experts' teams and scopes, needs' history and counters agree with the records.
    expect(findViolations(items)).toEqual([]);
  });

  it('seeds the Hong Kong and the Macao partner platform and prints a token for each, which reads its own record', async () => {
    const printed = (id: string) => new RegExp(`# PARTNER [^\\n]*\\(${id}\\)\\n(eyJ[^\\n]+)`).exec(runner.output())?.[1];
    const expected = { 'hk-expert-platform': ['81', 'zh-HK', '香港專家平台'], 'mo-expert-platform': ['82', 'zh-MO', '澳門專家平台'] };
    for (const [id, [regionCode, preferredLanguage, nameHant]] of Object.entries(expected)) {
      const token = printed(id);
      expect(token, `a printed token of ${id}`).toBeDefined();
      const { body } = await post(runner.url, '{ myPartner { id regionCode preferredLanguage nameHant status } }', {}, token);
      expect(body.data?.myPartner).toEqual({ id, regionCode, preferredLanguage, nameHant, status: 'ACTIVE' });
    }
    // `npm run token -- --role PARTNER --partner ID` signs a token the runner honours too (both scopes by default).
    const args = ['--role', 'PARTNER', '--partner', 'mo-expert-platform'];
    const token = (await runToEnd('infra/local/token.ts', args, { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    expect((await post(runner.url, '{ myPartner { id } }', {}, token)).body.data?.myPartner).toEqual({ id: 'mo-expert-platform' });
  });

  it('finds the seeded lychee need, then the lychee technology, then the plant-protection experts for 「荔枝园病虫害防治」', async () => {
    const token = (await runToEnd('infra/local/token.ts', ['--role', 'EXPERT'], { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const { body } = await post(
      runner.url,
      `query ($query: String!) { search(query: $query, first: 20) {
        edges { node { score node { __typename ... on Need { title } ... on Expert { keywords } ... on Technology { title } } } } } }`,
      { query: '荔枝园病虫害防治' },
      token,
    );
    expect(body.errors).toBeUndefined();
    type Hit = { score: number; node: { __typename: string; title?: string; keywords?: string[] } };
    const hits = (body.data?.search.edges as Array<{ node: Hit }>).map((e) => e.node);
    expect(hits[0]?.node).toMatchObject({ __typename: 'Need', title: '荔枝园病虫害绿色防控' });
    expect(hits[1]?.node).toMatchObject({ __typename: 'Technology', title: '荔枝病虫害绿色防控技术' });
    const experts = hits.filter((h) => h.node.__typename === 'Expert');
    expect(experts.length).toBeGreaterThan(0);
    // Every expert found says 病虫害防治 or 荔枝 in its keywords; best first.
    for (const e of experts) expect(e.node.keywords?.some((k) => k === '病虫害防治' || k === '荔枝')).toBe(true);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it("honours a token from `npm run token`: Guangzhou's admin creates a team under a Guangzhou township, not under Shenzhen's", async () => {
    const admin = (await runToEnd('infra/local/token.ts', ['--role', 'PROVINCE_ADMIN'], { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const find = async (regionCode: string, level: string) =>
      (
        await post(
          runner.url,
          `{ organizations(filter: { kind: ASSOCIATION, level: ${level}, regionCode: "${regionCode}" }, first: 1) { edges { node { id } } } }`,
          {},
          admin,
        )
      ).body.data?.organizations.edges[0].node.id as string;
    const [guangzhou, shamian, futian] = await Promise.all([find('4401', 'CITY'), find('440103001', 'TOWNSHIP'), find('440304', 'COUNTY')]);
    const gz = await runToEnd('infra/local/token.ts', ['--role', 'ORG_ADMIN', '--org', guangzhou], { KEZHI_DEV_KEYS: keysFile });
    expect(gz.code).toBe(0);
    const token = gz.stdout.trim();
    const me = await post(runner.url, '{ me { roles organization { name } } }', {}, token);
    expect(me.body.data?.me).toEqual({ roles: ['ORG_ADMIN'], organization: { name: '广州市科学技术协会' } });
    const CREATE = 'mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { organization { id } } } }';
    const ok = await post(runner.url, CREATE, { input: { organizationId: shamian, name: '沙面街道服务队', actions: ['POPULAR_SCIENCE'] } }, token);
    expect(ok.body.data?.createTeam.team.organization.id).toBe(shamian);
    const denied = await post(runner.url, CREATE, { input: { organizationId: futian, name: '福田服务队', actions: ['POPULAR_SCIENCE'] } }, token);
    expect(denied.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('acts as the seeded expert with `npm run token -- --role EXPERT --expert ID`, and the printed sample tokens act as their labels say', async () => {
    const admin = (await runToEnd('infra/local/token.ts', ['--role', 'PROVINCE_ADMIN'], { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const expertId = (await post(runner.url, '{ experts(first: 1, filter: { regionCode: "4403" }) { edges { node { id } } } }', {}, admin)).body.data?.experts
      .edges[0].node.id as string;
    const token = (await runToEnd('infra/local/token.ts', ['--role', 'EXPERT', '--expert', expertId], { KEZHI_DEV_KEYS: keysFile })).stdout.trim();
    const me = await post(runner.url, '{ me { roles expert { id } roleSources { role source } } }', {}, token);
    expect(me.body.data?.me).toEqual({ roles: ['EXPERT'], expert: { id: expertId }, roleSources: [{ role: 'EXPERT', source: 'ACCESS_RECORD' }] });
    // The runner's printed samples: a token carries the identity, the table holds the grants the labels name.
    const printed = (label: string) => new RegExp(`# ${label}[^\\n]*\\n(eyJ[^\\n]+)`).exec(runner.output())?.[1];
    const asOrgAdmin = await post(runner.url, '{ me { roles organization { name } } }', {}, printed('ORG_ADMIN of 广州市科学技术协会'));
    expect(asOrgAdmin.body.data?.me).toEqual({ roles: ['ORG_ADMIN'], organization: { name: '广州市科学技术协会' } });
    const asExpert = await post(runner.url, '{ me { roles expert { id } } }', {}, printed('EXPERT'));
    expect(asExpert.body.data?.me.roles).toEqual(['EXPERT']);
    expect(asExpert.body.data?.me.expert).not.toBeNull();
    const asProvince = await post(runner.url, '{ me { roles roleSources { source } } }', {}, printed('PROVINCE_ADMIN'));
    expect(asProvince.body.data?.me).toEqual({ roles: ['PROVINCE_ADMIN'], roleSources: [{ source: 'TOKEN_GROUP' }] });
  });

  it('serves the offline IDE on GET with Accept: text/html, with no external resources', async () => {
    const res = await fetch(runner.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Kezhi');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']https?:/);
  });

  it('keeps CSRF prevention on: a simple GET query is refused, one with a preflight header runs', async () => {
    const query = encodeURIComponent('{ regions { code } }');
    const blocked = await fetch(`${runner.url}?query=${query}`);
    expect(blocked.status).toBe(400);
    const allowed = await fetch(`${runner.url}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { data: { regions: unknown[] } }).data.regions).toHaveLength(3);
  });

  it('coexists with a second runner that keeps its data in --data-dir across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kezhi-data-'));
    const env = { KEZHI_DEV_KEYS: keysFile };
    const first = await startRunner(['--data-dir', dataDir, '--expert-count', '3', '--quiet'], env);
    expect(first.url).not.toBe(runner.url);
    const admin = (await runToEnd('infra/local/token.ts', ['--role', 'PROVINCE_ADMIN'], env)).stdout.trim();
    const count = async (url: string) => (await post(url, '{ experts(first: 100) { edges { node { id } } } }', {}, admin)).body.data?.experts.edges.length;
    // 3 registered experts and the 7 the two seeded partner platforms synced (issue 11).
    expect(await count(first.url)).toBe(3 + 7);
    expect(await first.stop()).toBe(0);
    const second = await startRunner(['--data-dir', dataDir, '--quiet'], env);
    try {
      expect(second.output()).toContain('using the existing table');
      expect(await count(second.url)).toBe(3 + 7);
    } finally {
      await second.stop();
    }
  });

  it('stops DynamoDB Local when it receives SIGTERM', async () => {
    const own = await startRunner(['--expert-count', '1', '--quiet'], { KEZHI_DEV_KEYS: keysFile });
    const ddbPort = Number(/DynamoDB Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(own.output())?.[1]);
    expect(ddbPort).toBeGreaterThan(0);
    expect(await portOpen(ddbPort)).toBe(true);
    expect(await own.stop('SIGTERM')).toBe(0);
    expect(await portOpen(ddbPort)).toBe(false);
  });

  it('refuses to start without Java 17+ and says how to install it', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'kezhi-nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = await runToEnd(START, [], { PATH: bin, PORT: '0', KEZHI_DEV_KEYS: keysFile });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('apt-get install -y openjdk-17-jre-headless');
  });
});
