import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, managesPath, needListingScope, type Action, type NeedScope } from '../../functions/lib/auth/policy.js';
import { anonymous, type Principal, type Role } from '../../functions/lib/auth/principal.js';

/** A random organization tree: node 0 is the root, node i > 0 hangs under a node before it. */
const trees = fc.array(fc.nat(), { minLength: 1, maxLength: 60 }).map((raw) => [-1, ...raw.map((r, i) => r % (i + 1))]);
/** A tree with an admin's node and a target node in it. */
const scenarios = trees.chain((parents) => fc.record({ parents: fc.constant(parents), admin: fc.nat(parents.length - 1), target: fc.nat(parents.length - 1) }));
/** Ids that are prefixes of one another (org-1, org-12): a subtree is a set of ids, not a string prefix. */
const id = (i: number) => `org-${i}`;

/** The ids from the root down to node i (as every organization record carries them). */
function pathOf(parents: number[], i: number): string[] {
  const path: string[] = [];
  for (let n = i; n >= 0; n = parents[n] ?? -1) path.unshift(id(n));
  return path;
}

/** Whether `target` is `admin` or below it, by walking parent pointers (not through the paths the policy reads). */
function inSubtree(parents: number[], admin: number, target: number): boolean {
  for (let n = target; n >= 0; n = parents[n] ?? -1) if (n === admin) return true;
  return false;
}

const user = (roles: Role[], organizationId: string | null, overrides: Partial<Principal> = {}): Principal => ({
  ...anonymous,
  kind: 'USER',
  userId: 'u-caller',
  roles,
  organizationId,
  ...overrides,
});

const unpublished = (organizationPath: string[]): NeedScope => ({
  organizationPath,
  requesterUserId: 'u-requester',
  postedBy: 'u-requester',
  published: false,
  dispatchedExpertIds: [],
  acceptedExpertIds: [],
});

/** Every action decided on an organization's place in the tree, for a record at `path`. */
function subtreeActions(path: string[]): Action[] {
  const need = unpublished(path);
  const expert = { id: 'e-subject', userId: 'u-subject', scopeOrganizationIds: path };
  return [
    { type: 'organization.create', parentPath: path },
    { type: 'organization.update', path },
    { type: 'organization.readContact', path },
    { type: 'team.manage', organizationPath: path },
    { type: 'activity.manage', organizationPath: path },
    { type: 'activity.participate', expertId: 'e-subject', organizationPath: path },
    { type: 'governance.manage', organizationPath: path },
    { type: 'pool.manage', organizationPath: path },
    { type: 'pool.readContact', organizationPath: path },
    { type: 'needs.listOrganization', organizationPath: path },
    { type: 'need.submit', organizationPath: path },
    { type: 'need.read', need },
    { type: 'need.link', need },
    { type: 'need.readContact', need },
    { type: 'need.manage', need },
    { type: 'need.serve', need, teamLeaderExpertId: null },
    { type: 'expert.update', expert },
    { type: 'expert.readPersonalData', expert },
    { type: 'matches.subscribe', expert },
  ];
}

describe('Property: an organization admin acts exactly on its subtree', () => {
  it('allows every subtree action inside the admin’s subtree and refuses it (FORBIDDEN) everywhere else, in random trees', () => {
    fc.assert(
      fc.property(scenarios, ({ parents, admin, target }) => {
        const principal = user(['ORG_ADMIN'], id(admin));
        const path = pathOf(parents, target);
        const inside = inSubtree(parents, admin, target);
        expect(managesPath(principal, path)).toBe(inside);
        for (const action of subtreeActions(path)) {
          const decision = decide(principal, action);
          expect({ action: action.type, allowed: decision.allowed }).toEqual({ action: action.type, allowed: inside });
          if (!decision.allowed) expect(decision.code).toBe('FORBIDDEN');
        }
        expect(needListingScope(principal)).toEqual({ kind: 'SUBTREE', organizationId: id(admin) });
      }),
      { numRuns: 500 },
    );
  });

  it('lets the province act everywhere and no other role anywhere (whatever organization its token names), in random trees', () => {
    fc.assert(
      fc.property(scenarios, ({ parents, admin, target }) => {
        const organization = id(admin);
        const path = pathOf(parents, target);
        const province = user(['PROVINCE_ADMIN'], null);
        const others = [
          user(['REQUESTER'], organization),
          user(['EXPERT'], organization, { expertId: 'e-other' }),
          user(['ORG_ADMIN'], null),
          { ...anonymous, kind: 'PARTNER', userId: 'client', roles: ['PARTNER'], partnerId: 'p', organizationId: organization } satisfies Principal,
        ];
        for (const action of subtreeActions(path)) {
          expect(decide(province, action).allowed).toBe(true);
          // need.submit is every requester's own act, wherever the need is.
          for (const p of others.filter((o) => !(action.type === 'need.submit' && o.roles.includes('REQUESTER')))) {
            expect({ action: action.type, roles: p.roles, allowed: decide(p, action).allowed }).toEqual({
              action: action.type,
              roles: p.roles,
              allowed: false,
            });
          }
          expect(decide(anonymous, action)).toMatchObject({ allowed: false, code: 'UNAUTHENTICATED' });
        }
      }),
      { numRuns: 200 },
    );
  });
});
