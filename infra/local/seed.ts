/**
 * Demo data for local mode, written through the GraphQL API itself (so it obeys every rule):
 * the real association tree of Guangdong (province, 21 cities, their counties, Liwan's and some of
 * Dongguan's townships), a few societies, university, enterprise and park associations, the General
 * Corps with its sub-teams, a team per city, and a few hundred experts (mainland, Hong Kong, Macao).
 */
import type { ApolloServer } from '@apollo/server';
import type { JWK } from 'jose';
import { signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import { grantLocalFlags, seedExpertUser, seedOrgAdminUser } from './localGrants.js';
import { createContext, type AppDeps, type Context } from '../../functions/lib/context.js';
import { childRegions, getRegion, type Region } from '../../functions/lib/regions/index.js';
import { DOMAINS } from '../../functions/lib/vocabulary.js';

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
  return async (claims, query, variables) => {
    // A token carries the identity only: the ORG_ADMIN / EXPERT the claims ask for are grants in the table.
    await grantLocalFlags(deps.store, claims);
    const authorization = `Bearer ${await signLocalToken(privateJwk, claims)}`;
    const response = await server.executeOperation({ query, variables }, { contextValue: await createContext(deps, { authorization }) });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(`seed operation failed: ${JSON.stringify(errors)}\n${query}\n${JSON.stringify(variables)}`);
    return data as Record<string, unknown>;
  };
}

