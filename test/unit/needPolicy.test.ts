import { describe, expect, it } from 'vitest';
import { decide, needListingScope, withinNeedListingScope, postsAsRequester, type Action, type NeedScope } from '../../functions/lib/auth/policy.js';
import { anonymous, type Principal } from '../../functions/lib/auth/principal.js';

const user = (overrides: Partial<Principal>): Principal => ({ ...anonymous, kind: 'USER', userId: 'u', ...overrides });
const province = user({ roles: ['PROVINCE_ADMIN'] });
const gzAdmin = user({ roles: ['ORG_ADMIN'], organizationId: 'gz' });
const szAdmin = user({ roles: ['ORG_ADMIN'], organizationId: 'sz' });
const adminWithoutOrganization = user({ roles: ['ORG_ADMIN'] });
const expert = user({ roles: ['EXPERT'], userId: 'u-e', expertId: 'e1' });
const requester = user({ roles: ['REQUESTER'], userId: 'u-r' });
const partner: Principal = { ...anonymous, kind: 'PARTNER', roles: ['PARTNER'], partnerId: 'hk-platform' };
const noRole = user({ roles: [] });

const OUTSIDE_ORG = 'That organization is outside your subtree';
const OUTSIDE_REGION = 'That region is outside your organization';
const ADMINS_ONLY = "Only admins of the need's organization subtree may do this";

const shamianNeed = (published: boolean): NeedScope => ({
  organizationPath: ['gd', 'gz', 'liwan', 'shamian'],
  requesterUserId: 'u-r',
  postedBy: 'u-r',
  published,
  dispatchedExpertIds: [],
  acceptedExpertIds: [],
});

/** 'allow', or the refusal's code and reason. */
type Expected = string;
const outcome = (p: Principal, action: Action): Expected => {
  const decision = decide(p, action);
  return decision.allowed ? 'allow' : decision.code === 'UNAUTHENTICATED' ? decision.code : decision.reason;
};

describe('Function: needListingScope', () => {
  it.each([
    ['the province lists every need', province, { kind: 'ALL' }],
    ['an organization admin lists its subtree', gzAdmin, { kind: 'SUBTREE', organizationId: 'gz' }],
    ['an admin without an organization lists published needs', adminWithoutOrganization, { kind: 'PUBLISHED' }],
    ['an expert lists published needs', expert, { kind: 'PUBLISHED' }],
    ['a partner lists published needs', partner, { kind: 'PUBLISHED' }],
    ['a requester lists published needs', requester, { kind: 'PUBLISHED' }],
    ['anyone else is checked as a published listing', anonymous, { kind: 'PUBLISHED' }],
  ] as const)('%s', (_name, principal, scope) => {
    expect(needListingScope(principal)).toEqual(scope);
  });
});

describe('Function: postsAsRequester', () => {
  it('makes a requester the owner of the needs it posts, not an admin recording a survey', () => {
    expect(postsAsRequester(requester)).toBe(true);
    expect(postsAsRequester(gzAdmin)).toBe(false);
    expect(postsAsRequester(partner)).toBe(false);
  });
});

describe('Function: decide (needs listings and admin steps)', () => {
  const cases: Array<[string, Principal, Action, Expected]> = [
    ['an expert browses published needs', expert, { type: 'needs.listPublished', status: null }, 'allow'],
    ['a partner browses OPEN needs', partner, { type: 'needs.listPublished', status: 'OPEN' }, 'allow'],
    ['a requester browses published needs', requester, { type: 'needs.listPublished', status: null }, 'allow'],
    [
      'an expert does not browse submitted needs',
      expert,
      { type: 'needs.listPublished', status: 'SUBMITTED' },
      'Only published (OPEN) needs can be browsed; requesters see their own with myNeeds',
    ],
    ['someone without a role does not browse', noRole, { type: 'needs.listPublished', status: null }, 'Sign in as an expert, partner or admin to browse needs'],
    ['an anonymous caller signs in first', anonymous, { type: 'needs.listPublished', status: null }, 'UNAUTHENTICATED'],
    ["Guangzhou admin lists Shamian's needs", gzAdmin, { type: 'needs.listOrganization', organizationPath: ['gd', 'gz', 'liwan', 'shamian'] }, 'allow'],
    ["Guangzhou admin does not list Shenzhen's needs", gzAdmin, { type: 'needs.listOrganization', organizationPath: ['gd', 'sz'] }, OUTSIDE_ORG],
    ["Guangzhou admin does not list the province's needs", gzAdmin, { type: 'needs.listOrganization', organizationPath: ['gd'] }, OUTSIDE_ORG],
    ['Guangzhou admin lists a Liwan region', gzAdmin, { type: 'needs.listRegion', regionCode: '440103', adminRegionCode: '4401' }, 'allow'],
    ['Guangzhou admin lists its own region', gzAdmin, { type: 'needs.listRegion', regionCode: '4401', adminRegionCode: '4401' }, 'allow'],
    ['Guangzhou admin does not list Shenzhen', gzAdmin, { type: 'needs.listRegion', regionCode: '4403', adminRegionCode: '4401' }, OUTSIDE_REGION],
    ['Guangzhou admin does not list the whole province', gzAdmin, { type: 'needs.listRegion', regionCode: '44', adminRegionCode: '4401' }, OUTSIDE_REGION],
    ['the province lists any region', province, { type: 'needs.listRegion', regionCode: '4403', adminRegionCode: '44' }, 'allow'],
    ['Guangzhou admin manages a Shamian need', gzAdmin, { type: 'need.manage', need: shamianNeed(false) }, 'allow'],
    ['the province manages any need', province, { type: 'need.manage', need: shamianNeed(false) }, 'allow'],
    [
      'Shenzhen admin is told the need is outside its subtree (unpublished)',
      szAdmin,
      { type: 'need.manage', need: shamianNeed(false) },
      'This need belongs to an organization outside your subtree',
    ],
    [
      'Shenzhen admin is told the need is outside its subtree (published)',
      szAdmin,
      { type: 'need.manage', need: shamianNeed(true) },
      'This need belongs to an organization outside your subtree',
    ],
    ['an expert is told only admins may do this', expert, { type: 'need.manage', need: shamianNeed(true) }, ADMINS_ONLY],
    ['the requester is told only admins may do this', requester, { type: 'need.manage', need: shamianNeed(false) }, ADMINS_ONLY],
    ['an anonymous caller signs in first', anonymous, { type: 'need.manage', need: shamianNeed(true) }, 'UNAUTHENTICATED'],
    ['Shenzhen admin does not see an unpublished need', szAdmin, { type: 'need.read', need: shamianNeed(false) }, 'This need is not published'],
  ];

  it.each(cases)('%s', (_name, principal, action, expected) => {
    expect(outcome(principal, action)).toBe(expected);
  });
});

describe('Function: withinNeedListingScope', () => {
  const need = { organizationPath: ['prov', 'gz', 'liwan'], status: 'SUBMITTED' };
  it('holds every need for the province, its subtree for an admin, only OPEN needs for everyone else', () => {
    expect(withinNeedListingScope({ kind: 'ALL' }, need)).toBe(true);
    expect(withinNeedListingScope({ kind: 'SUBTREE', organizationId: 'gz' }, need)).toBe(true);
    expect(withinNeedListingScope({ kind: 'SUBTREE', organizationId: 'sz' }, need)).toBe(false);
    expect(withinNeedListingScope({ kind: 'PUBLISHED' }, need)).toBe(false);
    expect(withinNeedListingScope({ kind: 'PUBLISHED' }, { ...need, status: 'OPEN' })).toBe(true);
  });
});
