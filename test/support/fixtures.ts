import { expect } from 'vitest';
import type { Data, TestApp } from './testApp.js';

export { makeExpertInput, makeNeedInput, nextPhone } from './inputs.js';

export const CREATE_ORG = `mutation ($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id name kind level parent { id } region { code } version } }
}`;
export const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id name version organization { id } } } }`;
export const REGISTER_EXPERT = `mutation ($input: RegisterExpertInput!) { registerExpert(input: $input) { expert { id name phone version } } }`;
export const UPDATE_EXPERT = `mutation ($input: UpdateExpertInput!) { updateExpert(input: $input) { expert { id name version domains { code } phone } } }`;
export const ADD_MEMBER = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { team { id members { totalCount } } expert { id } } }`;
export const REMOVE_MEMBER = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { id members { totalCount } } expert { id } } }`;
export const INVITE_MEMBER = `mutation ($input: InviteTeamMemberInput!) { inviteTeamMember(input: $input) { membership { status expert { id phone } } } }`;
export const RESPOND_INVITATION = `mutation ($input: RespondToTeamInvitationInput!) {
  respondToTeamInvitation(input: $input) { membership { status team { id members { totalCount } } expert { id version } } }
}`;

/** Makes the expert a member of the team by consent: the admin invites, the expert (signed in with `expertToken`) accepts. */
export async function addMember(app: TestApp, teamId: string, expertId: string, adminToken: string, expertToken: string): Promise<Data> {
  ok(await app.gql(INVITE_MEMBER, { input: { teamId, expertId } }, adminToken));
  return ok(await app.gql(RESPOND_INVITATION, { input: { teamId, expertId, accept: true } }, expertToken)).respondToTeamInvitation.membership;
}

/** Fails the test with the errors when a response has any. */
export function ok(response: { data: Data | null | undefined; errors?: unknown[] | undefined }): Data {
  expect(response.errors).toBeUndefined();
  return response.data as Data;
}

/** The first error's code (and field), for assertions. */
export const errorOf = (response: { errors?: Array<{ extensions: { code: string; field?: string } }> | undefined }) => response.errors?.[0]?.extensions;

export interface OrgTree {
  admin: string;
  province: string;
  guangzhou: string;
  liwan: string;
  shamian: string;
  shenzhen: string;
  futian: string;
}

/** Creates province → Guangzhou → Liwan → Shamian and Shenzhen → Futian as PROVINCE_ADMIN. */
export async function createOrgTree(app: TestApp): Promise<OrgTree> {
  const admin = await app.token({ roles: ['PROVINCE_ADMIN'] });
  const create = async (name: string, regionCode: string) => {
    const data = ok(await app.gql(CREATE_ORG, { input: { kind: 'ASSOCIATION', name, regionCode, contactPhone: '13800138000' } }, admin));
    return data.createOrganization.organization.id as string;
  };
  const province = await create('广东省科学技术协会', '44');
  const guangzhou = await create('广州市科学技术协会', '4401');
  const shenzhen = await create('深圳市科学技术协会', '4403');
  const liwan = await create('荔湾区科学技术协会', '440103');
  const futian = await create('福田区科学技术协会', '440304');
  const shamian = await create('沙面街道科学技术协会', '440103001');
  return { admin, province, guangzhou, liwan, shamian, shenzhen, futian };
}

export const NEED_FIELDS = 'id status version history { action from to reason } dispatchedExperts { id } acceptedExperts { id }';
export const SUBMIT_NEED = `mutation ($input: SubmitNeedInput!) { submitNeed(input: $input) { need { ${NEED_FIELDS} } } }`;
export const needStep = (mutation: string, inputType: string) => `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { need { ${NEED_FIELDS} } } }`;

/** The need workflow's mutations as documents (each answers the need's common fields), by short name. */
export const NEED_STEPS = {
  REVIEW: needStep('reviewNeed', 'ReviewNeedInput'),
  DISPATCH: needStep('dispatchNeed', 'DispatchNeedInput'),
  ACCEPT: needStep('acceptNeed', 'AcceptNeedInput'),
  DECLINE: needStep('declineNeed', 'DeclineNeedInput'),
  GRAB: needStep('grabNeed', 'GrabNeedInput'),
  START: needStep('startNeedService', 'StartNeedServiceInput'),
  COMPLETE: needStep('completeNeed', 'CompleteNeedInput'),
  RATE: needStep('rateNeed', 'RateNeedInput'),
  RATE_DESCRIPTION: needStep('rateNeedDescription', 'RateNeedDescriptionInput'),
  CLOSE: needStep('closeNeed', 'CloseNeedInput'),
  WITHDRAW: needStep('withdrawNeed', 'WithdrawNeedInput'),
} as const;

/** createActivity input with sensible defaults: a morning of rural-revitalization training in Liwan. */
export function makeActivityInput(organizationId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationId,
    title: '荔枝种植培训',
    action: 'RURAL_REVITALIZATION',
    venueKind: 'VILLAGE',
    regionCode: '440103',
    startAt: '2026-11-01T09:00:00+08:00',
    endAt: '2026-11-01T12:00:00+08:00',
    ...overrides,
  };
}

export const CREATE_PARTNER = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id status preferredLanguage version } } }`;

/** A CreatePartnerInput of a Hong Kong partner platform with the given client id. */
export const makePartnerInput = (clientId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  clientId,
  nameHant: '香港專家平台',
  nameHans: '香港专家平台',
  nameEn: 'Hong Kong Expert Platform',
  regionCode: '81',
  contactName: '陳主任',
  contactEmail: 'partners@hk.example',
  consentTermsVersion: '2026-11',
  preferredLanguage: 'zh-HK',
  ...overrides,
});

/** Creates an ACTIVE partner record (the province admin's act) so that tokens with `partner: clientId` are let in. */
export async function createPartnerRecord(app: TestApp, provinceAdminToken: string, clientId: string, overrides: Record<string, unknown> = {}): Promise<Data> {
  // Without a stated preference, responses stay in Simplified unless a test asks for Traditional.
  const input = makePartnerInput(clientId, { preferredLanguage: null, ...overrides });
  return ok(await app.gql(CREATE_PARTNER, { input }, provinceAdminToken)).createPartner.partner as Data;
}
