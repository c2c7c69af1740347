/**
 * Demo data for local mode, built with the services' rules and the repositories' item builders and written with
 * BatchWriteItem where the API would add nothing to show, and through the GraphQL API for the flows (partners, needs
 * submitted and approved, pools, governance, activities):
 * the real association tree of Guangdong (province, 21 cities, their counties, Liwan's and some of
 * Dongguan's townships), a few societies, university, enterprise and park associations, the General
 * Corps with its sub-teams, a team per city, and a few hundred experts (mainland, Hong Kong, Macao).
 */
import type { ApolloServer } from '@apollo/server';
import type { JWK } from 'jose';
import { signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import { grantLocalFlags, seedExpertUser, seedOrgAdminUser } from './localGrants.js';
import { createContext, type AppDeps, type Context } from '../../functions/lib/context.js';
import { childRegions, getRegion, requireRegion, type Region } from '../../functions/lib/regions/index.js';
import { DOMAINS } from '../../functions/lib/vocabulary.js';
import { randomUUID } from 'node:crypto';
import { BATCH_WRITE_LIMIT, type Store, type WriteOp } from '../../functions/lib/data/store.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { UserAccessRecord } from '../../functions/lib/repositories/access.js';
import type { OrganizationKind, OrganizationRecord } from '../../functions/lib/repositories/organizations.js';
import type { TeamRecord } from '../../functions/lib/repositories/teams.js';
import type { ExpertRecord } from '../../functions/lib/repositories/experts.js';
import type { Action, ExpertTitle, Language, Origin } from '../../functions/lib/generated/graphql.js';
import { expertIndexedText, namedIndexedText, textAnalyzer } from '../../functions/lib/domain/text.js';
import { checkParentRegion, checkPlacement, chooseParentId, newOrganizationRecord, parentRegionCandidates } from '../../functions/lib/domain/organizations.js';
import { checkActions, checkSubTeamParent } from '../../functions/lib/domain/teams.js';
import { checkCapacity, checkLanguages, checkServiceRegions, expertScope, withTeam } from '../../functions/lib/domain/experts.js';
import { normalizePhone } from '../../functions/lib/domain/personalData.js';
import { checkDomains, checkKeywords, requireText } from '../../functions/lib/services/inputs.js';

export interface SeedSummary {
  provinceId: string;
  associationIdByRegion: Record<string, string>;
  generalCorpsId: string;
  expertIds: string[];
  counts: {
    organizations: number;
    teams: number;
    experts: number;
    memberships: number;
    needs: number;
    technologies: number;
    pairings: number;
    activities: number;
    partners: number;
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Deterministic PRNG (mulberry32), so every start seeds the same demo data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const sample = <T>(xs: readonly T[], n: number): T[] => {
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0] as T);
    return out;
  };
  return { next, pick, sample };
}

const SURNAMES = '陈李黄张梁刘林吴王郑何罗谢杨周钟许邓冯曾彭蔡赖苏叶卢'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌永健家俊嘉欣晓颖婷浩然子轩梓涵'.split('');
const HK_NAMES = ['陳大文', '李嘉儀', '黃志明', '張家豪', '梁詠詩', '劉俊傑', '林曉彤', '吳家樂', '何偉倫', '周慧敏'];
const MO_NAMES = ['陳文浩', '梁嘉欣', '黃子健', 'Ana Sousa', 'Miguel Costa', '區嘉寶', '何志華', '李詠恩'];
const TITLES = [
  'ACADEMICIAN',
  'PROFESSOR',
  'RESEARCH_FELLOW',
  'ASSOCIATE_PROFESSOR',
  'PROFESSORATE_SENIOR_ENGINEER',
  'SENIOR_ENGINEER',
  'CHIEF_PHYSICIAN',
  'SENIOR_AGRONOMIST',
  'ENGINEER',
  'TEACHER',
] as const;
const TITLE_WEIGHTS = [1, 12, 8, 14, 6, 20, 8, 10, 14, 7];
const AFFILIATIONS = [
  '中山大学',
  '华南理工大学',
  '华南农业大学',
  '暨南大学',
  '广东工业大学',
  '广东省农业科学院',
  '中国科学院广州分院',
  '广东省人民医院',
  '南方医科大学',
  '深圳大学',
  '广东省科学院',
  '香港大学',
  '香港科技大学',
  '澳门大学',
];
const KEYWORDS: Record<string, string[]> = {
  AGRICULTURE: ['水稻', '荔枝', '柑橘', '土壤改良', '病虫害防治', '设施农业'],
  AQUACULTURE: ['对虾养殖', '罗非鱼', '水质调控'],
  MEDICINE: ['慢病管理', '心血管', '基层医疗', '急救培训'],
  COMPUTING: ['人工智能', '大数据', '工业互联网', '网络安全'],
  MANUFACTURING: ['数控机床', '工业机器人', '智能制造', '质量管理'],
  ELECTRONICS: ['集成电路', '5G通信', '传感器'],
  ENVIRONMENT: ['污水处理', '垃圾分类', '生态修复'],
  EDUCATION: ['青少年科技教育', '大手拉小手', '科学实验'],
  EMERGENCY_SAFETY: ['防灾减灾', '应急救护', '消防安全'],
};

