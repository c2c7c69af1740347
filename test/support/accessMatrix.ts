import type { Data, TestApp } from './testApp.js';
import { matchAndStore } from '../../functions/lib/matching/matchNeed.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import {
  REGISTER_EXPERT,
  SUBMIT_NEED,
  addMember,
  createOrgTree,
  makeActivityInput,
  makeExpertInput,
  makeNeedInput,
  NEED_STEPS,
  ok,
  type OrgTree,
} from './fixtures.js';

/**
 * The access matrix of issue 10: one row per operation (Query, Mutation, Subscription field), per
 * entity-returning object field and per personal-data scalar, and per row the expected outcome for
 * every caller. test/integration/accessMatrix.test.ts runs every cell against a seeded world and
 * fails when the schema has a field without a row.
 *
 * The callers are relative to one subject: the organization Liwan (a county association) and the
 * expert registered there ("expert self"). The partner caller is the PARTNER token (no OAuth scope) of the
 * partner platform `mx-partner` (MATRIX_PARTNER).
 */

/** Who calls, relative to the subject (Liwan and its expert). */
export const CALLERS = [
  'anonymous',
  /** The requester who posted the world's needs. */
  'requester',
  /** Another requester. */
  'otherRequester',
  /** The subject expert (registered by Liwan, member of Liwan's team). */
  'expertSelf',
  /** An expert of Shenzhen in another domain. */
  'expertOther',
  /** ORG_ADMIN of Liwan (the subject's own subtree). */
  'adminOwn',
  /** ORG_ADMIN of Guangzhou (the parent). */
  'adminParent',
  /** ORG_ADMIN of Shamian (a child of Liwan). */
  'adminChild',
  /** ORG_ADMIN of Shenzhen (a sibling subtree). */
  'adminSibling',
  'province',
  /** A partner platform (PARTNER, machine to machine). */
  'partner',
] as const;
/** One caller of the matrix. */
export type Caller = (typeof CALLERS)[number];

/**
 * ok: allowed, the subject is in the answer · omitted: allowed, the subject left out (lists, nested
 * lists, null) · clear / masked: a personal-data scalar whole, or masked (or null) · error codes: refused.
 */
export type Outcome = 'ok' | 'omitted' | 'clear' | 'masked' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'CONFLICT';
/** A row's outcome for every caller. */
export type Expectation = Record<Caller, Outcome>;

/** Every caller gets `base` except the overrides; anonymous callers are UNAUTHENTICATED unless overridden. */
export const outcomes = (base: Outcome, overrides: Partial<Expectation> = {}): Expectation => ({
  ...(Object.fromEntries(CALLERS.map((c) => [c, base])) as Expectation),
  anonymous: 'UNAUTHENTICATED',
  ...overrides,
});
/** Everyone, signed in or not. */
export const PUBLIC = outcomes('ok', { anonymous: 'ok' });
/** Every signed-in caller. */
export const SIGNED_IN = outcomes('ok');
/** The admins of Liwan's subtree: its own, its parent's and the province. */
export const MANAGERS = outcomes('FORBIDDEN', { adminOwn: 'ok', adminParent: 'ok', province: 'ok' });
/** The subject expert and the admins of its organizations. */
export const EXPERT_AND_ADMINS = { ...MANAGERS, expertSelf: 'ok' } satisfies Expectation;
/** Readers of a published need: everyone signed in but another requester. */
export const PUBLISHED_NEED_READERS = outcomes('ok', { otherRequester: 'FORBIDDEN' });
/** The province only. */
export const PROVINCE_ONLY = outcomes('FORBIDDEN', { province: 'ok' });
/** The subject expert only. */
export const SELF_ONLY = outcomes('FORBIDDEN', { expertSelf: 'ok' });