const GRANT_ORG_ADMIN = `mutation ($input: GrantOrgAdminInput!) { grantOrgAdmin(input: $input) { access { userId } } }`;
const CREATE_ORG = `mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`;
const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id } } }`;
const REGISTER = `mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id } } }`;
const INVITE = `mutation ($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) { membership { status } } }`;
const ACCEPT = `mutation ($input: RespondToTeamInvitationInput!) { respondToTeamInvitation(input: $input) { membership { status } } }`;

const idOf = (data: Record<string, unknown>, field: string, inner: string): string =>
  ((data[field] as Record<string, Record<string, string>>)[inner] as Record<string, string>).id as string;

/** Seeds the demo data set; `expertCount` experts (default 300). */
export async function seedDemoData(run: Executor, options: { expertCount?: number } = {}): Promise<SeedSummary> {
  const admin: TokenClaims = { sub: 'seed-province-admin', roles: ['PROVINCE_ADMIN'], name: '省科协组织联络部' };
  const counts = { organizations: 0, teams: 0, experts: 0, memberships: 0, needs: 0, technologies: 0, pairings: 0, activities: 0, partners: 0 };
  const createOrg = async (input: Record<string, unknown>) => {
    counts.organizations += 1;
    const id = idOf(await run(admin, CREATE_ORG, { input }), 'createOrganization', 'organization');
    // Every seeded organization gets an admin user in the table (what `npm run token -- --role ORG_ADMIN --org ID` signs in as).
    await run(admin, GRANT_ORG_ADMIN, { input: { userId: seedOrgAdminUser(id), organizationId: id } });
    return id;
  };
  const createTeam = async (input: Record<string, unknown>) => {
    counts.teams += 1;
    return idOf(await run(admin, CREATE_TEAM, { input }), 'createTeam', 'team');
  };
  const assoc: Record<string, string> = {};
  const association = async (r: Region, name = `${r.name}科学技术协会`) => {
    assoc[r.code] = await createOrg({ kind: 'ASSOCIATION', name, regionCode: r.code, contactName: '组织联络部', contactPhone: '13800138000' });
  };

  const province = getRegion('44') as Region;
  await association(province, '广东省科学技术协会');
  const cities = childRegions('44');
  await mapLimit(cities, 8, (c) => association(c));
  // 东莞 (441900) and 中山 (442000) have no county level: their county code is the city itself.
  const counties = cities.flatMap((c) => childRegions(c.code)).filter((c) => !c.code.endsWith('00'));
  await mapLimit(counties, 8, (c) => association(c));
  const townships = [...childRegions('440103'), ...childRegions('441900').slice(0, 4)];
  await mapLimit(townships, 8, (t) => association(t));

  const others: Array<Record<string, unknown>> = [
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
  const otherIds = await mapLimit(others, 6, (input) => createOrg(input));

  const ALL_ACTIONS = ['POPULAR_SCIENCE', 'SOCIETY_SERVES_ENTERPRISE', 'RURAL_REVITALIZATION', 'ACADEMICIAN_EXPERT_TOUR', 'HK_MACAO_EXPERTS'];
  const generalCorpsId = await createTeam({
    organizationId: assoc['44'],
    name: '广东省科技志愿者总队',
    actions: ALL_ACTIONS,
    description: 'Guangdong S&T Volunteer General Corps — 广东省科协科技志愿服务总队',
  });
  const SUB_TEAMS: Array<[string, string]> = [
    ['科普惠民分队', 'POPULAR_SCIENCE'],
    ['学会服务企业分队', 'SOCIETY_SERVES_ENTERPRISE'],
    ['乡村振兴分队', 'RURAL_REVITALIZATION'],
    ['院士专家分队', 'ACADEMICIAN_EXPERT_TOUR'],
    ['港澳专家分队', 'HK_MACAO_EXPERTS'],
  ];
  const subTeamIds = await mapLimit(SUB_TEAMS, 5, ([name, action]) =>
    createTeam({ organizationId: assoc['44'], parentTeamId: generalCorpsId, name, actions: [action] }),
  );
  const cityTeamIds = await mapLimit(cities, 8, (c) =>
    createTeam({ organizationId: assoc[c.code], name: `${c.name}科技志愿者服务队`, actions: ['POPULAR_SCIENCE', 'RURAL_REVITALIZATION'] }),
  );
  await mapLimit(otherIds.slice(0, 6), 6, (orgId, i) =>
    createTeam({ organizationId: orgId, name: `${String(others[i]?.name)}科技志愿服务队`, actions: ['SOCIETY_SERVES_ENTERPRISE'] }),
  );

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
  const expertIds = await mapLimit(inputs, 8, async ({ input }, i) => {
    const data = await run({ sub: `seed-expert-user-${i}`, roles: ['EXPERT'] }, REGISTER, { input });
    counts.experts += 1;
    const id = idOf(data, 'registerExpert', 'expert');
    // A user linked to the expert by its id (what `npm run token -- --role EXPERT --expert ID` signs in as): the executor
    // writes the link into that user's access record, as it does for every token's flags.
    await run({ sub: seedExpertUser(id), roles: ['EXPERT'], expert: id }, '{ me { roles } }', {});
    return id;
  });
  // Every mainland expert joins its city's team; the first of each origin join the General Corps' sub-teams.
  // Joining is voluntary: the province invites, each expert accepts as itself.
  const memberships: Array<[string, string, number]> = [];
  inputs.forEach(({ cityCode, input }, i) => {
    const cityIndex = cities.findIndex((c) => c.code === cityCode);
    const expertId = expertIds[i] as string;
    if (cityIndex >= 0) memberships.push([cityTeamIds[cityIndex] as string, expertId, i]);
    if (i < 50) memberships.push([subTeamIds[input.origin === 'MAINLAND' ? i % 4 : 4] as string, expertId, i]);
  });
  await mapLimit(memberships, 8, async ([teamId, expertId, i]) => {
    await run(admin, INVITE, { input: { teamId, expertId } });
    await run({ sub: `seed-expert-user-${i}`, roles: ['EXPERT'] }, ACCEPT, { input: { teamId, expertId, accept: true } });
    counts.memberships += 1;
  });

  // The partner platforms (a partner's token is refused until its record exists), then their synced experts, before
  // the needs, so the approved ones match some of the partners' experts too.
  counts.partners += await seedPartners(run, admin);
  await seedPartnerExperts(run);

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
  const needIds: string[] = [];
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
    const need = (data.submitNeed as { need: { id: string; version: number } }).need;
    needIds.push(need.id);
    if (i < 5)
      await run(admin, `mutation ($input: ReviewNeedInput!) { reviewNeed(input: $input) { need { id } } }`, {
        input: { id: need.id, version: need.version, approve: true },
      });
  }
  counts.needs = needIds.length;

  // The pools: a few technologies, a service project and one "6个1" pairing.
  const TECHS: Array<[string, string[], string[], string, string]> = [
    ['荔枝病虫害绿色防控技术', ['AGRICULTURE'], ['荔枝', '病虫害防治'], 'MATURE', '4401'],
    ['对虾工厂化循环水养殖', ['AQUACULTURE'], ['对虾养殖', '水质调控'], 'PILOT', '4408'],
    ['机床远程运维平台', ['MANUFACTURING', 'COMPUTING'], ['数控机床', '工业互联网'], 'MATURE', '4406'],
  ];
  for (const [title, domains, keywords, maturity, regionCode] of TECHS) {
    await run(admin, `mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id } } }`, {
      input: { organizationId: assoc['44'], title, domains, keywords, maturity, transferModes: ['LICENSE', 'SERVICE'], regionCode, ownerName: '广东省科学院' },
    });
    counts.technologies += 1;
  }
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

  // Governance: the 2019 campaign with two plans filed, a workstation, and two completed activities with hours.
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