type Executor = (claims: TokenClaims, query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Runs operations through the Apollo server with a context built from a locally signed token. */
export function createExecutor(server: ApolloServer<Context>, deps: AppDeps, privateJwk: JWK): Executor {
  // One grant and one signed token per identity, not per operation (the seed runs many as the province).
  const signedIn = new Map<string, Promise<string>>();
  return async (claims, query, variables) => {
    const id = JSON.stringify(claims);
    let authorization = signedIn.get(id);
    if (!authorization) {
      // A token carries the identity only: the ORG_ADMIN / EXPERT the claims ask for are grants in the table.
      authorization = grantLocalFlags(deps.store, claims).then(async () => `Bearer ${await signLocalToken(privateJwk, claims)}`);
      signedIn.set(id, authorization);
    }
    const response = await server.executeOperation({ query, variables }, { contextValue: await createContext(deps, { authorization: await authorization }) });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(`seed operation failed: ${JSON.stringify(errors)}\n${query}\n${JSON.stringify(variables)}`);
    return data as Record<string, unknown>;
  };
}

/**
 * Items of new records for one BatchWriteItem stream: what the repositories' transactions would put, without their
 * conditions (the table is new; a key written twice is an error here, as the condition would have been).
 */
export class BulkItems {
  readonly items: Array<Record<string, unknown>> = [];
  readonly #keys = new Set<string>();

  /** Adds the Puts of a transaction's writes (e.g. a repository's `createOps`) or plain items. */
  add(writes: ReadonlyArray<WriteOp | Record<string, unknown>>): void {
    for (const write of writes) {
      const item = 'item' in write ? (write as WriteOp).item.Put?.Item : write;
      if (!item) throw new Error(`seed: only new items are written in bulk, not ${JSON.stringify(write)}`);
      const key = `${String(item.PK)}\u0000${String(item.SK)}`;
      if (this.#keys.has(key)) throw new Error(`seed: ${String(item.PK)} / ${String(item.SK)} written twice`);
      this.#keys.add(key);
      this.items.push(item);
    }
  }

  /**
   * Writes the items `which` selects (every item by default) with BatchWriteItem (25 per request, `inFlight` requests at
   * a time); returns the request count.
   */
  async write(store: Store, which: (item: Record<string, unknown>) => boolean = () => true, inFlight = 4): Promise<number> {
    const items = this.items.filter(which);
    const chunks: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) chunks.push(items.slice(i, i + BATCH_WRITE_LIMIT));
    const requests = await mapLimit(chunks, inFlight, (put) => store.batchWrite({ put }));
    return requests.reduce((a, b) => a + b, 0);
  }
}

/** An access record as the API and `grantLocalFlags` write it for a user without one. */
const accessRecord = (userId: string, grants: Omit<UserAccessRecord, 'userId' | 'disabled' | 'revokedRoles' | 'updatedAt'>, now: string): UserAccessRecord => ({
  userId,
  disabled: false,
  revokedRoles: [],
  updatedAt: now,
  ...grants,
});

/**
 * Seeds the demo data set; `expertCount` experts (default 300). The bulk (organizations and their admins, teams,
 * experts, team memberships) is built with the services' rules and the repositories' item builders and written with
 * BatchWriteItem: the same items createOrganization, grantOrgAdmin, createTeam, registerExpert and an accepted
 * invitation write, without a GraphQL round trip (and its transaction) per entity. The flows that show something go
 * through the API: partners and their synced experts, needs submitted and approved (matched), the pools, governance
 * and activities.
 */
export async function seedDemoData(
  run: Executor,
  store: Store,
  /** `beforeFlows`: called once every bulk item is written, before the needs are approved (it turns the stream on). */
  options: { expertCount?: number; beforeFlows?: () => Promise<void> } = {},
): Promise<SeedSummary> {
  const admin: TokenClaims = { sub: 'seed-province-admin', roles: ['PROVINCE_ADMIN'], name: '省科协组织联络部' };
  const counts = { organizations: 0, teams: 0, experts: 0, memberships: 0, needs: 0, technologies: 0, pairings: 0, activities: 0, partners: 0 };
  const tSeed = performance.now();
  const repos = createRepositories(store);
  const analyzer = await textAnalyzer();
  const now = new Date().toISOString();
  const bulk = new BulkItems();

  // Organizations, as createOrganization places them (parent association derived from the region), each with an admin
  // user in the table (what `npm run token -- --role ORG_ADMIN --org ID` signs in as), as grantOrgAdmin writes it.
  const orgs = new Map<string, OrganizationRecord>();
  const assoc: Record<string, string> = {};
  const createOrg = (input: { kind: OrganizationKind; name: string; regionCode: string; parentId?: string; contactName?: string; contactPhone?: string }) => {
    const region = requireRegion(input.regionCode);
    checkPlacement(input.kind, region);
    let derived: string | undefined;
    for (const code of parentRegionCandidates(input.kind, region)) if ((derived = assoc[code])) break;
    const parentId = chooseParentId(input.kind, region, input.parentId, derived);
    const parent = parentId ? orgs.get(parentId) : undefined;
    if (parentId && !parent) throw new Error(`seed: parent ${parentId} of ${input.name} not seeded`);
    if (parent) checkParentRegion(parent.regionCode, region.code);
    const id = randomUUID();
    const name = requireText(input.name, 'name');
    const record = newOrganizationRecord({
      id,
      name,
      kind: input.kind,
      region,
      parent,
      contactName: input.contactName ?? null,
      contactPhone: input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null,
      searchTerms: analyzer.indexTerms(namedIndexedText(name)),
      now,
    });
    orgs.set(id, record);
    if (input.kind === 'ASSOCIATION') assoc[region.code] = id;
    bulk.add(repos.organizations.createOps(record));
    bulk.add([repos.access.itemOf(accessRecord(seedOrgAdminUser(id), { orgAdminOf: id }, now))]);
    counts.organizations += 1;
    return id;
  };
  const association = (r: Region, name = `${r.name}科学技术协会`) =>
    createOrg({ kind: 'ASSOCIATION', name, regionCode: r.code, contactName: '组织联络部', contactPhone: '13800138000' });

  const province = getRegion('44') as Region;
  association(province, '广东省科学技术协会');
  const cities = childRegions('44');
  for (const c of cities) association(c);
  // 东莞 (441900) and 中山 (442000) have no county level: their county code is the city itself.
  const counties = cities.flatMap((c) => childRegions(c.code)).filter((c) => !c.code.endsWith('00'));
  for (const c of counties) association(c);
  const townships = [...childRegions('440103'), ...childRegions('441900').slice(0, 4)];
  for (const t of townships) association(t);

  const others: Array<{ kind: OrganizationKind; name: string; regionCode: string; parentId?: string }> = [
    { kind: 'SOCIETY', name: '广东省农学会', regionCode: '44' },
    { kind: 'SOCIETY', name: '广东省机械工程学会', regionCode: '44' },
    { kind: 'SOCIETY', name: '广东省医学会', regionCode: '44' },
    { kind: 'SOCIETY', name: '广州市农学会', regionCode: '4401' },
    { kind: 'SOCIETY', name: '深圳市电子学会', regionCode: '4403' },
    { kind: 'SOCIETY', name: '佛山市顺德区机械工程学会', regionCode: '440606' },
    { kind: 'UNIVERSITY_ASSOCIATION', name: '中山大学科学技术协会', regionCode: '440105', parentId: assoc['44'] },
    { kind: 'UNIVERSITY_ASSOCIATION', name: '华南理工大学科学技术协会', regionCode: '440106', parentId: assoc['44'] },
    { kind: 'ENTERPRISE_ASSOCIATION', name: '美的集团科学技术协会', regionCode: '440606' },
    { kind: 'ENTERPRISE_ASSOCIATION', name: '广州汽车集团科学技术协会', regionCode: '440113' },
    { kind: 'PARK_ASSOCIATION', name: '广州科学城园区科学技术协会', regionCode: '440112' },
    { kind: 'PARK_ASSOCIATION', name: '珠海高新区园区科学技术协会', regionCode: '440402' },
  ];
  const otherIds = others.map((input) => createOrg(input));

  // Teams, as createTeam writes them; their member counters are set once the memberships below are known.
  const teams = new Map<string, TeamRecord>();
  const createTeam = (input: { organizationId: string; name: string; actions: Action[]; parentTeamId?: string; description?: string }) => {
    const organization = orgs.get(input.organizationId);
    if (!organization) throw new Error(`seed: organization ${input.organizationId} not seeded`);
    if (input.parentTeamId) checkSubTeamParent(teams.get(input.parentTeamId) as TeamRecord, organization.id);
    const name = requireText(input.name, 'name');
    const description = input.description ?? null;
    const record: TeamRecord = {
      id: randomUUID(),
      name,
      organizationId: organization.id,
      organizationPath: organization.path,
      regionCode: organization.regionCode,
      parentTeamId: input.parentTeamId ?? null,
      leaderExpertId: null,
      actions: checkActions(input.actions),
      description,
      memberCount: 0,
      searchTerms: analyzer.indexTerms(namedIndexedText(name, description)),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    teams.set(record.id, record);
    counts.teams += 1;
    return record.id;
  };
  const ALL_ACTIONS: Action[] = ['POPULAR_SCIENCE', 'SOCIETY_SERVES_ENTERPRISE', 'RURAL_REVITALIZATION', 'ACADEMICIAN_EXPERT_TOUR', 'HK_MACAO_EXPERTS'];
  const generalCorpsId = createTeam({
    organizationId: assoc['44'] as string,
    name: '广东省科技志愿者总队',
    actions: ALL_ACTIONS,
    description: 'Guangdong S&T Volunteer General Corps — 广东省科协科技志愿服务总队',
  });
  const SUB_TEAMS: Array<[string, Action]> = [
    ['科普惠民分队', 'POPULAR_SCIENCE'],
    ['学会服务企业分队', 'SOCIETY_SERVES_ENTERPRISE'],
    ['乡村振兴分队', 'RURAL_REVITALIZATION'],
    ['院士专家分队', 'ACADEMICIAN_EXPERT_TOUR'],
    ['港澳专家分队', 'HK_MACAO_EXPERTS'],
  ];
  const subTeamIds = SUB_TEAMS.map(([name, action]) =>
    createTeam({ organizationId: assoc['44'] as string, parentTeamId: generalCorpsId, name, actions: [action] }),
  );
  const cityTeamIds = cities.map((c) =>
    createTeam({ organizationId: assoc[c.code] as string, name: `${c.name}科技志愿者服务队`, actions: ['POPULAR_SCIENCE', 'RURAL_REVITALIZATION'] }),
  );
  otherIds
    .slice(0, 6)
    .forEach((orgId, i) => createTeam({ organizationId: orgId, name: `${String(others[i]?.name)}科技志愿服务队`, actions: ['SOCIETY_SERVES_ENTERPRISE'] }));
  // Experts: 80% mainland (spread over Guangdong's counties), 10% Hong Kong, 10% Macao.
  const rnd = prng(20190517);
  const hkDistricts = childRegions('81').flatMap((a) => childRegions(a.code));
  const moDistricts = childRegions('82').flatMap((a) => childRegions(a.code));
  const weightedTitle = () => {
    let roll = rnd.next() * TITLE_WEIGHTS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < TITLES.length; i += 1) if ((roll -= TITLE_WEIGHTS[i] as number) < 0) return TITLES[i] as string;
    return 'ENGINEER';
  };
  const inputs = Array.from({ length: options.expertCount ?? 300 }, (_, i) => {
    const roll = rnd.next();
    const origin = roll < 0.8 ? 'MAINLAND' : roll < 0.9 ? 'HONG_KONG' : 'MACAO';
    const region = origin === 'MAINLAND' ? rnd.pick(counties) : rnd.pick(origin === 'HONG_KONG' ? hkDistricts : moDistricts);
    const domains = rnd.sample(
      DOMAINS.map((d) => d.code),
      1 + Math.floor(rnd.next() * 3),
    );
    const keywords = rnd.sample(
      domains.flatMap((d) => KEYWORDS[d] ?? []),
      3,
    );
    const cityCode = region.code.slice(0, 4);
    const name =
      origin === 'MAINLAND'
        ? `${rnd.pick(SURNAMES)}${rnd.pick(GIVEN)}${rnd.next() < 0.6 ? rnd.pick(GIVEN) : ''}`
        : rnd.pick(origin === 'HONG_KONG' ? HK_NAMES : MO_NAMES);
    const languages =
      origin === 'MAINLAND'
        ? ['MANDARIN', ...(rnd.next() < 0.7 ? ['CANTONESE'] : []), ...(rnd.next() < 0.4 ? ['ENGLISH'] : [])]
        : origin === 'HONG_KONG'
          ? ['CANTONESE', 'ENGLISH', 'MANDARIN']
          : ['CANTONESE', 'MANDARIN', ...(rnd.next() < 0.4 ? ['PORTUGUESE'] : [])];
    const serial = String(i).padStart(4, '0');
    return {
      cityCode,
      input: {
        name,
        title: weightedTitle(),
        domains,
        keywords,
        affiliation: rnd.pick(AFFILIATIONS),
        ...(origin === 'MAINLAND' && assoc[cityCode] && { organizationId: assoc[cityCode] }),
        origin,
        languages,
        regionCode: region.code,
        serviceRegionCodes: origin === 'MAINLAND' ? [region.code, cityCode] : ['44'],
        maxOpenAssignments: 1 + Math.floor(rnd.next() * 5),
        phone:
          origin === 'MAINLAND'
            ? `139${serial}${String(1000 + i).slice(-4)}`
            : origin === 'HONG_KONG'
              ? `+8526${serial}${String(i % 1000).padStart(3, '0')}`
              : `+8536${serial}${String(i % 1000).padStart(3, '0')}`,
        bio: `${name}，从事${domains.join('、')}相关工作。`,
      },
    };
  });
  // Experts, as registerExpert writes them for each registering user (`seed-expert-user-N`, an EXPERT by its access
  // record, as the executor's grants make it), and a user linked to each expert by its id (what
  // `npm run token -- --role EXPERT --expert ID` signs in as).
  const experts = inputs.map(({ input }, i): ExpertRecord => {
    const region = requireRegion(input.regionCode);
    const organization = input.organizationId ? orgs.get(input.organizationId) : undefined;
    const name = requireText(input.name, 'name', 50);
    const keywords = checkKeywords(input.keywords);
    return {
      id: randomUUID(),
      userId: `seed-expert-user-${i}`,
      name,
      title: input.title as ExpertTitle,
      domains: checkDomains(input.domains),
      keywords,
      affiliation: input.affiliation,
      organizationId: organization?.id ?? null,
      origin: input.origin as Origin,
      languages: checkLanguages(input.languages as Language[]),
      regionCode: region.code,
      serviceRegionCodes: checkServiceRegions(input.serviceRegionCodes),
      availability: 'AVAILABLE',
      maxOpenAssignments: checkCapacity(input.maxOpenAssignments),
      phone: normalizePhone(input.phone),
      idNumber: null,
      bio: input.bio,
      searchTerms: analyzer.indexTerms(expertIndexedText({ name, keywords, affiliation: input.affiliation, bio: input.bio })),
      scopeOrganizationIds: organization?.path ?? [],
      teamIds: [],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  });
  const expertIds = experts.map((e) => e.id);
  // Every mainland expert joins its city's team; the first of each origin join the General Corps' sub-teams.
  // Joining is voluntary (the province invites, each expert accepts as itself): an accepted invitation leaves the
  // membership item, the team's member counter, and the expert's teams and scope one version later.
  inputs.forEach(({ cityCode, input }, i) => {
    const cityIndex = cities.findIndex((c) => c.code === cityCode);
    const joined = [
      ...(cityIndex >= 0 ? [cityTeamIds[cityIndex] as string] : []),
      ...(i < 50 ? [subTeamIds[input.origin === 'MAINLAND' ? i % 4 : 4] as string] : []),
    ];
    const expert = experts[i] as ExpertRecord;
    for (const teamId of joined) {
      const team = teams.get(teamId) as TeamRecord;
      team.memberCount += 1;
      const teamIds = withTeam(expert.teamIds ?? [], teamId);
      const own = expert.organizationId ? orgs.get(expert.organizationId) : undefined;
      Object.assign(expert, {
        teamIds,
        scopeOrganizationIds: expertScope(
          own?.path ?? [],
          teamIds.map((id) => (teams.get(id) as TeamRecord).organizationPath),
        ),
        version: expert.version + 1,
      });
      bulk.add([repos.teams.memberItem(teamId, expert.id, now)]);
      counts.memberships += 1;
    }
  });
  experts.forEach((expert, i) => {
    bulk.add(repos.experts.createOps(expert));
    bulk.add([
      repos.access.itemOf(accessRecord(`seed-expert-user-${i}`, { roles: ['EXPERT'] }, now)),
      repos.access.itemOf(accessRecord(seedExpertUser(expert.id), { roles: ['EXPERT'], expertId: expert.id }, now)),
    ]);
    counts.experts += 1;
  });
  for (const team of teams.values()) bulk.add(repos.teams.createOps(team));
  const tBuilt = performance.now();
  // The entities and access records first; their index and search-term items (~85 % of the items, read only by lists,
  // searches and matching) are written while the flows that read none of them run: the partners, the technologies, the
  // campaign, the activities and the needs' submissions. The needs are approved (matched) once the whole index is in.
  const isIndexItem = (item: Record<string, unknown>) => String(item.PK).startsWith('IX#');
  const entityRequests = await bulk.write(store, (item) => !isIndexItem(item));
  const tEntities = performance.now();
  const indexWritten = bulk.write(store, isIndexItem).then((requests) => {
    if (process.env.KEZHI_TIMINGS)
      console.log(
        `seed: built ${bulk.items.length} items in ${Math.round(tBuilt - tSeed)} ms, wrote the entities in ${entityRequests} requests in ` +
          `${Math.round(tEntities - tBuilt)} ms, their index in ${requests} requests in ${Math.round(performance.now() - tEntities)} ms`,
      );
  });
  const tFlows = performance.now();

  // Independent flows at a time while the index is written: the partners, the technologies, the campaign's plans, the
  // activities and the needs' submissions; the needs are approved after the partners' experts and the index are in, so
  // they match the seeded experts and some of the partners' too, then the project and pairing that use one.
  const partnerFlow = async () => {
    // The partner platforms (a partner's token is refused until its record exists), then their synced experts.
    counts.partners += await seedPartners(run, admin);
    await seedPartnerExperts(run);
  };
  const needFlow = async (matchable: Promise<unknown>) => {
    // Needs from a demo requester (the runner's sample REQUESTER token): some approved (matched), one dispatched.
    const requester: TokenClaims = { sub: 'demo-requester', roles: ['REQUESTER'] };
    const NEEDS: Array<[string, string, string, string[], string[], string]> = [
      ['荔枝园病虫害绿色防控', 'RURAL_REVITALIZATION', '440103001', ['AGRICULTURE'], ['荔枝', '病虫害防治'], 'VILLAGE'],
      ['数控机床故障诊断与智能化改造', 'TECHNOLOGY', '440606', ['MANUFACTURING', 'MECHANICAL_ENGINEERING'], ['数控机床', '智能制造'], 'ENTERPRISE'],
      ['社区老年人慢病管理科普讲座', 'POPULAR_SCIENCE', '440103002', ['MEDICINE'], ['慢病管理'], 'COMMUNITY'],
      ['对虾养殖水质调控技术', 'RURAL_REVITALIZATION', '440825', ['AQUACULTURE'], ['对虾养殖', '水质调控'], 'VILLAGE'],
      ['中小学生人工智能科技辅导', 'POPULAR_SCIENCE', '440304', ['COMPUTING', 'EDUCATION'], ['人工智能', '青少年科技教育'], 'SCHOOL'],
      ['工业园区污水处理工艺优化', 'TECHNOLOGY', '441900003', ['ENVIRONMENT'], ['污水处理'], 'PARK'],
      ['村级电商与农产品品牌培训', 'TRAINING', '441802', ['ECONOMICS_MANAGEMENT', 'AGRICULTURE'], [], 'VILLAGE'],
    ];
    const needs: Array<{ id: string; version: number }> = [];
    for (const [i, [title, kind, regionCode, domains, keywords, requesterKind]] of NEEDS.entries()) {
      const data = await run(requester, `mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { id version } } }`, {
        input: {
          title,
          description: `${title}：请有关领域专家提供指导和服务。`,
          kind,
          requester: { kind: requesterKind, name: `${title.slice(0, 4)}需求单位`, contactName: '联系人', contactPhone: `1380000${String(1000 + i)}` },
          domains,
          keywords,
          regionCode,
          urgency: i % 3 === 0 ? 'HIGH' : 'NORMAL',
        },
      });
      needs.push((data.submitNeed as { need: { id: string; version: number } }).need);
    }
    const needIds = needs.map((need) => need.id);
    // Approved (matched: the stream is on) once the experts' index and the partners' experts are in.
    await matchable;
    for (const need of needs.slice(0, 5))
      await run(admin, `mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }`, {
        input: { id: need.id, version: need.version, approve: true },
      });
    counts.needs = needIds.length;

    const project = await run(admin, `mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }`, {
      input: {
        organizationId: assoc['4418'],
        title: '清远连州乡村振兴科技帮扶',
        action: 'RURAL_REVITALIZATION',
        regionCode: '441882',
        status: 'ACTIVE',
        needIds: [needIds[6]],
        expertIds: expertIds.slice(0, 2),
      },
    });
    const projectId = (project.createProject as { project: { id: string } }).project.id;
    await run(admin, `mutation ($input: CreatePairingInput!) { createPairing(input: $input) { pairing { id } } }`, {
      input: {
        organizationId: assoc['4418'],
        regionCode: '441882',
        expertId: expertIds[0],
        projectId,
        teamId: subTeamIds[2],
        helpedEnterprise: { name: '连州菜心专业合作社' },
        industry: '连州菜心',
        talents: [{ name: '返乡大学生电商团队' }],
      },
    });
    counts.pairings = 1;
  };
  const technologyFlow = async () => {
    // The pools: a few technologies (the service project and the "6个1" pairing follow the needs).
    const TECHS: Array<[string, string[], string[], string, string]> = [
      ['荔枝病虫害绿色防控技术', ['AGRICULTURE'], ['荔枝', '病虫害防治'], 'MATURE', '4401'],
      ['对虾工厂化循环水养殖', ['AQUACULTURE'], ['对虾养殖', '水质调控'], 'PILOT', '4408'],
      ['机床远程运维平台', ['MANUFACTURING', 'COMPUTING'], ['数控机床', '工业互联网'], 'MATURE', '4406'],
    ];
    for (const [title, domains, keywords, maturity, regionCode] of TECHS) {
      await run(admin, `mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id } } }`, {
        input: {
          organizationId: assoc['44'],
          title,
          domains,
          keywords,
          maturity,
          transferModes: ['LICENSE', 'SERVICE'],
          regionCode,
          ownerName: '广东省科学院',
        },
      });
      counts.technologies += 1;
    }
  };
  const governanceFlow = async () => {
    // Governance: the 2019 campaign with two plans filed (a workstation and two completed activities with hours follow).
    const campaign = await run(
      admin,
      'mutation { createCampaign(input: { name: "礼赞共和国、智慧新征程——科技志愿服务行动", startDate: "2019-05-17" }) { campaign { id } } }',
      {},
    );
    const campaignId = (campaign.createCampaign as { campaign: { id: string } }).campaign.id;
    for (const org of [assoc['44'], assoc['4401']]) {
      await run(admin, 'mutation ($input: SubmitPlanInput!) { submitPlan(input: $input) { plan { late } } }', {
        input: { campaignId, organizationId: org, content: '实施方案：组建科技志愿者队伍，开展五大行动。' },
      });
    }
  };
  const activityFlow = async () => {
    const ws = await run(admin, 'mutation ($input: CreateWorkstationInput!) { createWorkstation(input: $input) { workstation { id } } }', {
      input: {
        organizationId: assoc['4418'],
        kind: 'EXPERT_SERVICE',
        name: '连州科技专家服务站',
        host: { kind: 'VILLAGE', name: '连州菜心专业合作社' },
        regionCode: '441882',
        residentExpertIds: expertIds.slice(0, 2),
      },
    });
    const workstationId = (ws.createWorkstation as { workstation: { id: string } }).workstation.id;
    const ACTIVITIES: Array<[string, string, string, string, string | null]> = [
      ['大手拉小手科普进校园', 'POPULAR_SCIENCE', assoc['440103'] as string, '440103', null],
      ['菜心种植技术现场培训', 'RURAL_REVITALIZATION', assoc['4418'] as string, '441882', workstationId],
    ];
    for (const [title, action, organizationId, regionCode, workstation] of ACTIVITIES) {
      const created = await run(admin, 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version } } }', {
        input: {
          organizationId,
          title,
          action,
          venueKind: workstation ? 'WORKSTATION' : 'SCHOOL',
          regionCode,
          startAt: '2026-11-10T09:00:00+08:00',
          endAt: '2026-11-10T12:00:00+08:00',
          ...(workstation && { workstationId: workstation }),
        },
      });
      const activity = (created.createActivity as { activity: { id: string; version: number } }).activity;
      for (const expertId of expertIds.slice(0, 3))
        await run(admin, 'mutation ($input: SignUpActivityInput!) { signUpActivity(input: $input) { participation { totalHours } } }', {
          input: { activityId: activity.id, expertId },
        });
      await run(admin, 'mutation ($input: StartActivityInput!) { startActivity(input: $input) { activity { id } } }', {
        input: { id: activity.id, version: activity.version },
      });
      for (const [k, expertId] of expertIds.slice(0, 3).entries()) {
        await run(admin, 'mutation ($input: CheckInInput!) { checkIn(input: $input) { participation { totalHours } } }', {
          input: { activityId: activity.id, expertId, at: '2026-11-10T09:00:00+08:00' },
        });
        await run(admin, 'mutation ($input: CheckOutInput!) { checkOut(input: $input) { participation { totalHours } } }', {
          input: { activityId: activity.id, expertId, at: `2026-11-10T${11 + (k % 2)}:${k === 2 ? '50' : '20'}:00+08:00` },
        });
      }
      await run(admin, 'mutation ($input: CompleteActivityInput!) { completeActivity(input: $input) { activity { id } } }', {
        input: { id: activity.id, version: activity.version + 1, beneficiaries: 120, outcome: '圆满完成' },
      });
      counts.activities += 1;
    }
  };
  // The needs are submitted meanwhile; they are approved once the partners' experts and the index are in, and the
  // stream (matching) is on.
  const matchable = Promise.all([partnerFlow(), indexWritten.then(() => options.beforeFlows?.())]);
  // Awaited in the needs' flow; a failure before that is not an unhandled rejection.
  matchable.catch(() => undefined);
  await Promise.all([needFlow(matchable), technologyFlow(), governanceFlow(), activityFlow()]);
  if (process.env.KEZHI_TIMINGS) console.log(`seed: flows through the API in ${Math.round(performance.now() - tFlows)} ms`);
  return { provinceId: assoc['44'] as string, associationIdByRegion: assoc, generalCorpsId, expertIds, counts };
}

