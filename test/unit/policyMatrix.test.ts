import { describe, expect, it } from 'vitest';
import { decide, matchAudience, type Action, type ExpertScope, type NeedScope } from '../../functions/lib/auth/policy.js';
import { anonymous, type Principal } from '../../functions/lib/auth/principal.js';

/**
 * The access matrix of the policy: every action type × every kind of caller → decision, written as
 * one table. The organization tree is province `gd` → city `gz` → district `liwan` → sub-district
 * `shamian`, and `sz` beside `gz`; the entities acted on belong to Liwan.
 */
const user = (overrides: Partial<Principal>): Principal => ({ ...anonymous, kind: 'USER', userId: 'u', ...overrides });
const principals = {
  anon: anonymous,
  req: user({ roles: ['REQUESTER'], userId: 'u-r' }),
  req2: user({ roles: ['REQUESTER'], userId: 'u-r2' }),
  self: user({ roles: ['EXPERT'], userId: 'u-e1', expertId: 'e1' }),
  exp2: user({ roles: ['EXPERT'], userId: 'u-e2', expertId: 'e2' }),
  lead: user({ roles: ['EXPERT'], userId: 'u-e3', expertId: 'e3' }),
  gz: user({ roles: ['ORG_ADMIN'], organizationId: 'gz' }),
  liwan: user({ roles: ['ORG_ADMIN'], organizationId: 'liwan' }),
  shamian: user({ roles: ['ORG_ADMIN'], organizationId: 'shamian' }),
  sz: user({ roles: ['ORG_ADMIN'], organizationId: 'sz' }),
  prov: user({ roles: ['PROVINCE_ADMIN'], organizationId: 'gd' }),
  partner: { ...anonymous, kind: 'PARTNER', roles: ['PARTNER'], partnerId: 'hk', scopes: ['experts.write', 'needs.read'] } satisfies Principal,
} as const;
type Who = keyof typeof principals;
const WHO = Object.keys(principals) as Who[];

const liwanPath = ['gd', 'gz', 'liwan'];
/** Expert e1, member of a Liwan team: Liwan and its ancestors are in its scope. */
const expert: ExpertScope = { id: 'e1', userId: 'u-e1', scopeOrganizationIds: ['gd', 'gz', 'liwan'] };
/** An expert synced by partner hk (no user, no organization), consenting to be contacted. */
const hkExpert: ExpertScope = { id: 'e-hk', userId: null, scopeOrganizationIds: [], partnerId: 'hk', consent: { contactable: true } };
const need = (overrides: Partial<NeedScope> = {}): NeedScope => ({
  organizationPath: liwanPath,
  requesterUserId: 'u-r',
  postedBy: 'u-r',
  published: true,
  dispatchedExpertIds: ['e1'],
  acceptedExpertIds: ['e1'],
  ...overrides,
});

/**
 * One row per action instance: the decision for each caller, in the order of `WHO`
 * (anon req req2 self exp2 lead gz liwan shamian sz prov partner): A = allowed, F = FORBIDDEN,
 * U = UNAUTHENTICATED. Every action type of the policy has at least one row (checked by the type).
 */