/** A seeded world: the organization tree, the callers' tokens and one subject of every kind, all in Liwan. */
export interface World {
  app: TestApp;
  tree: OrgTree;
  tokens: Record<Caller, string | null>;
  expert: { id: string; sub: string; phone: string; idNumber: string };
  otherExpert: { id: string };
  team: string;
  subTeam: string;
  /** A team of Liwan with a pending invitation of the subject expert. */
  pendingTeam: string;
  /** A team of Shenzhen whose admin invited the subject expert (pending). */
  siblingTeam: string;
  needSubmitted: { id: string; title: string };
  needOpen: { id: string; title: string };
  /** Dispatched to the subject expert and team, accepted by the expert. */
  needServed: { id: string };
  activity: string;
  workstation: string;
  project: string;
  pairing: string;
  technology: string;
  campaign: string;
  accessUser: string;
  /** Each caller's own personal data (its myData holds it in full): not a leak in that caller's answers. */
  own: Partial<Record<Caller, string[]>>;
  /** Phones and the ID number: never in a refused or masked answer, never in any answer in full unless allowed. */
  secrets: { phones: string[]; idNumber: string };
  /** Titles of unpublished needs: only their readers (requester, adminOwn, adminParent, province) may ever see them. */
  unpublishedTitles: string[];
  /** A counter for unique names. */
  serial: () => number;
}

/** A valid 18-character mainland ID number (GB 11643 check digit). */
export function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] ?? 0), 0);
  return first17 + '10X98765432'[sum % 11];
}

const { REVIEW, DISPATCH, ACCEPT, START, COMPLETE } = NEED_STEPS;
const CREATE_TEAM = 'mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id version } } }';
const INVITE = 'mutation ($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) { membership { status } } }';
const APPLY = 'mutation ($input: ApplyToTeamInput!) { applyToTeam(input: $input) { membership { status } } }';
const CREATE_ACTIVITY = 'mutation ($input: CreateActivityInput!) { createActivity(input: $input) { activity { id version } } }';
const ACTIVITY_STEP = (m: string) => `mutation ($input: ${m.charAt(0).toUpperCase() + m.slice(1)}Input!) { ${m}(input: $input) { activity { id version } } }`;
const PARTICIPATE = (m: string) =>
  `mutation ($input: ${m.charAt(0).toUpperCase() + m.slice(1)}Input!) { ${m}(input: $input) { participation { totalHours } } }`;
const UPDATE_ORG = 'mutation ($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } } }';
const CREATE_ORG = 'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id version } } }';

const CREATE_PARTNER = 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id version } } }';
/** The partner caller's platform (its contact name is the personal data of the Partner rows). */
export const MATRIX_PARTNER = {
  clientId: 'mx-partner',
  nameHant: '矩陣夥伴平台',
  nameHans: '矩阵伙伴平台',
  nameEn: 'Matrix Partner Platform',
  regionCode: '81',
  contactName: '矩阵伙伴联络人',
  contactEmail: 'contact@mx-partner.example',
  contactPhone: '91230001',
  consentTermsVersion: '2026-11',
};

