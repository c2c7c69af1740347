import { AppError, ErrorCode } from '../errors.js';
import { hasRole, type Principal } from './principal.js';

/**
 * The one place that decides access. Resolvers describe what they are about to do as an `Action`
 * and call `authorize`; they never inspect roles themselves.
 *
 * Scope: an ORG_ADMIN manages the subtree of its organization. Every organization carries `path`,
 * the ids from the province association down to itself, so "is X in my subtree?" needs no read.
 */
export type Action =
  | { type: 'organization.create'; parentPath: string[] | null }
  | { type: 'organization.update'; path: string[] }
  | { type: 'organization.readContact'; path: string[] }
  | { type: 'team.read' }
  | { type: 'team.manage'; organizationPath: string[] }
  | { type: 'expert.read' }
  | { type: 'expert.register' }
  | { type: 'expert.update'; expert: ExpertScope }
  | { type: 'expert.readPersonalData'; expert: ExpertScope }
  | { type: 'pool.read' }
  | { type: 'pool.manage'; organizationPath: string[] }
  | { type: 'pool.readContact'; organizationPath: string[] };

/** What the policy needs to know of an expert. */
export interface ExpertScope {
  id: string;
  userId: string | null;
  /** Ids of every organization above (and including) the organizations the expert belongs to. */
  scopeOrganizationIds: string[];
}

export type Decision = { allowed: true } | { allowed: false; code: typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.FORBIDDEN; reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, code: ErrorCode.FORBIDDEN, reason });
const signIn: Decision = { allowed: false, code: ErrorCode.UNAUTHENTICATED, reason: 'Sign in to do this' };

/** True when the principal administers an organization on `path` (its own or an ancestor). */
export function managesPath(p: Principal, path: readonly string[]): boolean {
  if (hasRole(p, 'PROVINCE_ADMIN')) return true;
  return hasRole(p, 'ORG_ADMIN') && p.organizationId !== null && path.includes(p.organizationId);
}

const isSelf = (p: Principal, e: ExpertScope) =>
  (p.expertId !== null && p.expertId === e.id) || (p.userId !== null && e.userId !== null && p.userId === e.userId && p.kind === 'USER');

/** Decides one action for one principal. */
export function decide(p: Principal, action: Action): Decision {
  if (p.kind === 'ANONYMOUS') return signIn;
  switch (action.type) {
    case 'organization.create':
      if (action.parentPath === null) return hasRole(p, 'PROVINCE_ADMIN') ? allow : deny('Only the province may create a root organization');
      return managesPath(p, action.parentPath) ? allow : deny('You may only create organizations inside your own subtree');
    case 'organization.update':
    case 'organization.readContact':
      return managesPath(p, action.path) ? allow : deny('This organization is outside your subtree');
    case 'team.read':
    case 'expert.read':
    case 'pool.read':
      return allow;
    case 'pool.manage':
    case 'pool.readContact':
      return managesPath(p, action.organizationPath) ? allow : deny('This belongs to an organization outside your subtree');
    case 'team.manage':
      return managesPath(p, action.organizationPath) ? allow : deny("This team belongs to an organization outside your subtree");
    case 'expert.register':
      return p.kind === 'USER' && p.userId ? allow : deny('Only a signed-in person may register as an expert');
    case 'expert.update':
    case 'expert.readPersonalData':
      if (isSelf(p, action.expert)) return allow;
      if (hasRole(p, 'PROVINCE_ADMIN')) return allow;
      return hasRole(p, 'ORG_ADMIN') && p.organizationId !== null && action.expert.scopeOrganizationIds.includes(p.organizationId)
        ? allow
        : deny('Only the expert and the admins of its organizations may do this');
  }
}

/** True when `decide` allows the action. */
export const allows = (p: Principal, action: Action): boolean => decide(p, action).allowed;

/** Throws UNAUTHENTICATED or FORBIDDEN unless the action is allowed. */
export function authorize(p: Principal, action: Action): void {
  const decision = decide(p, action);
  if (!decision.allowed) throw new AppError(decision.code, decision.reason);
}
