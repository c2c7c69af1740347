import type { Data } from './testApp.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { makeActivityInput, makeExpertInput, makeNeedInput, nextPhone, ok } from './fixtures.js';
import { planNodeId, quarterlyReportNodeId } from '../../functions/lib/domain/nodeIds.js';
import {
  EXPERT_AND_ADMINS,
  MANAGERS,
  PROVINCE_ONLY,
  PUBLIC,
  PUBLISHED_NEED_READERS,
  SELF_ONLY,
  SIGNED_IN,
  asProvince,
  fresh,
  outcomes,
  MATRIX_PARTNER,
  type Caller,
  type Expectation,
  type World,
} from './accessMatrix.js';

/**
 * The rows of the access matrix (see accessMatrix.ts). A read row is one query and a probe for the
 * subject in the answer; a mutation row builds its input (a fresh target for each allowed caller, one
 * shared target for the refused ones) and a snapshot that the refused callers must leave unchanged.
 * To add a field to the schema, add its row here: the matrix test names every field without one.
 */

/** A query cell: `probe` finds the subject in `data` (ok when present, omitted when absent or empty). */
export interface ReadRow {
  field: string;
  /** Another path to the same field (a second row of it). */
  variant?: string;
  query: (w: World) => string;
  probe: (d: Data, w: World) => unknown;
  expect: Expectation;
  /** clear/masked rows: the whole value. */
  secret?: (w: World) => string;
}

/** A mutation cell: the payload is the probe. */
export interface MutationRow {
  field: string;
  /** Its input: a fresh target per allowed caller; `null` asks for the one target the refused callers share. */
  input: (w: World, caller: Caller | null) => Promise<Record<string, unknown>>;
  /** Read as the province before and after the refused cells: equal, or a refusal changed something. */
  state: (w: World, input: Record<string, unknown>) => Promise<unknown>;
  expect: Expectation;
  /** Run alone, its allowed cells one by one: its cells (and its targets) change the subject expert's memberships or version. */
  exclusive?: boolean;
  /**
   * The token of an allowed cell, when the mutation's target is its caller (deleteMyAccount): a stand-in of
   * the same kind, so the world's callers survive the row.
   */
  standIn?: (w: World, caller: Caller) => Promise<string>;
}

/** The subscription row(s): subscribe over the WebSocket protocol; stored (ok) or refused. */
export interface SubscriptionRow {
  field: string;
  /** Another way of calling the same field (a second row of it). */
  variant?: string;
  query: string;
  variables: (w: World) => Record<string, unknown>;
  expect: Expectation;
  /** Who gets the next matching need (default: every caller the row lets subscribe). */
  delivered?: Caller[];
}

type Node = { id?: string; node?: Node } & Data;
/** The nodes of a list or connection (edges' nodes). */
const nodes = (v: unknown): Node[] => {
  if (!v || typeof v !== 'object') return [];
  const list = Array.isArray(v) ? (v as Node[]) : (((v as Data).edges as Node[] | undefined) ?? []);
  return list.map((e) => (e.node && !e.id ? e.node : e));
};
/** The node with `id` in a list or connection, or undefined. */
const find = (v: unknown, id: string) => nodes(v).find((n) => n.id === id);
/** The record with `id` among a search's hits, or undefined. */
const hit = (v: unknown, id: string) => nodes(v).find((h) => h.node?.id === id);

// ---- Shared documents ----------------------------------------------------------------------------

const need = (id: string, sel: string) => `{ need(id: "${id}") { id ${sel} } }`;
const expert = (w: World, sel: string) => `{ expert(id: "${w.expert.id}") { id ${sel} } }`;
const team = (id: string, sel: string) => `{ team(id: "${id}") { id ${sel} } }`;
const org = (id: string, sel: string) => `{ organization(id: "${id}") { id ${sel} } }`;
const activity = (w: World, sel: string) => `{ activity(id: "${w.activity}") { id ${sel} } }`;
const pairing = (w: World, sel: string) => `{ pairing(id: "${w.pairing}") { id ${sel} } }`;
const project = (w: World, sel: string) => `{ project(id: "${w.project}") { id ${sel} } }`;
const workstation = (w: World, sel: string) => `{ workstation(id: "${w.workstation}") { id ${sel} } }`;
const technology = (w: World, sel: string) => `{ technology(id: "${w.technology}") { id ${sel} } }`;
const proof = (w: World, sel: string) => `{ proofOfService(expertId: "${w.expert.id}", from: "2026-01-01", to: "2026-12-31") { ${sel} } }`;
const report = (w: World, sel: string) => `{ quarterlyReport(organizationId: "${w.tree.liwan}", quarter: "2026Q4") { ${sel} } }`;
const nominations = (w: World, sel: string) => `{ nominations(organizationId: "${w.tree.liwan}", first: 100) { edges { node { id category ${sel} } } } }`;
const plan = (w: World, sel: string) => org(w.tree.liwan, `plan(campaignId: "${w.campaign}") { ${sel} }`);
const matched = (w: World, sel: string) => expert(w, `matchedNeeds(first: 100) { edges { node { ${sel} } } }`);

/** A partner platform's record: the province, and the partner itself. */
const PARTNER_READERS = outcomes('FORBIDDEN', { province: 'ok', partner: 'ok' });
/** myData: every signed-in person reads its own (partners have none), so only the subject expert finds itself in it. */
const MY_DATA = outcomes('omitted', { expertSelf: 'ok', partner: 'FORBIDDEN' });
/** A personal-data scalar of myData: the subject's in full for the subject, nobody else's answer holds it. */
const MY_DATA_SECRET = outcomes('masked', { expertSelf: 'clear', partner: 'FORBIDDEN' });
/** Users who may not erase themselves (admins, a partner): their access records stay as they were. */
const REFUSED_ERASERS = ['mx-admin-liwan', 'mx-admin-guangzhou', 'mx-admin-shamian', 'mx-admin-shenzhen', 'mx-partner'];
const record = (w: World, sel: string) => expert(w, `serviceRecord { participations { ${sel} } }`);

/** Readers of the unpublished need: its requester and the admins of its subtree; lists leave it out for the others. */
const UNPUBLISHED_IN_LIST = outcomes('omitted', { requester: 'ok', adminOwn: 'ok', adminParent: 'ok', province: 'ok' });
const UNPUBLISHED_READERS = outcomes('FORBIDDEN', { requester: 'ok', adminOwn: 'ok', adminParent: 'ok', province: 'ok' });
/** Personal data: whole for the callers in `clear`, masked for the other readers; the base's refusals stay. */
const personal = (clear: Caller[], base: Expectation = SIGNED_IN): Expectation =>
  Object.fromEntries(Object.entries(base).map(([c, o]) => [c, o !== 'ok' ? o : clear.includes(c as Caller) ? 'clear' : 'masked'])) as Expectation;
const ADMINS: Caller[] = ['adminOwn', 'adminParent', 'province'];

/** Partner operations: a PARTNER token with the operation's OAuth scope only (the matrix's partner token has no scope). */
const PARTNER_SCOPED = outcomes('FORBIDDEN');
/** One expert as a partner would sync it (the refused callers' shared input). */
const PARTNER_EXPERT_ITEM = {
  externalId: 'MX-1',
  name: '矩阵港澳拒绝',
  title: 'PROFESSOR',
  domains: ['AGRICULTURE'],
  languages: ['CANTONESE'],
  phone: '+85261234567',
  consent: { listed: true, contactable: true, termsVersion: '2026-01' },
};
const PARTNER_EXPERT_LITERAL =
  '{ externalId: "MX-1", name: "矩阵港澳拒绝", title: PROFESSOR, domains: ["AGRICULTURE"], languages: [CANTONESE], phone: "+85261234567", ' +
  'consent: { listed: true, contactable: true, termsVersion: "2026-01" } }';