/** Creates the world (about 60 requests). */
export async function seedWorld(app: TestApp): Promise<World> {
  let n = 0;
  const serial = () => ++n;
  const tree = await createOrgTree(app);
  const admin = (org: string, sub: string) => app.token({ roles: ['ORG_ADMIN'], org, sub });
  const expertSub = 'mx-expert-self';
  const otherSub = 'mx-expert-other';
  const phone = '13866660001';
  const id18 = idNumber('44010319800101123');
  const register = async (sub: string, input: Record<string, unknown>) =>
    ok(await app.gql(REGISTER_EXPERT, { input: makeExpertInput(input) }, await app.token({ roles: ['EXPERT'], sub }))).registerExpert.expert.id as string;
  const expertId = await register(expertSub, {
    name: '矩阵专家',
    phone,
    idNumber: id18,
    organizationId: tree.liwan,
    regionCode: '440103',
    maxOpenAssignments: 50,
  });
  const otherId = await register(otherSub, {
    name: '深圳专家',
    phone: '13866660002',
    organizationId: tree.shenzhen,
    regionCode: '440304',
    domains: ['FORESTRY'],
    keywords: ['松树'],
  });
  // The partner caller's platform: a partner token is refused unless its partner record exists and is ACTIVE.
  ok(await app.gql(CREATE_PARTNER, { input: { ...MATRIX_PARTNER, quotaPerMinute: 100_000 } }, tree.admin));
  const tokens: Record<Caller, string | null> = {
    anonymous: null,
    requester: await app.token({ roles: ['REQUESTER'], sub: 'mx-requester' }),
    otherRequester: await app.token({ roles: ['REQUESTER'], sub: 'mx-other-requester' }),
    expertSelf: await app.token({ roles: ['EXPERT'], sub: expertSub, expert: expertId }),
    expertOther: await app.token({ roles: ['EXPERT'], sub: otherSub, expert: otherId }),
    adminOwn: await admin(tree.liwan, 'mx-admin-liwan'),
    adminParent: await admin(tree.guangzhou, 'mx-admin-guangzhou'),
    adminChild: await admin(tree.shamian, 'mx-admin-shamian'),
    adminSibling: await admin(tree.shenzhen, 'mx-admin-shenzhen'),
    province: tree.admin,
    partner: await app.token({ roles: ['PARTNER'], partner: 'mx-partner' }),
  };
  const own = tokens.adminOwn as string;
  ok(await app.gql(UPDATE_ORG, { input: { id: tree.liwan, version: 1, contactName: '荔湾联络员' } }, tree.admin));
  const self = tokens.expertSelf as string;
  const requester = tokens.requester as string;
  const as = async (token: string, query: string, input: Record<string, unknown>) => ok(await app.gql(query, { input }, token));

  const team = (await as(own, CREATE_TEAM, { organizationId: tree.liwan, name: '矩阵队', actions: ['RURAL_REVITALIZATION'], leaderExpertId: expertId }))
    .createTeam.team.id as string;
  await addMember(app, team, expertId, own, self);
  const subTeam = (await as(own, CREATE_TEAM, { organizationId: tree.liwan, name: '矩阵分队', actions: ['RURAL_REVITALIZATION'], parentTeamId: team }))
    .createTeam.team.id as string;
  const pendingTeam = (await as(own, CREATE_TEAM, { organizationId: tree.liwan, name: '邀请中的队', actions: ['POPULAR_SCIENCE'] })).createTeam.team
    .id as string;
  await as(own, INVITE, { teamId: pendingTeam, expertId });
  const sibling = tokens.adminSibling as string;
  const siblingTeam = (await as(sibling, CREATE_TEAM, { organizationId: tree.shenzhen, name: '深圳队', actions: ['POPULAR_SCIENCE'] })).createTeam.team
    .id as string;
  await as(sibling, INVITE, { teamId: siblingTeam, expertId });

  const submit = async (title: string, overrides: Record<string, unknown> = {}) =>
    (await as(requester, SUBMIT_NEED, makeNeedInput({ title, regionCode: '440103', ...overrides }))).submitNeed.need as { id: string; version: number };
  const needSubmitted = await submit('矩阵未发布需求');
  // Guangzhou's, not Liwan's: an expert employed by the requester's organization is never matched to it.
  const requesterInput = { kind: 'ENTERPRISE', name: '荔枝合作社', organizationId: tree.guangzhou, contactName: '张经理', contactPhone: '13866660003' };
  const open = await submit('矩阵已发布需求', { requester: requesterInput });
  await as(own, REVIEW, { id: open.id, version: open.version, approve: true });
  const served = await submit('矩阵派单需求');
  const approved = (await as(own, REVIEW, { id: served.id, version: served.version, approve: true })).reviewNeed.need;
  const dispatched = (await as(own, DISPATCH, { id: served.id, version: approved.version, expertIds: [expertId], teamId: team })).dispatchNeed.need;
  await as(self, ACCEPT, { id: served.id, version: dispatched.version });
  await app.settle();

  const workstation = (
    await as(own, 'mutation ($input: CreateWorkstationInput!) { createWorkstation(input: $input) { workstation { id } } }', {
      organizationId: tree.liwan,
      kind: 'EXPERT_SERVICE',
      name: '矩阵服务站',
      host: { kind: 'VILLAGE', name: '荔枝村' },
      regionCode: '440103',
      residentExpertIds: [expertId],
    })
  ).createWorkstation.workstation.id as string;
  const created = (
    await as(own, CREATE_ACTIVITY, makeActivityInput(tree.liwan, { teamId: team, workstationId: workstation, needIds: [needSubmitted.id, open.id] }))
  ).createActivity.activity;
  await as(own, PARTICIPATE('signUpActivity'), { activityId: created.id, expertId });
  const started = (await as(own, ACTIVITY_STEP('startActivity'), { id: created.id, version: created.version })).startActivity.activity;
  await as(own, 'mutation ($input: RecordManualHoursInput!) { recordManualHours(input: $input) { participation { totalHours } } }', {
    activityId: created.id,
    expertId,
    hours: 2,
    note: '备课',
  });
  await as(own, 'mutation ($input: CompleteActivityInput!) { completeActivity(input: $input) { activity { id } } }', {
    id: created.id,
    version: started.version,
    beneficiaries: 30,
    outcome: '培训三十人',
  });

  const project = (
    await as(own, 'mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }', {
      organizationId: tree.liwan,
      title: '矩阵项目',
      action: 'RURAL_REVITALIZATION',
      regionCode: '440103',
      needIds: [needSubmitted.id, open.id],
      expertIds: [expertId],
      teamId: team,
    })
  ).createProject.project.id as string;
  const pairing = (
    await as(own, 'mutation ($input: CreatePairingInput!) { createPairing(input: $input) { pairing { id } } }', {
      organizationId: tree.liwan,
      regionCode: '440103',
      expertId,
      projectId: project,
      teamId: team,
      helpedEnterprise: { name: '荔枝合作社', organizationId: tree.liwan },
      industry: '荔枝种植',
      talents: [{ name: '矩阵专家', expertId }],
    })
  ).createPairing.pairing.id as string;
  await as(own, 'mutation ($input: AddPairingFollowUpInput!) { addPairingFollowUp(input: $input) { pairing { id } } }', {
    pairingId: pairing,
    date: '2026-11-02',
    outcome: '第一次回访',
  });
  const technology = (
    await as(own, 'mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id } } }', {
      organizationId: tree.liwan,
      title: '荔枝保鲜技术',
      domains: ['AGRICULTURE'],
      keywords: ['荔枝'],
      maturity: 'MATURE',
      transferModes: ['LICENSE'],
      regionCode: '440103',
      contactName: '王工',
      contactPhone: '13866660004',
    })
  ).createTechnology.technology.id as string;
  const CREATE_CAMPAIGN = 'mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }';
  const campaign = (await as(tree.admin, CREATE_CAMPAIGN, { name: '矩阵行动', startDate: '2026-09-15' })).createCampaign.campaign.id as string;
  await as(own, 'mutation ($input: SubmitPlanInput!) { submitPlan(input: $input) { plan { late } } }', {
    campaignId: campaign,
    organizationId: tree.liwan,
    content: '荔湾方案',
  });
  const NOMINATE = 'mutation ($input: NominateInput!) { nominate(input: $input) { nomination { id } } }';
  await as(own, NOMINATE, { organizationId: tree.liwan, category: 'PERSON', expertId, citation: '服务百小时' });
  await as(own, NOMINATE, { organizationId: tree.liwan, category: 'TEAM', teamId: team, citation: '先进队伍' });
  // Liwan's admin reads the subject's phone in full: an audit line in the subject's myData.dataReads.
  ok(await app.gql(`{ expert(id: "${expertId}") { phone } }`, {}, own));
  const accessUser = 'mx-access-user';
  await as(tree.admin, 'mutation ($input: SetUserAccessInput!) { setUserAccess(input: $input) { access { userId } } }', {
    userId: accessUser,
    disabled: false,
  });

  return {
    app,
    tree,
    tokens,
    expert: { id: expertId, sub: expertSub, phone, idNumber: id18 },
    otherExpert: { id: otherId },
    own: { expertSelf: [phone, id18], expertOther: ['13866660002'] },
    team,
    subTeam,
    pendingTeam,
    siblingTeam,
    needSubmitted: { id: needSubmitted.id, title: '矩阵未发布需求' },
    needOpen: { id: open.id, title: '矩阵已发布需求' },
    needServed: { id: served.id },
    activity: created.id as string,
    workstation,
    project,
    pairing,
    technology,
    campaign,
    accessUser,
    secrets: { phones: [phone, '13866660002', '13866660003', '13866660004', '13911112222', '13800138000'], idNumber: id18 },
    unpublishedTitles: ['矩阵未发布需求'],
    serial,
  };
}