const matrix: { [T in Action['type']]: Array<[string, Extract<Action, { type: T }>, string]> } = {
  'organization.create': [
    ['a root organization', { type: 'organization.create', parentPath: null }, 'U F F F F F F F F F A F'],
    ['under Liwan', { type: 'organization.create', parentPath: liwanPath }, 'U F F F F F A A F F A F'],
  ],
  'organization.update': [['Liwan', { type: 'organization.update', path: liwanPath }, 'U F F F F F A A F F A F']],
  'organization.readContact': [['Liwan', { type: 'organization.readContact', path: liwanPath }, 'U F F F F F A A F F A F']],
  'partner.manage': [['any partner', { type: 'partner.manage' }, 'U F F F F F F F F F A F']],
  'partner.read': [
    ['its own record', { type: 'partner.read', partnerId: 'hk' }, 'U F F F F F F F F F A A'],
    ["another partner's record", { type: 'partner.read', partnerId: 'mo' }, 'U F F F F F F F F F A F'],
  ],
  'partner.syncExperts': [['its own experts', { type: 'partner.syncExperts' }, 'U F F F F F F F F F F A']],
  'partner.readMatches': [['its matched needs', { type: 'partner.readMatches' }, 'U F F F F F F F F F F A']],
  'partner.manageWebhooks': [['its webhooks', { type: 'partner.manageWebhooks' }, 'U F F F F F F F F F F A']],
  'team.read': [['any team', { type: 'team.read' }, 'U A A A A A A A A A A A']],
  'team.manage': [['a Liwan team', { type: 'team.manage', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
  'team.join': [['as e1', { type: 'team.join', expert }, 'U F F A F F F F F F F F']],
  'expert.lookUp': [
    ['a mainland expert', { type: 'expert.lookUp', ownerPartnerId: null }, 'U A A A A A A A A A A A'],
    ["the partner's own expert", { type: 'expert.lookUp', ownerPartnerId: 'hk' }, 'U A A A A A A A A A A A'],
    ["another partner's expert", { type: 'expert.lookUp', ownerPartnerId: 'mo' }, 'U A A A A A A A A A A F'],
  ],
  'expert.read': [['the pool', { type: 'expert.read' }, 'U A A A A A A A A A A A']],
  'expert.register': [['oneself', { type: 'expert.register' }, 'U A A A A A A A A A A F']],
  'expert.update': [['e1', { type: 'expert.update', expert }, 'U F F A F F A A F F A F']],
  'expert.readPersonalData': [
    ['e1', { type: 'expert.readPersonalData', expert }, 'U F F A F F A A F F A F'],
    ['a Hong Kong expert of partner hk', { type: 'expert.readPersonalData', expert: hkExpert }, 'U F F F F F F F F F A A'],
  ],
  'expert.readContact': [
    ['e1', { type: 'expert.readContact', expert }, 'U F F A F F A A F F A F'],
    ['of partner hk, contactable', { type: 'expert.readContact', expert: hkExpert }, 'U F F F F F F F F F A A'],
    ['of partner hk, not contactable', { type: 'expert.readContact', expert: { ...hkExpert, consent: { contactable: false } } }, 'U F F F F F F F F F F A'],
    ['of partner mo', { type: 'expert.readContact', expert: { ...hkExpert, partnerId: 'mo' } }, 'U F F F F F F F F F A F'],
  ],
  'need.submit': [['for Liwan', { type: 'need.submit', organizationPath: liwanPath }, 'U A A F F F A A F F A F']],
  'need.read': [
    ['a published need', { type: 'need.read', need: need() }, 'U A F A A A A A A A A A'],
    [
      'a submitted (unpublished) need',
      { type: 'need.read', need: need({ published: false, dispatchedExpertIds: [], acceptedExpertIds: [] }) },
      'U A F F F F A A F F A F',
    ],
  ],
  'need.link': [
    ['a published Liwan need', { type: 'need.link', need: need() }, 'U A F A A A A A A A A A'],
    [
      'a submitted (unpublished) Liwan need',
      { type: 'need.link', need: need({ published: false, dispatchedExpertIds: [], acceptedExpertIds: [] }) },
      'U A F F F F A A F F A F',
    ],
  ],
  'need.readContact': [['a dispatched need', { type: 'need.readContact', need: need() }, 'U A F A F F A A F F A F']],
  'need.manage': [['a Liwan need', { type: 'need.manage', need: need() }, 'U F F F F F A A F F A F']],
  'need.grab': [
    ['as a matched expert', { type: 'need.grab', need: need(), matched: true }, 'U F F A A A F F F F F F'],
    ['unmatched', { type: 'need.grab', need: need(), matched: false }, 'U F F F F F F F F F F F'],
  ],
  'need.respond': [
    [
      'dispatched to e1 and a team led by e3',
      { type: 'need.respond', need: need({ acceptedExpertIds: [] }), teamLeaderExpertId: 'e3' },
      'U F F A F A F F F F F F',
    ],
  ],
  'need.serve': [['accepted by e1, team led by e3', { type: 'need.serve', need: need(), teamLeaderExpertId: 'e3' }, 'U F F A F A A A F F A F']],
  'need.requesterStep': [['rate or withdraw', { type: 'need.requesterStep', need: need() }, 'U A F F F F F F F F F F']],
  'need.rateDescription': [['served by e1', { type: 'need.rateDescription', need: need() }, 'U F F A F F F F F F F F']],
  'needs.listPublished': [
    ['browse published needs', { type: 'needs.listPublished', status: null }, 'U A A A A A F F F F F A'],
    ['browse OPEN needs', { type: 'needs.listPublished', status: 'OPEN' }, 'U A A A A A F F F F F A'],
    ['browse SUBMITTED needs', { type: 'needs.listPublished', status: 'SUBMITTED' }, 'U F F F F F F F F F F F'],
  ],
  'needs.listOrganization': [["list Liwan's subtree", { type: 'needs.listOrganization', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
  'needs.listRegion': [
    ["a Liwan filter inside the caller's region 4401", { type: 'needs.listRegion', regionCode: '440103', adminRegionCode: '4401' }, 'U A A A A A A A A A A A'],
    ["a Liwan filter outside the caller's region 4403", { type: 'needs.listRegion', regionCode: '440103', adminRegionCode: '4403' }, 'U F F F F F F F F F A F'],
  ],
  'access.manage': [['disable a user', { type: 'access.manage' }, 'U F F F F F F F F F A F']],
  'access.grantOrgAdmin': [
    ['admin of Liwan', { type: 'access.grantOrgAdmin', organizationPaths: [liwanPath] }, 'U F F F F F A A F F A F'],
    [
      'admin of Shamian, replacing a Shenzhen grant',
      {
        type: 'access.grantOrgAdmin',
        organizationPaths: [
          [...liwanPath, 'shamian'],
          ['gd', 'sz'],
        ],
      },
      'U F F F F F F F F F A F',
    ],
    ['revoke a grant that does not exist', { type: 'access.grantOrgAdmin', organizationPaths: [] }, 'U F F F F F F F F F A F'],
  ],
  'personalData.export': [['own data', { type: 'personalData.export' }, 'U A A A A A A A A A A F']],
  'account.delete': [['own account (admins once their admin roles are revoked)', { type: 'account.delete' }, 'U A A A A A F F F F F F']],
  'activity.read': [['any activity', { type: 'activity.read' }, 'U A A A A A A A A A A A']],
  'activity.manage': [['a Liwan activity', { type: 'activity.manage', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
  'activity.participate': [
    ['e1 in a Liwan activity', { type: 'activity.participate', expertId: 'e1', organizationPath: liwanPath }, 'U F F A F F A A F F A F'],
  ],
  'governance.manage': [['Liwan plans and reports', { type: 'governance.manage', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
  'campaign.manage': [['start a campaign', { type: 'campaign.manage' }, 'U F F F F F F F F F A F']],
  'matches.subscribe': [
    ['for e1', { type: 'matches.subscribe', expert }, 'U F F A F F A A F F A F'],
    ['for every expert of the subtree (a partner: its own experts)', { type: 'matches.subscribe', expert: null }, 'U F F F F F A A A A A A'],
    ["for a partner's expert", { type: 'matches.subscribe', expert: { ...expert, partnerId: 'hk' } }, 'U F F A F F A A F F A A'],
    ["for another partner's expert", { type: 'matches.subscribe', expert: { ...expert, partnerId: 'mo' } }, 'U F F A F F A A F F A F'],
  ],
  'pool.read': [['technologies and projects', { type: 'pool.read' }, 'U A A A A A A A A A A A']],
  'pool.manage': [['a Liwan project', { type: 'pool.manage', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
  'pool.readContact': [['a Liwan technology contact', { type: 'pool.readContact', organizationPath: liwanPath }, 'U F F F F F A A F F A F']],
};

const rows = Object.values(matrix).flat() as Array<[string, Action, string]>;

describe('Policy: the access matrix (action × caller → decision)', () => {
  it.each(rows)('%s', (_name, action, expected) => {
    const actual = WHO.map((who) => {
      const decision = decide(principals[who], action);
      return decision.allowed ? 'A' : decision.code === 'FORBIDDEN' ? 'F' : 'U';
    }).join(' ');
    expect(`${action.type}: ${actual}`).toBe(`${action.type}: ${expected}`);
  });

  it('gives a reason with every refusal', () => {
    for (const [, action] of rows) {
      for (const who of WHO) {
        const decision = decide(principals[who], action);
        if (!decision.allowed) expect(decision.reason.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('Policy: partner scopes', () => {
  it('refuses a partner token without the scope, naming the scope', () => {
    const readOnly: Principal = { ...principals.partner, scopes: ['needs.read'] };
    expect(decide(readOnly, { type: 'partner.syncExperts' })).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      reason: 'This needs the OAuth scope experts.write',
    });
    expect(decide(readOnly, { type: 'partner.readMatches' }).allowed).toBe(true);
    const writeOnly: Principal = { ...principals.partner, scopes: ['experts.write'] };
    expect(decide(writeOnly, { type: 'partner.readMatches' })).toMatchObject({ allowed: false, reason: 'This needs the OAuth scope needs.read' });
    expect(decide(writeOnly, { type: 'partner.manageWebhooks' })).toMatchObject({ allowed: false, reason: 'This needs the OAuth scope needs.read' });
  });

  it('refuses a partner subscription without needs.read, naming the scope, before looking at the expert', () => {
    const writeOnly: Principal = { ...principals.partner, scopes: ['experts.write'] };
    const reason = 'This needs the OAuth scope needs.read';
    expect(decide(writeOnly, { type: 'matches.subscribe', expert: null })).toMatchObject({ allowed: false, code: 'FORBIDDEN', reason });
    expect(decide(writeOnly, { type: 'matches.subscribe', expert: { ...expert, partnerId: 'hk' } })).toMatchObject({ allowed: false, reason });
  });

  it("refuses a partner a mainland expert's matches", () => {
    expect(decide(principals.partner, { type: 'matches.subscribe', expert })).toMatchObject({
      allowed: false,
      reason: 'A partner platform may only listen for its own experts',
    });
  });
});

describe('Function: matchAudience', () => {
  it('listens for the expert itself, everyone for the province, the subtree for an organization admin', () => {
    expect(matchAudience(principals.self)).toEqual({ kind: 'SELF', expertId: 'e1' });
    expect(matchAudience(principals.prov)).toEqual({ kind: 'ALL' });
    expect(matchAudience(principals.gz)).toEqual({ kind: 'ORG', organizationId: 'gz' });
    // An expert whose EXPERT role was revoked no longer listens for itself.
    expect(matchAudience({ ...principals.self, roles: [] })).toEqual({ kind: 'ORG', organizationId: null });
  });

  it('listens for all of its own experts for a partner platform', () => {
    expect(matchAudience(principals.partner)).toEqual({ kind: 'PARTNER', partnerId: 'hk' });
  });
});