/** Hong Kong experts of the pool, as the province lists them (a refused sync or removal leaves them as they were). */
const HK_EXPERTS = '{ experts(filter: { origin: HONG_KONG }, first: 100) { edges { node { id name } } } }';
/** The objects `node`/`nodes` fetch in the matrix: each with the expectation of its own root query (or listing field). */
const NODE_TARGETS: Array<{ type: string; id: (w: World) => string; expect: Expectation }> = [
  { type: 'Organization', id: (w) => w.tree.liwan, expect: PUBLIC },
  { type: 'Campaign', id: (w) => w.campaign, expect: PUBLIC },
  { type: 'Region', id: () => '440103', expect: PUBLIC },
  { type: 'Domain', id: () => 'AGRICULTURE', expect: PUBLIC },
  { type: 'Expert', id: (w) => w.expert.id, expect: SIGNED_IN },
  { type: 'Team', id: (w) => w.team, expect: SIGNED_IN },
  { type: 'Need', id: (w) => w.needSubmitted.id, expect: UNPUBLISHED_READERS },
  { type: 'Activity', id: (w) => w.activity, expect: SIGNED_IN },
  { type: 'Technology', id: (w) => w.technology, expect: SIGNED_IN },
  { type: 'Project', id: (w) => w.project, expect: SIGNED_IN },
  { type: 'Pairing', id: (w) => w.pairing, expect: SIGNED_IN },
  { type: 'Workstation', id: (w) => w.workstation, expect: SIGNED_IN },
  { type: 'Plan', id: (w) => planNodeId(w.campaign, w.tree.liwan), expect: MANAGERS },
  { type: 'QuarterlyReport', id: (w) => quarterlyReportNodeId(w.tree.liwan, '2026Q4'), expect: MANAGERS },
];

/** One `node` and one `nodes` row per Node type. */
function nodeRows(): ReadRow[] {
  return NODE_TARGETS.flatMap(({ type, id, expect }) => [
    { field: 'Query.node', variant: `a ${type}`, query: (w: World) => `{ node(id: "${id(w)}") { __typename id } }`, probe: (d: Data) => d.node, expect },
    {
      field: 'Query.nodes',
      variant: `a ${type}`,
      query: (w: World) => `{ nodes(ids: ["${id(w)}"]) { __typename id } }`,
      probe: (d: Data) => (d.nodes as unknown[] | undefined)?.[0],
      expect,
    },
  ]);
}

// ---- Queries and fields ------------------------------------------------------------------------

/** Queries, entity-returning fields and personal-data scalars. */
/**
 * Webhooks belong to partner platforms with the scope needs.read; the matrix's partner token carries no scope, so every
 * caller is refused (the partner with FORBIDDEN naming the scope). test/integration/webhooks.test.ts covers a partner
 * with the scope, and another partner's NOT_FOUND.
 */
