import { describe, expect, it } from 'vitest';
import { decide, type Action } from '../../functions/lib/auth/policy.js';
import { anonymous, principalFromClaims, type Principal } from '../../functions/lib/auth/principal.js';

const user = (overrides: Partial<Principal>): Principal => ({ ...anonymous, kind: 'USER', userId: 'u', ...overrides });
const province = user({ roles: ['PROVINCE_ADMIN'] });
const gzAdmin = user({ roles: ['ORG_ADMIN'], organizationId: 'gz' });
const szAdmin = user({ roles: ['ORG_ADMIN'], organizationId: 'sz' });
const expertSelf = user({ roles: ['EXPERT'], userId: 'u-e', expertId: 'e1' });
const otherExpert = user({ roles: ['EXPERT'], userId: 'u-o', expertId: 'e2' });
const requester = user({ roles: ['REQUESTER'], userId: 'u-r' });
const partner: Principal = { ...anonymous, kind: 'PARTNER', roles: ['PARTNER'], partnerId: 'hk-platform' };

const shamianPath = ['gd', 'gz', 'liwan', 'shamian'];
const expert = { id: 'e1', userId: 'u-e', scopeOrganizationIds: ['gd', 'gz', 'liwan'] };

const cases: Array<[string, Principal, Action, 'allow' | 'FORBIDDEN' | 'UNAUTHENTICATED']> = [
  ['anonymous creates nothing', anonymous, { type: 'organization.create', parentPath: shamianPath }, 'UNAUTHENTICATED'],
  ['anonymous reads no teams', anonymous, { type: 'team.read' }, 'UNAUTHENTICATED'],
  ['province creates the root', province, { type: 'organization.create', parentPath: null }, 'allow'],
  ['an org admin does not create a root', gzAdmin, { type: 'organization.create', parentPath: null }, 'FORBIDDEN'],
  ['Guangzhou admin creates under Shamian', gzAdmin, { type: 'organization.create', parentPath: shamianPath }, 'allow'],
  ['Shenzhen admin does not create under Shamian', szAdmin, { type: 'organization.create', parentPath: shamianPath }, 'FORBIDDEN'],
  ['Guangzhou admin manages a Shamian team', gzAdmin, { type: 'team.manage', organizationPath: shamianPath }, 'allow'],
  ["Guangzhou admin does not manage Shenzhen's teams", gzAdmin, { type: 'team.manage', organizationPath: ['gd', 'sz', 'futian'] }, 'FORBIDDEN'],
  ['Guangzhou admin does not manage the province', gzAdmin, { type: 'organization.update', path: ['gd'] }, 'FORBIDDEN'],
  ['a requester manages no team', requester, { type: 'team.manage', organizationPath: shamianPath }, 'FORBIDDEN'],
  ['an expert edits itself', expertSelf, { type: 'expert.update', expert }, 'allow'],
  ['an expert does not edit another', otherExpert, { type: 'expert.update', expert }, 'FORBIDDEN'],
  ['an admin of its organizations sees its phone', gzAdmin, { type: 'expert.readPersonalData', expert }, 'allow'],
  ['another admin does not', szAdmin, { type: 'expert.readPersonalData', expert }, 'FORBIDDEN'],
  ['a requester may register as an expert', requester, { type: 'expert.register' }, 'allow'],
  ['a partner platform may not self-register', partner, { type: 'expert.register' }, 'FORBIDDEN'],
];

describe('policy: decide', () => {
  it.each(cases)('%s', (_name, principal, action, expected) => {
    const decision = decide(principal, action);
    expect(decision.allowed ? 'allow' : decision.code).toBe(expected);
  });
});

describe('principalFromClaims', () => {
  it('takes only the identity from local claims: roles, org and expert claims grant nothing (the table does)', () => {
    expect(principalFromClaims({ sub: 's', roles: ['ORG_ADMIN', 'NOT_A_ROLE'], org: 'gz', expert: 'e1' })).toMatchObject({
      kind: 'USER',
      userId: 's',
      roles: [],
      organizationId: null,
      expertId: null,
    });
  });

  it("reads Cognito ID tokens and users' access tokens as the user, the PROVINCE_ADMIN group as the only role, and client-credentials tokens as partners", () => {
    expect(principalFromClaims({ sub: 's', 'cognito:username': 's', 'cognito:groups': ['EXPERT'], 'custom:expert': 'e1', token_use: 'id' })).toMatchObject({
      kind: 'USER',
      roles: [],
      expertId: null,
    });
    expect(principalFromClaims({ sub: 's', 'cognito:groups': ['PROVINCE_ADMIN', 'ORG_ADMIN'], token_use: 'id' })).toMatchObject({
      kind: 'USER',
      roles: ['PROVINCE_ADMIN'],
      roleSources: [{ role: 'PROVINCE_ADMIN', source: 'TOKEN_GROUP' }],
    });
    // A user's access token has a username and Cognito's own scope: the user, not a partner platform.
    expect(principalFromClaims({ sub: 's', username: 's', client_id: 'web-app', token_use: 'access', scope: 'aws.cognito.signin.user.admin' })).toMatchObject({
      kind: 'USER',
      userId: 's',
      roles: [],
      partnerId: null,
      scopes: [],
    });
    expect(principalFromClaims({ sub: 'client', client_id: 'hk-platform', token_use: 'access', scope: 'kezhi/experts.write kezhi/needs.read' })).toMatchObject({
      kind: 'PARTNER',
      roles: ['PARTNER'],
      partnerId: 'hk-platform',
      // The resource server's prefix is dropped, so the policy checks one spelling on AWS and locally.
      scopes: ['experts.write', 'needs.read'],
    });
  });
});