/**
 * Matches an opened need as the stream function does on its record. Not by draining the stream: by the time a cell
 * needs it, the matrix table's stream holds every earlier row's need changes, and draining would match them all first
 * (over 400 s for the grabNeed row in a clean-clone CI run).
 */
async function matchNow(w: World, needId: string): Promise<void> {
  const repos = createRepositories(w.app.deps.store);
  await matchAndStore(repos, await repos.needs.require(needId));
}

// ---- Fresh targets for mutations (each allowed cell gets its own, so cells do not disturb each other) ----

/** Fresh records in Liwan, created by Liwan's admin (or the requester, for needs). */
export const fresh = {
  organization: async (w: World): Promise<{ id: string; version: number }> => {
    const input = { kind: 'ENTERPRISE_ASSOCIATION', name: `矩阵企业科协${w.serial()}`, regionCode: '440103', parentId: w.tree.liwan };
    return ok(await w.app.gql(CREATE_ORG, { input }, w.tokens.adminOwn)).createOrganization.organization;
  },
  team: async (w: World): Promise<{ id: string; version: number }> => {
    const input = { organizationId: w.tree.liwan, name: `矩阵临时队${w.serial()}`, actions: ['POPULAR_SCIENCE'] };
    return ok(await w.app.gql(CREATE_TEAM, { input }, w.tokens.adminOwn)).createTeam.team;
  },
  /** A team with the subject expert invited (pending). */
  invitedTeam: async (w: World): Promise<string> => {
    const team = await fresh.team(w);
    ok(await w.app.gql(INVITE, { input: { teamId: team.id, expertId: w.expert.id } }, w.tokens.adminOwn));
    return team.id;
  },
  /** A team the subject expert applied to (pending). */
  appliedTeam: async (w: World): Promise<string> => {
    const team = await fresh.team(w);
    ok(await w.app.gql(APPLY, { input: { teamId: team.id, expertId: w.expert.id } }, w.tokens.expertSelf));
    return team.id;
  },
  /** A team the subject expert is a member of. */
  memberTeam: async (w: World): Promise<string> => {
    const team = await fresh.team(w);
    await addMember(w.app, team.id, w.expert.id, w.tokens.adminOwn as string, w.tokens.expertSelf as string);
    return team.id;
  },
  /**
   * A need of the requester in Liwan driven to `status`: SUBMITTED, OPEN, DISPATCHED (to the subject
   * expert), ACCEPTED, IN_SERVICE or COMPLETED; `matched` waits for the stream to match it (to the subject expert).
   */
  need: async (
    w: World,
    status: 'SUBMITTED' | 'OPEN' | 'DISPATCHED' | 'ACCEPTED' | 'IN_SERVICE' | 'COMPLETED',
    matched = false,
  ): Promise<{ id: string; version: number }> => {
    const { app, tokens } = w;
    const steps = ['SUBMITTED', 'OPEN', 'DISPATCHED', 'ACCEPTED', 'IN_SERVICE', 'COMPLETED'];
    const reach = steps.indexOf(status);
    let need = ok(await app.gql(SUBMIT_NEED, { input: makeNeedInput({ title: `矩阵临时需求${w.serial()}`, regionCode: '440103' }) }, tokens.requester))
      .submitNeed.need as { id: string; version: number };
    const step = async (query: string, field: string, token: string | null, input: Record<string, unknown> = {}) => {
      need = ok(await app.gql(query, { input: { id: need.id, version: need.version, ...input } }, token))[field].need;
    };
    if (reach >= 1) {
      await step(REVIEW, 'reviewNeed', tokens.adminOwn, { approve: true });
      if (matched) await matchNow(w, need.id);
    }
    if (reach >= 2) await step(DISPATCH, 'dispatchNeed', tokens.adminOwn, { expertIds: [w.expert.id] });
    if (reach >= 3) await step(ACCEPT, 'acceptNeed', tokens.expertSelf);
    if (reach >= 4) await step(START, 'startNeedService', tokens.expertSelf);
    if (reach >= 5) await step(COMPLETE, 'completeNeed', tokens.expertSelf, { outcome: '已解决' });
    return need;
  },
  /** An activity of Liwan: PLANNED, ONGOING, or ONGOING with the subject expert signed up (and checked in). */
  activity: async (w: World, state: 'PLANNED' | 'ONGOING' | 'SIGNED_UP' | 'CHECKED_IN' = 'PLANNED'): Promise<{ id: string; version: number }> => {
    const { app, tokens } = w;
    let activity = ok(await app.gql(CREATE_ACTIVITY, { input: makeActivityInput(w.tree.liwan, { title: `矩阵临时活动${w.serial()}` }) }, tokens.adminOwn))
      .createActivity.activity as { id: string; version: number };
    if (state === 'SIGNED_UP' || state === 'CHECKED_IN') {
      ok(await app.gql(PARTICIPATE('signUpActivity'), { input: { activityId: activity.id, expertId: w.expert.id } }, tokens.adminOwn));
    }
    if (state !== 'PLANNED') {
      activity = ok(await app.gql(ACTIVITY_STEP('startActivity'), { input: activity }, tokens.adminOwn)).startActivity.activity;
    }
    if (state === 'CHECKED_IN') {
      ok(await app.gql(PARTICIPATE('checkIn'), { input: { activityId: activity.id, expertId: w.expert.id } }, tokens.adminOwn));
    }
    return activity;
  },
  workstation: async (w: World): Promise<{ id: string; version: number }> => {
    const input = {
      organizationId: w.tree.liwan,
      kind: 'EXPERT_SERVICE',
      name: `矩阵临时站${w.serial()}`,
      host: { kind: 'VILLAGE', name: '荔枝村' },
      regionCode: '440103',
    };
    const q = 'mutation ($input: CreateWorkstationInput!) { createWorkstation(input: $input) { workstation { id version } } }';
    return ok(await w.app.gql(q, { input }, w.tokens.adminOwn)).createWorkstation.workstation;
  },
  technology: async (w: World): Promise<{ id: string; version: number }> => {
    const input = {
      organizationId: w.tree.liwan,
      title: `矩阵临时技术${w.serial()}`,
      domains: ['FORESTRY'],
      maturity: 'PILOT',
      transferModes: ['SERVICE'],
      regionCode: '440103',
    };
    const q = 'mutation ($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id version } } }';
    return ok(await w.app.gql(q, { input }, w.tokens.adminOwn)).createTechnology.technology;
  },
  project: async (w: World): Promise<{ id: string; version: number }> => {
    const input = { organizationId: w.tree.liwan, title: `矩阵临时项目${w.serial()}`, action: 'POPULAR_SCIENCE', regionCode: '440103' };
    const q = 'mutation ($input: CreateProjectInput!) { createProject(input: $input) { project { id version } } }';
    return ok(await w.app.gql(q, { input }, w.tokens.adminOwn)).createProject.project;
  },
  pairing: async (w: World): Promise<{ id: string; version: number }> => {
    const input = {
      organizationId: w.tree.liwan,
      regionCode: '440103',
      expertId: w.expert.id,
      helpedEnterprise: { name: `矩阵企业${w.serial()}` },
      industry: '荔枝',
    };
    const q = 'mutation ($input: CreatePairingInput!) { createPairing(input: $input) { pairing { id version } } }';
    return ok(await w.app.gql(q, { input }, w.tokens.adminOwn)).createPairing.pairing;
  },
  nomination: async (w: World): Promise<{ id: string; version: number }> => {
    const input = { organizationId: w.tree.liwan, category: 'CASE', caseTitle: `矩阵案例${w.serial()}`, citation: '典型案例' };
    return ok(await w.app.gql('mutation ($input: NominateInput!) { nominate(input: $input) { nomination { id version } } }', { input }, w.tokens.adminOwn))
      .nominate.nomination;
  },
  /**
   * A stand-in for `caller` when the cell's target is the caller itself (deleteMyAccount): a new requester,
   * or a new expert registered in the caller's organization, with a token of the same roles.
   */
  standIn: async (w: World, caller: Caller): Promise<string> => {
    const sub = `mx-stand-in-${w.serial()}`;
    if (caller !== 'expertSelf' && caller !== 'expertOther') return w.app.token({ roles: ['REQUESTER'], sub });
    const organizationId = caller === 'expertSelf' ? w.tree.liwan : w.tree.shenzhen;
    const input = makeExpertInput({ name: '替身专家', organizationId, regionCode: caller === 'expertSelf' ? '440103' : '440304' });
    const token = await w.app.token({ roles: ['EXPERT'], sub });
    const id = ok(await w.app.gql(REGISTER_EXPERT, { input }, token)).registerExpert.expert.id as string;
    return w.app.token({ roles: ['EXPERT'], sub, expert: id });
  },
  campaign: async (w: World): Promise<string> => {
    const input = { name: `矩阵临时行动${w.serial()}`, startDate: '2026-09-15' };
    return ok(await w.app.gql('mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }', { input }, w.tokens.province))
      .createCampaign.campaign.id;
  },
};

/** Reads something as the province (snapshots of refused mutations). */
export const asProvince = async (w: World, query: string, variables: Record<string, unknown> = {}): Promise<Data> =>
  ok(await w.app.gql(query, variables, w.tokens.province));