const WEBHOOK_CALLERS = outcomes('FORBIDDEN');
/** A webhook of the matrix partner, written through the repository (no caller of the matrix may register one). */
async function matrixWebhook(w: World): Promise<string> {
  const now = new Date().toISOString();
  const id = `mx-webhook-${w.serial()}`;
  await createRepositories(w.app.deps.store).webhooks.create({
    id,
    partnerId: MATRIX_PARTNER.clientId,
    url: 'https://partner.example.hk/kezhi/hook',
    events: ['NEED_MATCHED'],
    secret: 'whsec_matrix',
    previousSecret: null,
    previousSecretExpiresAt: null,
    secretRotatedAt: null,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}
/** The matrix partner's webhook `id`, as stored (secrets included: a refused rotation must leave them as they were). */
const matrixWebhookState = (w: World, input: Record<string, unknown>) =>
  createRepositories(w.app.deps.store).webhooks.get(MATRIX_PARTNER.clientId, String(input.id));
const REGISTERED_URL = 'https://partner.example.hk/kezhi/registered';

export const readRows: ReadRow[] = [
  {
    field: 'Query.webhooks',
    query: () => '{ webhooks(first: 100) { edges { node { id url events } } } }',
    probe: (d) => nodes(d.webhooks)[0],
    expect: WEBHOOK_CALLERS,
  },
  {
    field: 'Query.webhookDeliveries',
    query: () => '{ webhookDeliveries(first: 100) { edges { node { id status payload attempts { at httpStatus } } } } }',
    probe: (d) => nodes(d.webhookDeliveries)[0],
    expect: WEBHOOK_CALLERS,
  },
  // Query
  { field: 'Query.me', query: () => '{ me { kind } }', probe: (d) => d.me, expect: PUBLIC },
  { field: 'Query.domains', query: () => '{ domains { code } }', probe: (d) => d.domains, expect: PUBLIC },
  { field: 'Query.region', query: () => '{ region(code: "440103") { code } }', probe: (d) => d.region, expect: PUBLIC },
  { field: 'Query.regions', query: () => '{ regions { code } }', probe: (d) => d.regions, expect: PUBLIC },
  { field: 'Query.organization', query: (w) => org(w.tree.liwan, 'name'), probe: (d) => d.organization, expect: PUBLIC },
  {
    field: 'Query.organizations',
    query: () => '{ organizations(filter: { regionCode: "440103" }, first: 100) { edges { node { id } } } }',
    probe: (d, w) => find(d.organizations, w.tree.liwan),
    expect: PUBLIC,
  },
  { field: 'Query.campaign', query: (w) => `{ campaign(id: "${w.campaign}") { id } }`, probe: (d) => d.campaign, expect: PUBLIC },
  {
    field: 'Query.campaigns',
    query: () => '{ campaigns(first: 100) { edges { node { id } } } }',
    probe: (d, w) => find(d.campaigns, w.campaign),
    expect: PUBLIC,
  },
  { field: 'Query.expert', query: (w) => expert(w, 'name'), probe: (d) => d.expert, expect: SIGNED_IN },
  {
    field: 'Query.experts',
    query: () => '{ experts(filter: { regionCode: "440103", domain: "AGRICULTURE" }, first: 100) { edges { node { id } } } }',
    probe: (d, w) => find(d.experts, w.expert.id),
    expect: SIGNED_IN,
  },
  { field: 'Query.team', query: (w) => team(w.team, 'name'), probe: (d) => d.team, expect: SIGNED_IN },
  { field: 'Query.need', query: (w) => need(w.needSubmitted.id, 'title status'), probe: (d) => d.need, expect: UNPUBLISHED_READERS },
  {
    field: 'Query.needs',
    query: () => '{ needs(first: 100) { edges { node { id title } } } }',
    probe: (d, w) => find(d.needs, w.needSubmitted.id),
    // Requesters browse published needs here and find their own with myNeeds.
    expect: { ...UNPUBLISHED_IN_LIST, requester: 'omitted' },
  },
  {
    field: 'Query.myNeeds',
    query: () => '{ myNeeds(first: 100) { edges { node { id title } } } }',
    probe: (d, w) => find(d.myNeeds, w.needSubmitted.id),
    expect: outcomes('omitted', { requester: 'ok' }),
  },
  {
    field: 'Query.search',
    query: (w) => `{ search(query: "${w.needSubmitted.title}", types: [NEED], first: 100) { edges { node { node { ... on Need { id } } } } } }`,
    probe: (d, w) => hit(d.search, w.needSubmitted.id),
    // What `needs` lists, found by text: the same scope.
    expect: { ...UNPUBLISHED_IN_LIST, requester: 'omitted' },
  },
  {
    field: 'Query.search',
    variant: 'an expert by name',
    query: () => '{ search(query: "矩阵专家", types: [EXPERT], regionCode: "440103", first: 100) { edges { node { node { ... on Expert { id } } } } } }',
    probe: (d, w) => hit(d.search, w.expert.id),
    expect: SIGNED_IN,
  },
  { field: 'Query.activity', query: (w) => activity(w, 'title'), probe: (d) => d.activity, expect: SIGNED_IN },
  {
    field: 'Query.activities',
    query: (w) => `{ activities(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { id } } } }`,
    probe: (d, w) => find(d.activities, w.activity),
    expect: SIGNED_IN,
  },
  { field: 'Query.proofOfService', query: (w) => proof(w, 'person totalHours'), probe: (d) => nodes(d.proofOfService)[0], expect: EXPERT_AND_ADMINS },
  { field: 'Query.quarterlyReport', query: (w) => report(w, 'quarter figures { total { activities } }'), probe: (d) => d.quarterlyReport, expect: MANAGERS },
  {
    field: 'Query.overduePlans',
    query: (w) => `{ overduePlans(organizationId: "${w.tree.liwan}", campaignId: "${w.campaign}", asOf: "2026-12-31") { id } }`,
    probe: (d, w) => find(d.overduePlans, w.tree.shamian),
    expect: MANAGERS,
  },
  {
    field: 'Query.lateReports',
    query: (w) => `{ lateReports(organizationId: "${w.tree.liwan}", quarter: "2026Q3", asOf: "2026-12-31") { id } }`,
    probe: (d, w) => find(d.lateReports, w.tree.shamian),
    expect: MANAGERS,
  },
  { field: 'Query.nominations', query: (w) => nominations(w, 'citation'), probe: (d) => nodes(d.nominations)[0], expect: MANAGERS },
  // Partner platforms: the province, and the partner caller for its own record.
  {
    field: 'Query.partners',
    query: () => '{ partners(first: 100) { edges { node { id } } } }',
    probe: (d) => find(d.partners, MATRIX_PARTNER.clientId),
    expect: PROVINCE_ONLY,
  },
  { field: 'Query.partner', query: () => `{ partner(id: "${MATRIX_PARTNER.clientId}") { id } }`, probe: (d) => d.partner, expect: PARTNER_READERS },
  { field: 'Query.myPartner', query: () => '{ myPartner { id } }', probe: (d) => d.myPartner, expect: outcomes('FORBIDDEN', { partner: 'ok' }) },
  {
    field: 'Partner.contactName',
    query: () => `{ partner(id: "${MATRIX_PARTNER.clientId}") { id contactName } }`,
    probe: (d) => d.partner?.contactName,
    secret: () => MATRIX_PARTNER.contactName,
    expect: outcomes('FORBIDDEN', { province: 'clear', partner: 'clear' }),
  },
  {
    field: 'Partner.contactPhone',
    query: () => `{ partner(id: "${MATRIX_PARTNER.clientId}") { id contactPhone } }`,
    probe: (d) => d.partner?.contactPhone,
    secret: () => MATRIX_PARTNER.contactPhone,
    expect: outcomes('FORBIDDEN', { province: 'clear', partner: 'clear' }),
  },
  {
    field: 'Query.userAccess',
    query: (w) => `{ userAccess(userId: "${w.accessUser}") { userId disabled } }`,
    probe: (d) => d.userAccess,
    expect: PROVINCE_ONLY,
  },
  { field: 'Query.technology', query: (w) => technology(w, 'title'), probe: (d) => d.technology, expect: SIGNED_IN },
  {
    field: 'Query.technologies',
    query: () => '{ technologies(filter: { regionCode: "440103" }, first: 100) { edges { node { id } } } }',
    probe: (d, w) => find(d.technologies, w.technology),
    expect: SIGNED_IN,
  },
  { field: 'Query.project', query: (w) => project(w, 'title'), probe: (d) => d.project, expect: SIGNED_IN },
  {
    field: 'Query.projects',
    query: (w) => `{ projects(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { id } } } }`,
    probe: (d, w) => find(d.projects, w.project),
    expect: SIGNED_IN,
  },
  { field: 'Query.pairing', query: (w) => pairing(w, 'industry'), probe: (d) => d.pairing, expect: SIGNED_IN },
  {
    field: 'Query.pairings',
    query: (w) => `{ pairings(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { id } } } }`,
    probe: (d, w) => find(d.pairings, w.pairing),
    expect: SIGNED_IN,
  },
  { field: 'Query.workstation', query: (w) => workstation(w, 'name'), probe: (d) => d.workstation, expect: SIGNED_IN },
  {
    field: 'Query.workstations',
    query: () => '{ workstations(filter: { regionCode: "440103" }, first: 100) { edges { node { id } } } }',
    probe: (d, w) => find(d.workstations, w.workstation),
    expect: SIGNED_IN,
  },

  // node and nodes: each type under the rule of its own root query (or of the field that lists it)
  ...nodeRows(),

  // Activity, its participations, proofs of service
  {
    field: 'Activity.needs',
    query: (w) => activity(w, 'needs { id title }'),
    probe: (d, w) => find(d.activity?.needs, w.needSubmitted.id),
    expect: UNPUBLISHED_IN_LIST,
  },
  { field: 'Activity.organization', query: (w) => activity(w, 'organization { id }'), probe: (d) => d.activity?.organization, expect: SIGNED_IN },
  { field: 'Activity.team', query: (w) => activity(w, 'team { id }'), probe: (d) => d.activity?.team, expect: SIGNED_IN },
  { field: 'Activity.workstation', query: (w) => activity(w, 'workstation { id }'), probe: (d) => d.activity?.workstation, expect: SIGNED_IN },
  {
    field: 'Activity.participants',
    query: (w) => activity(w, 'participants { totalHours expert { id } }'),
    probe: (d) => nodes(d.activity?.participants)[0],
    expect: MANAGERS,
  },
  {
    field: 'Participation.activity',
    query: (w) => record(w, 'activity { id }'),
    probe: (d) => nodes(d.expert?.serviceRecord?.participations)[0]?.activity,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'Participation.expert',
    query: (w) => record(w, 'expert { id }'),
    probe: (d) => nodes(d.expert?.serviceRecord?.participations)[0]?.expert,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'ServiceRecord.participations',
    query: (w) => record(w, 'totalHours'),
    probe: (d) => nodes(d.expert?.serviceRecord?.participations)[0],
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'ProofOfService.issuedBy',
    query: (w) => proof(w, 'issuedBy { id }'),
    probe: (d) => nodes(d.proofOfService)[0]?.issuedBy,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'ProofEntry.activity',
    query: (w) => proof(w, 'entries { activity { id } }'),
    probe: (d) => nodes(d.proofOfService)[0]?.entries?.[0]?.activity,
    expect: EXPERT_AND_ADMINS,
  },

  // Partner platforms (issue 11): refused to all but a partner token with the scope (the matrix's partner has none).
  {
    field: 'Query.partnerExperts',
    query: () => '{ partnerExperts(first: 100) { edges { node { id } } } }',
    probe: (d) => d.partnerExperts,
    expect: PARTNER_SCOPED,
  },
  { field: 'Query.partnerExpert', query: () => '{ partnerExpert(externalId: "MX-1") { id } }', probe: (d) => d.partnerExpert, expect: PARTNER_SCOPED },
  {
    field: 'Query.partnerMatches',
    query: () => '{ partnerMatches(first: 100) { edges { node { score need { id } expert { id } } } } }',
    probe: (d) => d.partnerMatches,
    expect: PARTNER_SCOPED,
  },
  {
    field: 'PartnerExpertSyncResult.expert',
    query: () => `mutation { syncPartnerExperts(input: { experts: [${PARTNER_EXPERT_LITERAL}] }) { results { status expert { id } } } }`,
    probe: (d) => d.syncPartnerExperts?.results?.[0]?.expert,
    expect: PARTNER_SCOPED,
  },

  // Expert
  { field: 'Expert.organization', query: (w) => expert(w, 'organization { id }'), probe: (d) => d.expert?.organization, expect: SIGNED_IN },
  { field: 'Expert.teams', query: (w) => expert(w, 'teams { edges { node { id } } }'), probe: (d, w) => find(d.expert?.teams, w.team), expect: SIGNED_IN },
  { field: 'Expert.matchedNeeds', query: (w) => matched(w, 'score'), probe: (d) => nodes(d.expert?.matchedNeeds)[0], expect: EXPERT_AND_ADMINS },
  {
    field: 'Expert.pendingMemberships',
    query: (w) => expert(w, 'pendingMemberships { edges { node { status } } }'),
    probe: (d) => nodes(d.expert?.pendingMemberships)[0],
    expect: SELF_ONLY,
  },
  { field: 'Expert.serviceRecord', query: (w) => expert(w, 'serviceRecord { totalHours }'), probe: (d) => d.expert?.serviceRecord, expect: EXPERT_AND_ADMINS },
  { field: 'NeedMatch.need', query: (w) => matched(w, 'need { id }'), probe: (d) => nodes(d.expert?.matchedNeeds)[0]?.need, expect: EXPERT_AND_ADMINS },
  { field: 'NeedMatch.expert', query: (w) => matched(w, 'expert { id }'), probe: (d) => nodes(d.expert?.matchedNeeds)[0]?.expert, expect: EXPERT_AND_ADMINS },
  {
    field: 'Expert.phone',
    variant: 'through a pending invitation by another subtree (the probe of item 1)',
    query: (w) => team(w.siblingTeam, 'pendingMembers { edges { node { expert { id phone } } } }'),
    probe: (d) => nodes(d.team?.pendingMembers)[0]?.expert?.phone,
    secret: (w) => w.expert.phone,
    // Inviting widens nothing: Shenzhen's admin sees its invitee's phone masked until the expert accepts.
    expect: outcomes('FORBIDDEN', { adminSibling: 'masked', province: 'clear' }),
  },
  {
    field: 'Expert.phone',
    query: (w) => expert(w, 'phone'),
    probe: (d) => d.expert?.phone,
    secret: (w) => w.expert.phone,
    expect: personal(['expertSelf', ...ADMINS]),
  },

  // Need
  {
    field: 'Need.acceptedExperts',
    query: (w) => need(w.needServed.id, 'acceptedExperts { id }'),
    probe: (d, w) => find(d.need?.acceptedExperts, w.expert.id),
    expect: PUBLISHED_NEED_READERS,
  },
  {
    field: 'Need.dispatchedExperts',
    query: (w) => need(w.needServed.id, 'dispatchedExperts { id }'),
    probe: (d, w) => find(d.need?.dispatchedExperts, w.expert.id),
    expect: PUBLISHED_NEED_READERS,
  },
  {
    field: 'Need.dispatchedTeam',
    query: (w) => need(w.needServed.id, 'dispatchedTeam { id }'),
    probe: (d) => d.need?.dispatchedTeam,
    expect: PUBLISHED_NEED_READERS,
  },
  { field: 'Need.matches', query: (w) => need(w.needOpen.id, 'matches { score expert { id } }'), probe: (d) => nodes(d.need?.matches)[0], expect: MANAGERS },
  {
    field: 'Need.matchingTechnologies',
    query: (w) => need(w.needOpen.id, 'matchingTechnologies { score }'),
    probe: (d) => nodes(d.need?.matchingTechnologies)[0],
    expect: PUBLISHED_NEED_READERS,
  },
  {
    field: 'TechnologyMatch.technology',
    query: (w) => need(w.needOpen.id, 'matchingTechnologies { technology { id } }'),
    probe: (d, w) => nodes(d.need?.matchingTechnologies).find((m) => m.technology?.id === w.technology)?.technology,
    expect: PUBLISHED_NEED_READERS,
  },
  { field: 'Need.organization', query: (w) => need(w.needOpen.id, 'organization { id }'), probe: (d) => d.need?.organization, expect: PUBLISHED_NEED_READERS },
  { field: 'Need.requester', query: (w) => need(w.needOpen.id, 'requester { name }'), probe: (d) => d.need?.requester, expect: PUBLISHED_NEED_READERS },
  {
    field: 'Requester.organization',
    query: (w) => need(w.needOpen.id, 'requester { organization { id } }'),
    probe: (d) => d.need?.requester?.organization,
    expect: PUBLISHED_NEED_READERS,
  },
  {
    field: 'Requester.contactName',
    query: (w) => need(w.needOpen.id, 'requester { contactName }'),
    probe: (d) => d.need?.requester?.contactName,
    secret: () => '张经理',
    expect: personal(['requester', ...ADMINS], PUBLISHED_NEED_READERS),
  },
  {
    field: 'Requester.contactPhone',
    query: (w) => need(w.needOpen.id, 'requester { contactPhone }'),
    probe: (d) => d.need?.requester?.contactPhone,
    secret: () => '13866660003',
    expect: personal(['requester', ...ADMINS], PUBLISHED_NEED_READERS),
  },
  {
    field: 'NeedEvent.actorId',
    query: (w) => need(w.needOpen.id, 'history { action actorId }'),
    probe: (d) => nodes(d.need?.history).find((e) => e.action === 'APPROVE')?.actorId,
    secret: () => 'mx-admin-liwan',
    expect: personal(ADMINS, PUBLISHED_NEED_READERS),
  },

  // Organization, governance, recognition
  { field: 'Organization.parent', query: (w) => org(w.tree.liwan, 'parent { id }'), probe: (d) => d.organization?.parent, expect: PUBLIC },
  {
    field: 'Organization.children',
    query: (w) => org(w.tree.liwan, 'children { edges { node { id } } }'),
    probe: (d, w) => find(d.organization?.children, w.tree.shamian),
    expect: PUBLIC,
  },
  {
    field: 'Organization.teams',
    query: (w) => org(w.tree.liwan, 'teams(first: 100) { edges { node { id } } }'),
    probe: (d, w) => find(d.organization?.teams, w.team),
    expect: SIGNED_IN,
  },
  { field: 'Organization.plan', query: (w) => plan(w, 'content'), probe: (d) => d.organization?.plan, expect: MANAGERS },
  {
    field: 'Organization.contactName',
    query: (w) => org(w.tree.liwan, 'contactName'),
    probe: (d) => d.organization?.contactName,
    secret: () => '荔湾联络员',
    expect: personal(ADMINS, PUBLIC),
  },
  {
    field: 'Organization.contactPhone',
    query: (w) => org(w.tree.liwan, 'contactPhone'),
    probe: (d) => d.organization?.contactPhone,
    secret: () => '13800138000',
    expect: personal(ADMINS, PUBLIC),
  },
  { field: 'Plan.campaign', query: (w) => plan(w, 'campaign { id }'), probe: (d) => d.organization?.plan?.campaign, expect: MANAGERS },
  { field: 'Plan.organization', query: (w) => plan(w, 'organization { id }'), probe: (d) => d.organization?.plan?.organization, expect: MANAGERS },
  { field: 'QuarterlyReport.organization', query: (w) => report(w, 'organization { id }'), probe: (d) => d.quarterlyReport?.organization, expect: MANAGERS },
  {
    field: 'ChildFigures.organization',
    query: (w) => report(w, 'byChild { organization { id } }'),
    probe: (d, w) => nodes(d.quarterlyReport?.byChild).find((c) => c.organization?.id === w.tree.shamian),
    expect: MANAGERS,
  },
  {
    field: 'Nomination.organization',
    query: (w) => nominations(w, 'organization { id }'),
    probe: (d) => nodes(d.nominations)[0]?.organization,
    expect: MANAGERS,
  },
  {
    field: 'Nomination.expert',
    query: (w) => nominations(w, 'expert { id }'),
    probe: (d) => nodes(d.nominations).find((n) => n.category === 'PERSON')?.expert,
    expect: MANAGERS,
  },
  {
    field: 'Nomination.team',
    query: (w) => nominations(w, 'team { id }'),
    probe: (d) => nodes(d.nominations).find((n) => n.category === 'TEAM')?.team,
    expect: MANAGERS,
  },
  // The caller's own principal: its expert record and organization, nobody else's.
  {
    field: 'Principal.expert',
    query: () => '{ me { expert { id } } }',
    probe: (d) => d.me?.expert,
    // Each expert's own record (the other expert's too: it is its own).
    expect: outcomes('omitted', { expertSelf: 'ok', expertOther: 'ok', anonymous: 'omitted' }),
  },
  {
    field: 'Principal.organization',
    query: () => '{ me { organization { id } } }',
    probe: (d) => d.me?.organization,
    expect: outcomes('omitted', { adminOwn: 'ok', adminParent: 'ok', adminChild: 'ok', adminSibling: 'ok', anonymous: 'omitted' }),
  },

  // Team
  { field: 'Team.organization', query: (w) => team(w.team, 'organization { id }'), probe: (d) => d.team?.organization, expect: SIGNED_IN },
  { field: 'Team.leader', query: (w) => team(w.team, 'leader { id }'), probe: (d) => d.team?.leader, expect: SIGNED_IN },
  {
    field: 'Team.members',
    query: (w) => team(w.team, 'members { edges { node { id } } }'),
    probe: (d, w) => find(d.team?.members, w.expert.id),
    expect: SIGNED_IN,
  },
  {
    field: 'Team.subTeams',
    query: (w) => team(w.team, 'subTeams { edges { node { id } } }'),
    probe: (d, w) => find(d.team?.subTeams, w.subTeam),
    expect: SIGNED_IN,
  },
  { field: 'Team.parentTeam', query: (w) => team(w.subTeam, 'parentTeam { id }'), probe: (d) => d.team?.parentTeam, expect: SIGNED_IN },
  {
    field: 'Team.pendingMembers',
    query: (w) => team(w.pendingTeam, 'pendingMembers { edges { node { status } } }'),
    probe: (d) => nodes(d.team?.pendingMembers)[0],
    expect: MANAGERS,
  },
  {
    field: 'TeamMembership.team',
    query: (w) => team(w.pendingTeam, 'pendingMembers { edges { node { team { id } } } }'),
    probe: (d) => nodes(d.team?.pendingMembers)[0]?.team,
    expect: MANAGERS,
  },
  {
    field: 'TeamMembership.expert',
    query: (w) => team(w.pendingTeam, 'pendingMembers { edges { node { expert { id } } } }'),
    probe: (d) => nodes(d.team?.pendingMembers)[0]?.expert,
    expect: MANAGERS,
  },

  // Pools and workstations
  { field: 'Technology.organization', query: (w) => technology(w, 'organization { id }'), probe: (d) => d.technology?.organization, expect: SIGNED_IN },
  {
    field: 'Technology.contactName',
    query: (w) => technology(w, 'contactName'),
    probe: (d) => d.technology?.contactName,
    secret: () => '王工',
    expect: personal(ADMINS),
  },
  {
    field: 'Technology.contactPhone',
    query: (w) => technology(w, 'contactPhone'),
    probe: (d) => d.technology?.contactPhone,
    secret: () => '13866660004',
    expect: personal(ADMINS),
  },
  { field: 'Project.organization', query: (w) => project(w, 'organization { id }'), probe: (d) => d.project?.organization, expect: SIGNED_IN },
  { field: 'Project.team', query: (w) => project(w, 'team { id }'), probe: (d) => d.project?.team, expect: SIGNED_IN },
  { field: 'Project.experts', query: (w) => project(w, 'experts { id }'), probe: (d, w) => find(d.project?.experts, w.expert.id), expect: SIGNED_IN },
  {
    field: 'Project.needs',
    query: (w) => project(w, 'needs { id title }'),
    probe: (d, w) => find(d.project?.needs, w.needSubmitted.id),
    expect: UNPUBLISHED_IN_LIST,
  },
  { field: 'Pairing.organization', query: (w) => pairing(w, 'organization { id }'), probe: (d) => d.pairing?.organization, expect: SIGNED_IN },
  { field: 'Pairing.expert', query: (w) => pairing(w, 'expert { id }'), probe: (d) => d.pairing?.expert, expect: SIGNED_IN },
  { field: 'Pairing.project', query: (w) => pairing(w, 'project { id }'), probe: (d) => d.pairing?.project, expect: SIGNED_IN },
  { field: 'Pairing.team', query: (w) => pairing(w, 'team { id }'), probe: (d) => d.pairing?.team, expect: SIGNED_IN },
  {
    field: 'HelpedEnterprise.organization',
    query: (w) => pairing(w, 'helpedEnterprise { organization { id } }'),
    probe: (d) => d.pairing?.helpedEnterprise?.organization,
    expect: SIGNED_IN,
  },
  { field: 'Talent.expert', query: (w) => pairing(w, 'talents { expert { id } }'), probe: (d) => nodes(d.pairing?.talents)[0]?.expert, expect: SIGNED_IN },
  {
    field: 'PairingFollowUp.recordedBy',
    query: (w) => pairing(w, 'followUps { recordedBy }'),
    probe: (d) => nodes(d.pairing?.followUps)[0]?.recordedBy,
    secret: () => 'mx-admin-liwan',
    expect: personal(ADMINS),
  },
  { field: 'Workstation.organization', query: (w) => workstation(w, 'organization { id }'), probe: (d) => d.workstation?.organization, expect: SIGNED_IN },
  {
    field: 'Workstation.residentExperts',
    query: (w) => workstation(w, 'residentExperts { id }'),
    probe: (d, w) => find(d.workstation?.residentExperts, w.expert.id),
    expect: SIGNED_IN,
  },
  {
    field: 'Workstation.visits',
    query: (w) => workstation(w, 'visits { edges { node { id } } }'),
    probe: (d, w) => find(d.workstation?.visits, w.activity),
    expect: SIGNED_IN,
  },

  // The signed-in person's own data (PIPL): each caller gets its own, so only the subject finds the subject in it.
  {
    field: 'Query.myData',
    query: () => '{ myData { account { userId } } }',
    probe: (d, w) => (d.myData?.account?.userId === w.expert.sub ? d.myData.account : undefined),
    expect: MY_DATA,
  },
  {
    field: 'MyExpertProfile.expert',
    query: () => '{ myData { expertProfile { expert { id } } } }',
    probe: (d, w) => (d.myData?.expertProfile?.expert?.id === w.expert.id ? d.myData.expertProfile.expert : undefined),
    expect: MY_DATA,
  },
  {
    field: 'MyExpertProfile.phone',
    query: () => '{ myData { expertProfile { expert { id } phone } } }',
    probe: (d, w) => (d.myData?.expertProfile?.expert?.id === w.expert.id ? d.myData.expertProfile.phone : null),
    secret: (w) => w.expert.phone,
    expect: MY_DATA_SECRET,
  },
  {
    field: 'MyExpertProfile.idNumber',
    query: () => '{ myData { expertProfile { expert { id } idNumber } } }',
    probe: (d, w) => (d.myData?.expertProfile?.expert?.id === w.expert.id ? d.myData.expertProfile.idNumber : null),
    secret: (w) => w.expert.idNumber,
    expect: MY_DATA_SECRET,
  },
  {
    field: 'MyAccount.organization',
    query: () => '{ myData { account { organization { id } } } }',
    probe: (d, w) => (d.myData?.account?.organization?.id === w.tree.liwan ? d.myData.account.organization : undefined),
    expect: { ...MY_DATA, expertSelf: 'omitted', adminOwn: 'ok' },
  },
  {
    field: 'MyData.teamMemberships',
    query: () => '{ myData { teamMemberships(first: 50) { edges { node { team { id } } } } } }',
    probe: (d, w) => nodes(d.myData?.teamMemberships).find((m) => m.team?.id === w.team),
    expect: MY_DATA,
  },
  {
    field: 'MyData.pendingMemberships',
    query: () => '{ myData { pendingMemberships(first: 50) { edges { node { team { id } } } } } }',
    probe: (d, w) => nodes(d.myData?.pendingMemberships).find((m) => m.team?.id === w.pendingTeam),
    expect: MY_DATA,
  },
  {
    field: 'MyData.participations',
    query: () => '{ myData { participations(first: 50) { edges { node { activity { id } } } } } }',
    probe: (d, w) => nodes(d.myData?.participations).find((p) => p.activity?.id === w.activity),
    expect: MY_DATA,
  },
  {
    field: 'MyMatch.need',
    query: () => '{ myData { inbox(first: 50) { edges { node { need { id } } } } } }',
    probe: (d, w) => nodes(d.myData?.inbox).find((m) => m.need?.id === w.needOpen.id),
    expect: MY_DATA,
  },
  {
    field: 'MyData.needsPosted',
    query: () => '{ myData { needsPosted(first: 50) { edges { node { id } } } } }',
    probe: (d, w) => find(d.myData?.needsPosted, w.needSubmitted.id),
    expect: { ...MY_DATA, expertSelf: 'omitted', requester: 'ok' },
  },
  {
    field: 'PersonalDataRead.readerOrganization',
    query: () => '{ myData { dataReads(first: 50) { edges { node { readerOrganization { id } } } } } }',
    probe: (d, w) => nodes(d.myData?.dataReads).find((r) => r.readerOrganization?.id === w.tree.liwan),
    expect: MY_DATA,
  },
];

// ---- Mutations ---------------------------------------------------------------------------------

/** A snapshot: whether `marker` appears in what the province reads (a refused create must add nothing). */
const listed = (query: (w: World) => string, marker: string) => async (w: World) => JSON.stringify(await asProvince(w, query(w))).includes(marker);
/** A snapshot of one record (its version and state): a refused change must leave it as it was. */
const read =
  (query: (id: string) => string, key = 'id') =>
  (w: World, input: Record<string, unknown>) =>
    asProvince(w, query(String(input[key])));
const named = (prefix: string) => (w: World, caller: Caller | null) => (caller ? `${prefix}${w.serial()}` : `${prefix}拒绝`);
const versioned = (create: (w: World) => Promise<{ id: string; version: number }>, extra: (w: World) => Record<string, unknown>) => async (w: World) => {
  const { id, version } = await create(w);
  return { id, version, ...extra(w) };
};
const needAt =
  (status: Parameters<typeof fresh.need>[1], extra: Record<string, unknown> = {}, matched = false) =>
  async (w: World) => {
    const { id, version } = await fresh.need(w, status, matched);
    return { id, version, ...extra };
  };
/** A partner platform of its own (ACTIVE, or SUSPENDED), created by the province. */
const freshPartner =
  (suspended = false) =>
  async (w: World) => {
    const create = 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id version } } }';
    const suspend = 'mutation ($input: SuspendPartnerInput!) { suspendPartner(input: $input) { partner { id version } } }';
    const partner = ok(await w.app.gql(create, { input: { ...MATRIX_PARTNER, clientId: `mx-partner-${w.serial()}` } }, w.tokens.province)).createPartner
      .partner as { id: string; version: number };
    return suspended
      ? (ok(await w.app.gql(suspend, { input: partner }, w.tokens.province)).suspendPartner.partner as { id: string; version: number })
      : partner;
  };