/** The seeded partner platforms (ids = their OAuth client ids; `npm start` prints a token for each). */
export const SEED_PARTNERS = [
  {
    clientId: 'hk-expert-platform',
    nameHant: '香港專家平台',
    nameHans: '香港专家平台',
    nameEn: 'Hong Kong Expert Platform',
    regionCode: '81',
    contactName: '陳主任',
    contactEmail: 'partners@hk-expert-platform.example',
    contactPhone: '91234567',
    consentTermsVersion: '2026-11',
    preferredLanguage: 'zh-HK',
  },
  {
    clientId: 'mo-expert-platform',
    nameHant: '澳門專家平台',
    nameHans: '澳门专家平台',
    nameEn: 'Macao Expert Platform',
    regionCode: '82',
    contactName: '何主任',
    contactEmail: 'partners@mo-expert-platform.example',
    contactPhone: '61234567',
    consentTermsVersion: '2026-11',
    preferredLanguage: 'zh-MO',
  },
] as const;

const CREATE_PARTNER = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }`;

/** Creates the Hong Kong and the Macao partner platform (as the province); returns how many. */
async function seedPartners(run: Executor, admin: TokenClaims): Promise<number> {
  for (const input of SEED_PARTNERS) await run(admin, CREATE_PARTNER, { input });
  return SEED_PARTNERS.length;
}

const SYNC_PARTNER_EXPERTS = `mutation ($input: SyncPartnerExpertsInput!) {
  syncPartnerExperts(input: $input) { results { externalId status field reason } }
}`;

/** A seeded partner's expert rows: externalId, name, title, domains, keywords, affiliation, phone. */
type PartnerExpertRow = [string, string, string, string[], string[], string, string];

/** Sync items of one partner's rows, with what all of that partner's experts share (languages, service regions, consent). */
const partnerExpertItems = (rows: PartnerExpertRow[], shared: (externalId: string) => Record<string, unknown>) =>
  rows.map(([externalId, name, title, domains, keywords, affiliation, phone]) => ({
    externalId,
    name,
    title,
    domains,
    keywords,
    affiliation,
    phone,
    ...shared(externalId),
  }));

/** Synced experts of the two seeded partner platforms (Traditional Chinese names, as the platforms hold them). */
const PARTNER_EXPERTS: Record<string, Array<Record<string, unknown>>> = {
  'hk-expert-platform': partnerExpertItems(
    [
      ['HKEP-001', '陳嘉樂', 'SENIOR_AGRONOMIST', ['AGRICULTURE'], ['荔枝', '病蟲害防治', '果樹栽培'], '香港大學', '+85251230001'],
      ['HKEP-002', '李詠詩', 'PROFESSOR', ['AGRICULTURE', 'BIOTECHNOLOGY'], ['土壤改良', '植物病理'], '香港中文大學', '+85251230002'],
      ['HKEP-003', '黃志偉', 'CHIEF_PHYSICIAN', ['MEDICINE'], ['慢病管理', '老年醫學'], '瑪麗醫院', '+85251230003'],
      ['HKEP-004', '張雅琪', 'RESEARCH_FELLOW', ['BIOTECHNOLOGY', 'MEDICINE'], ['生物醫藥', '基因檢測'], '香港科技大學', '+85251230004'],
    ],
    (externalId) => ({
      languages: ['CANTONESE', 'ENGLISH', 'MANDARIN'],
      serviceRegionCodes: ['4401', '4403', '4406'],
      email: `${externalId.toLowerCase()}@hk-expert-platform.example`,
      // One Hong Kong expert agreed to be listed and matched but not to be contacted by mainland organizations.
      consent: { listed: true, contactable: externalId !== 'HKEP-004', termsVersion: '2026-11' },
    }),
  ),
  'mo-expert-platform': partnerExpertItems(
    [
      ['MOEP-001', '何嘉欣', 'PROFESSOR', ['AQUACULTURE', 'AGRICULTURE'], ['對蝦養殖', '水質調控'], '澳門大學', '+85328120001'],
      ['MOEP-002', '梁家輝', 'SENIOR_ENGINEER', ['ENVIRONMENT'], ['污水處理', '生態修復'], '澳門科技大學', '+85328120002'],
      ['MOEP-003', '歐陽美玲', 'CHIEF_PHYSICIAN', ['TRADITIONAL_CHINESE_MEDICINE', 'MEDICINE'], ['中醫藥', '慢病管理'], '澳門鏡湖醫院', '+85328120003'],
    ],
    () => ({
      languages: ['CANTONESE', 'PORTUGUESE', 'MANDARIN'],
      serviceRegionCodes: ['4404', '4408', '4401', '4419'],
      consent: { listed: true, contactable: true, termsVersion: '2026-11' },
    }),
  ),
};

/**
 * Syncs a few experts for each seeded partner platform through the partner's own sync (a partner token with the
 * `experts.write` scope); the partner records themselves are seeded separately. Returns how many experts landed.
 */
export async function seedPartnerExperts(run: Executor): Promise<number> {
  let landed = 0;
  for (const [partner, experts] of Object.entries(PARTNER_EXPERTS)) {
    const claims: TokenClaims = { sub: partner, roles: ['PARTNER'], partner, scope: 'experts.write needs.read' };
    const data = await run(claims, SYNC_PARTNER_EXPERTS, { input: { experts } });
    const results = (data.syncPartnerExperts as { results: Array<{ externalId: string; status: string; reason: string | null }> }).results;
    const refused = results.filter((r) => r.status === 'REJECTED');
    if (refused.length > 0) throw new Error(`seed: partner experts rejected: ${JSON.stringify(refused)}`);
    landed += results.length;
  }
  return landed;
}