const partnerState = read((id) => `{ partner(id: "${id}") { version status nameEn } }`);
/** The requester of the need only. */
const REQUESTER_ONLY = outcomes('FORBIDDEN', { requester: 'ok' });
const needState = read((id) => `{ need(id: "${id}") { version status } }`);
const teamState = read((id) => `{ team(id: "${id}") { version members { totalCount } pendingMembers { edges { node { status } } } } }`, 'teamId');
const activityStepState = read((id) => `{ activity(id: "${id}") { version status } }`);
const activityState = read((id) => `{ activity(id: "${id}") { version status participants { checkInAt checkOutAt manualHours } } }`, 'activityId');

const marker = {
  organization: named('矩阵组织'),
  team: named('矩阵队伍'),
  need: named('矩阵提交'),
  activity: named('矩阵活动'),
  workstation: named('矩阵站'),
  campaign: named('矩阵运动'),
  nomination: named('矩阵提名'),
  technology: named('矩阵技术'),
  project: named('矩阵项目'),
  pairing: named('矩阵帮扶'),
  expert: named('矩阵注册'),
};

/** Every mutation. */
export const mutationRows: MutationRow[] = [
  {
    field: 'Mutation.registerWebhook',
    input: async () => ({ url: REGISTERED_URL, events: ['NEED_MATCHED'] }),
    // Other rows add webhooks of the partner meanwhile: only one at this URL would be this row's.
    state: async (w) => (await createRepositories(w.app.deps.store).webhooks.all(MATRIX_PARTNER.clientId)).filter((h) => h.url === REGISTERED_URL),
    expect: WEBHOOK_CALLERS,
  },
  {
    field: 'Mutation.rotateWebhookSecret',
    input: async (w) => ({ id: await matrixWebhook(w) }),
    state: matrixWebhookState,
    expect: WEBHOOK_CALLERS,
  },
  {
    field: 'Mutation.deleteWebhook',
    input: async (w) => ({ id: await matrixWebhook(w) }),
    state: matrixWebhookState,
    expect: WEBHOOK_CALLERS,
  },
  // Organizations and teams
  {
    field: 'Mutation.createOrganization',
    input: async (w, c) => ({ kind: 'ENTERPRISE_ASSOCIATION', name: marker.organization(w, c), regionCode: '440103', parentId: w.tree.liwan }),
    state: listed((w) => `{ organizations(filter: { parentId: "${w.tree.liwan}" }, first: 100) { edges { node { name } } } }`, '矩阵组织拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updateOrganization',
    input: versioned(fresh.organization, () => ({ name: '矩阵改名' })),
    state: read((id) => `{ organization(id: "${id}") { version name } }`),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.createTeam',
    input: async (w, c) => ({ organizationId: w.tree.liwan, name: marker.team(w, c), actions: ['POPULAR_SCIENCE'] }),
    state: listed((w) => org(w.tree.liwan, 'teams(first: 100) { edges { node { name } } }'), '矩阵队伍拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updateTeam',
    input: versioned(fresh.team, () => ({ name: '矩阵队改名' })),
    state: read((id) => `{ team(id: "${id}") { version name } }`),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.addTeamMember',
    input: async (w) => ({ teamId: (await fresh.team(w)).id, expertId: w.expert.id }),
    state: teamState,
    expect: MANAGERS,
  },
  {
    field: 'Mutation.inviteTeamMember',
    input: async (w) => ({ teamId: (await fresh.team(w)).id, expertId: w.expert.id }),
    state: teamState,
    expect: MANAGERS,
  },
  {
    field: 'Mutation.removeTeamMember',
    input: async (w) => ({ teamId: await fresh.memberTeam(w), expertId: w.expert.id }),
    state: teamState,
    expect: MANAGERS,
    exclusive: true,
  },
  {
    field: 'Mutation.respondToTeamInvitation',
    input: async (w) => ({ teamId: await fresh.invitedTeam(w), expertId: w.expert.id, accept: true }),
    state: teamState,
    expect: SELF_ONLY,
    exclusive: true,
  },
  {
    field: 'Mutation.applyToTeam',
    input: async (w) => ({ teamId: (await fresh.team(w)).id, expertId: w.expert.id }),
    state: teamState,
    expect: SELF_ONLY,
  },
  {
    field: 'Mutation.reviewTeamApplication',
    input: async (w) => ({ teamId: await fresh.appliedTeam(w), expertId: w.expert.id, approve: true }),
    state: teamState,
    expect: MANAGERS,
    exclusive: true,
  },
  {
    field: 'Mutation.leaveTeam',
    input: async (w) => ({ teamId: await fresh.memberTeam(w), expertId: w.expert.id }),
    state: teamState,
    expect: SELF_ONLY,
    exclusive: true,
  },

  // Experts
  {
    field: 'Mutation.registerExpert',
    input: async (w, c) => makeExpertInput({ name: marker.expert(w, c), phone: nextPhone() }),
    state: listed(() => '{ experts(filter: { regionCode: "440103", domain: "AGRICULTURE" }, first: 100) { edges { node { name } } } }', '矩阵注册拒绝'),
    // One expert record per user: the two experts are registered already.
    expect: outcomes('ok', { expertSelf: 'CONFLICT', expertOther: 'CONFLICT', partner: 'FORBIDDEN' }),
  },
  {
    field: 'Mutation.updateExpert',
    input: async (w, c) => {
      const { version } = (await asProvince(w, expert(w, 'version'))).expert as { version: number };
      return { id: w.expert.id, version, bio: c ? `简介${w.serial()}` : '拒绝' };
    },
    state: (w) => asProvince(w, expert(w, 'version bio')),
    expect: EXPERT_AND_ADMINS,
    exclusive: true,
  },

  // Needs
  {
    field: 'Mutation.submitNeed',
    // In Shamian on behalf of Liwan: no other row posts there, and Shamian's admin may not post for Liwan.
    input: async (w, c) => makeNeedInput({ title: marker.need(w, c), regionCode: '440103001', organizationId: w.tree.liwan }),
    state: listed(() => '{ needs(filter: { regionCode: "440103001" }, first: 100) { edges { node { title } } } }', '矩阵提交拒绝'),
    expect: outcomes('FORBIDDEN', { requester: 'ok', otherRequester: 'ok', adminOwn: 'ok', adminParent: 'ok', province: 'ok' }),
  },
  { field: 'Mutation.reviewNeed', input: needAt('SUBMITTED', { approve: true }), state: needState, expect: MANAGERS },
  { field: 'Mutation.dispatchNeed', input: async (w) => needAt('OPEN', { expertIds: [w.expert.id] })(w), state: needState, expect: MANAGERS },
  { field: 'Mutation.grabNeed', input: needAt('OPEN', {}, true), state: needState, expect: SELF_ONLY },
  { field: 'Mutation.acceptNeed', input: needAt('DISPATCHED'), state: needState, expect: SELF_ONLY },
  { field: 'Mutation.declineNeed', input: needAt('DISPATCHED', { reason: '时间冲突' }), state: needState, expect: SELF_ONLY },
  { field: 'Mutation.startNeedService', input: needAt('ACCEPTED'), state: needState, expect: EXPERT_AND_ADMINS },
  { field: 'Mutation.completeNeed', input: needAt('IN_SERVICE', { outcome: '已解决' }), state: needState, expect: EXPERT_AND_ADMINS },
  { field: 'Mutation.rateNeed', input: needAt('COMPLETED', { stars: 5 }), state: needState, expect: REQUESTER_ONLY },
  { field: 'Mutation.rateNeedDescription', input: needAt('COMPLETED', { stars: 4 }), state: needState, expect: SELF_ONLY },
  { field: 'Mutation.withdrawNeed', input: needAt('SUBMITTED', { reason: '不需要了' }), state: needState, expect: REQUESTER_ONLY },
  { field: 'Mutation.closeNeed', input: needAt('OPEN', { reason: '重复' }), state: needState, expect: MANAGERS },

  // Activities and hours
  {
    field: 'Mutation.createActivity',
    input: async (w, c) => makeActivityInput(w.tree.liwan, { title: marker.activity(w, c) }),
    state: listed((w) => `{ activities(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { title } } } }`, '矩阵活动拒绝'),
    expect: MANAGERS,
  },
  { field: 'Mutation.startActivity', input: versioned(fresh.activity, () => ({})), state: activityStepState, expect: MANAGERS },
  { field: 'Mutation.cancelActivity', input: versioned(fresh.activity, () => ({})), state: activityStepState, expect: MANAGERS },
  {
    field: 'Mutation.completeActivity',
    input: versioned(
      (w) => fresh.activity(w, 'ONGOING'),
      () => ({ beneficiaries: 5, outcome: '完成' }),
    ),
    state: activityStepState,
    expect: MANAGERS,
  },
  {
    field: 'Mutation.signUpActivity',
    input: async (w) => ({ activityId: (await fresh.activity(w)).id, expertId: w.expert.id }),
    state: activityState,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'Mutation.checkIn',
    input: async (w) => ({ activityId: (await fresh.activity(w, 'SIGNED_UP')).id, expertId: w.expert.id }),
    state: activityState,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'Mutation.checkOut',
    input: async (w) => ({ activityId: (await fresh.activity(w, 'CHECKED_IN')).id, expertId: w.expert.id }),
    state: activityState,
    expect: EXPERT_AND_ADMINS,
  },
  {
    field: 'Mutation.recordManualHours',
    input: async (w) => ({ activityId: (await fresh.activity(w, 'SIGNED_UP')).id, expertId: w.expert.id, hours: 1, note: '准备' }),
    state: activityState,
    expect: MANAGERS,
  },
  {
    field: 'Mutation.createWorkstation',
    input: async (w, c) => ({
      organizationId: w.tree.liwan,
      kind: 'EXPERT_SERVICE',
      name: marker.workstation(w, c),
      host: { kind: 'VILLAGE', name: '荔枝村' },
      regionCode: '440103',
    }),
    state: listed(() => '{ workstations(filter: { regionCode: "440103" }, first: 100) { edges { node { name } } } }', '矩阵站拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updateWorkstation',
    input: versioned(fresh.workstation, () => ({ name: '矩阵站改名' })),
    state: read((id) => `{ workstation(id: "${id}") { version name } }`),
    expect: MANAGERS,
  },

  // Governance and recognition
  {
    field: 'Mutation.createCampaign',
    input: async (w, c) => ({ name: marker.campaign(w, c), startDate: '2026-10-01' }),
    state: listed(() => '{ campaigns(first: 100) { edges { node { name } } } }', '矩阵运动拒绝'),
    expect: PROVINCE_ONLY,
  },
  {
    field: 'Mutation.submitPlan',
    input: async (w) => ({ campaignId: await fresh.campaign(w), organizationId: w.tree.liwan, content: '方案' }),
    state: (w, input) => asProvince(w, org(w.tree.liwan, `plan(campaignId: "${String(input.campaignId)}") { content }`)),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.submitQuarterlyReport',
    input: async (w) => ({ organizationId: (await fresh.organization(w)).id, quarter: '2026Q4', narrative: '季度报告' }),
    state: read((id) => `{ quarterlyReport(organizationId: "${id}", quarter: "2026Q4") { submitted { narrative } } }`, 'organizationId'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.nominate',
    input: async (w, c) => ({ organizationId: w.tree.liwan, category: 'CASE', caseTitle: marker.nomination(w, c), citation: '案例' }),
    state: listed((w) => nominations(w, 'caseTitle'), '矩阵提名拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.award',
    input: versioned(fresh.nomination, () => ({})),
    state: async (w, input) => nodes((await asProvince(w, nominations(w, 'status version'))).nominations).find((n) => n.id === input.id),
    expect: PROVINCE_ONLY,
  },
  {
    field: 'Mutation.createPartner',
    input: async (w, c) => ({ ...MATRIX_PARTNER, clientId: c ? `mx-partner-${w.serial()}` : 'mx-partner-refused' }),
    state: listed(() => '{ partners(first: 100) { edges { node { id } } } }', 'mx-partner-refused'),
    expect: PROVINCE_ONLY,
  },
  { field: 'Mutation.updatePartner', input: versioned(freshPartner(), () => ({ nameEn: 'Renamed' })), state: partnerState, expect: PROVINCE_ONLY },
  { field: 'Mutation.suspendPartner', input: versioned(freshPartner(), () => ({})), state: partnerState, expect: PROVINCE_ONLY },
  { field: 'Mutation.reactivatePartner', input: versioned(freshPartner(true), () => ({})), state: partnerState, expect: PROVINCE_ONLY },
  { field: 'Mutation.revokePartner', input: versioned(freshPartner(), () => ({})), state: partnerState, expect: PROVINCE_ONLY },
  {
    field: 'Mutation.setUserAccess',
    input: async (w, c) => ({ userId: c ? `mx-user-${w.serial()}` : w.accessUser, disabled: true }),
    state: read((id) => `{ userAccess(userId: "${id}") { disabled updatedAt } }`, 'userId'),
    expect: PROVINCE_ONLY,
  },
  // Organization admins are granted in the table by an admin of an enclosing subtree (issue 14): Liwan's, its parents', the province.
  {
    field: 'Mutation.grantOrgAdmin',
    input: async (w, c) => ({ userId: c ? `mx-granted-${w.serial()}` : w.accessUser, organizationId: w.tree.liwan }),
    state: read((id) => `{ userAccess(userId: "${id}") { orgAdminOf updatedAt } }`, 'userId'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.revokeOrgAdmin',
    input: async (w) => {
      const userId = `mx-revoked-${w.serial()}`;
      const grant = 'mutation ($input: GrantOrgAdminInput!) { grantOrgAdmin(input: $input) { access { userId } } }';
      ok(await w.app.gql(grant, { input: { userId, organizationId: w.tree.liwan } }, w.tokens.province));
      return { userId };
    },
    state: read((id) => `{ userAccess(userId: "${id}") { orgAdminOf updatedAt } }`, 'userId'),
    expect: MANAGERS,
  },

  // Pools
  {
    field: 'Mutation.createTechnology',
    input: async (w, c) => ({
      organizationId: w.tree.liwan,
      title: marker.technology(w, c),
      domains: ['FORESTRY'],
      maturity: 'PILOT',
      transferModes: ['SERVICE'],
      regionCode: '440103',
    }),
    state: listed(() => '{ technologies(filter: { regionCode: "440103" }, first: 100) { edges { node { title } } } }', '矩阵技术拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updateTechnology',
    input: versioned(fresh.technology, () => ({ title: '矩阵技术改名' })),
    state: read((id) => `{ technology(id: "${id}") { version title } }`),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.createProject',
    input: async (w, c) => ({ organizationId: w.tree.liwan, title: marker.project(w, c), action: 'POPULAR_SCIENCE', regionCode: '440103' }),
    state: listed((w) => `{ projects(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { title } } } }`, '矩阵项目拒绝'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updateProject',
    input: versioned(fresh.project, () => ({ title: '矩阵项目改名' })),
    state: read((id) => `{ project(id: "${id}") { version title } }`),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.createPairing',
    input: async (w, c) => ({
      organizationId: w.tree.liwan,
      regionCode: '440103',
      expertId: w.expert.id,
      helpedEnterprise: { name: marker.pairing(w, c) },
      industry: '荔枝',
    }),
    state: listed(
      (w) => `{ pairings(filter: { organizationId: "${w.tree.liwan}" }, first: 100) { edges { node { helpedEnterprise { name } } } } }`,
      '矩阵帮扶拒绝',
    ),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.updatePairing',
    input: versioned(fresh.pairing, () => ({ industry: '龙眼' })),
    state: read((id) => `{ pairing(id: "${id}") { version industry } }`),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.addPairingFollowUp',
    input: async (w) => ({ pairingId: (await fresh.pairing(w)).id, date: '2026-11-03', outcome: '回访' }),
    state: read((id) => `{ pairing(id: "${id}") { version followUps { outcome } } }`, 'pairingId'),
    expect: MANAGERS,
  },
  {
    field: 'Mutation.deleteMyAccount',
    input: async () => ({ confirm: 'DELETE MY ACCOUNT' }),
    // The refused callers keep their access (read as the province); the allowed ones erase a stand-in of their kind.
    state: async (w) => Promise.all(REFUSED_ERASERS.map((sub) => asProvince(w, `{ userAccess(userId: "${sub}") { disabled revokedRoles } }`))),
    expect: outcomes('FORBIDDEN', { anonymous: 'UNAUTHENTICATED', requester: 'ok', otherRequester: 'ok', expertSelf: 'ok', expertOther: 'ok' }),
    standIn: fresh.standIn,
  },
  // Partner platforms (issue 11): the matrix's partner token carries no OAuth scope, so it is refused like everyone else
  // (test/integration/partnerSync.test.ts covers a scoped partner's own and another partner's experts).
  {
    field: 'Mutation.syncPartnerExperts',
    input: async () => ({ experts: [PARTNER_EXPERT_ITEM] }),
    state: listed(() => HK_EXPERTS, PARTNER_EXPERT_ITEM.name),
    expect: PARTNER_SCOPED,
  },
  {
    field: 'Mutation.removePartnerExpert',
    input: async () => ({ externalId: 'MX-1' }),
    state: async (w) => asProvince(w, HK_EXPERTS),
    expect: PARTNER_SCOPED,
  },
];

// ---- Subscriptions -----------------------------------------------------------------------------

/** Every subscription (and its variants). */
export const subscriptionRows: SubscriptionRow[] = [
  {
    field: 'Subscription.matchingNeedPosted',
    query: 'subscription ($expertId: ID) { matchingNeedPosted(expertId: $expertId) { score need { id title } expert { id phone } } }',
    variables: (w) => ({ expertId: w.expert.id }),
    // Anonymous connections are closed (4403) at connection_init, before any subscribe.
    expect: { ...EXPERT_AND_ADMINS, anonymous: 'FORBIDDEN' },
  },
  {
    field: 'Subscription.matchingNeedPosted',
    variant: 'without expertId: an expert for itself, an admin for its subtree, the province for all',
    query: 'subscription { matchingNeedPosted { score need { id title } expert { id phone } } }',
    variables: () => ({}),
    expect: outcomes('ok', { anonymous: 'FORBIDDEN', requester: 'FORBIDDEN', otherRequester: 'FORBIDDEN', partner: 'FORBIDDEN' }),
    // The need opened is Liwan's and matches the subject expert: not the other expert, nor Shamian's or Shenzhen's admins.
    delivered: ['expertSelf', 'adminOwn', 'adminParent', 'province'],
  },
];
