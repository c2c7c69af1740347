import { AppError, ErrorCode } from '../errors.js';
import { hasRole, type Principal } from './principal.js';
import type { NeedStatus } from '../domain/needWorkflow.js';

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
  | { type: 'team.join'; expert: ExpertScope }
  | { type: 'expert.read' }
  | { type: 'expert.lookUp'; ownerPartnerId: string | null }
  | { type: 'expert.register' }
  | { type: 'expert.update'; expert: ExpertScope }
  | { type: 'expert.readPersonalData'; expert: ExpertScope }
  | { type: 'expert.readContact'; expert: ExpertScope }
  | { type: 'need.submit'; organizationPath: string[] }
  | { type: 'need.read'; need: NeedScope }
  | { type: 'need.link'; need: NeedScope }
  | { type: 'need.readContact'; need: NeedScope }
  | { type: 'need.manage'; need: NeedScope }
  | { type: 'need.grab'; need: NeedScope; matched: boolean }
  | { type: 'need.respond'; need: NeedScope; teamLeaderExpertId: string | null }
  | { type: 'need.serve'; need: NeedScope; teamLeaderExpertId: string | null }
  | { type: 'need.requesterStep'; need: NeedScope }
  | { type: 'need.rateDescription'; need: NeedScope }
  | { type: 'needs.listPublished'; status: NeedStatus | null }
  | { type: 'needs.listOrganization'; organizationPath: string[] }
  | { type: 'needs.listRegion'; regionCode: string; adminRegionCode: string }
  | { type: 'access.manage' }
  /** Grant or revoke ORG_ADMIN of an organization; `organizationPaths` the paths of the new and any previous grant. */
  | { type: 'access.grantOrgAdmin'; organizationPaths: ReadonlyArray<readonly string[]> }
  | { type: 'personalData.export' }
  | { type: 'account.delete' }
  | { type: 'activity.read' }
  | { type: 'activity.manage'; organizationPath: string[] }
  | { type: 'activity.participate'; expertId: string; organizationPath: string[] }
  | { type: 'governance.manage'; organizationPath: string[] }
  | { type: 'campaign.manage' }
  | { type: 'matches.subscribe'; expert: ExpertScope | null }
  | { type: 'pool.read' }
  | { type: 'pool.manage'; organizationPath: string[] }
  | { type: 'pool.readContact'; organizationPath: string[] }
  | { type: 'partner.manage' }
  | { type: 'partner.read'; partnerId: string }
  | { type: 'partner.syncExperts' }
  | { type: 'partner.readMatches' }
  | { type: 'partner.manageWebhooks' };

/** OAuth scopes a partner platform's token may carry (Cognito prefixes them with the resource server, `kezhi/`). */
export const PARTNER_SCOPE = { expertsWrite: 'experts.write', needsRead: 'needs.read' } as const;

/** What the policy needs to know of an expert. */
export interface ExpertScope {
  id: string;
  userId: string | null;
  /** Ids of every organization above (and including) the organizations the expert belongs to. */
  scopeOrganizationIds: string[];
  /** The partner platform that synced the expert and owns its record; absent (or null) for mainland experts. */
  partnerId?: string | null;
  /** What its partner attests the expert consented to. */
  consent?: { contactable: boolean };
}

/** True when the principal is the partner platform that owns the expert. */
export const isOwningPartner = (p: Principal, e: ExpertScope): boolean => p.kind === 'PARTNER' && p.partnerId !== null && e.partnerId === p.partnerId;

/** What the policy needs to know of a need. */
export interface NeedScope {
  organizationPath: string[];
  requesterUserId: string | null;
  postedBy: string;
  published: boolean;
  dispatchedExpertIds: string[];
  acceptedExpertIds: string[];
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

/** True when the principal is the expert itself (its own personal data: no masking, no audit line). */
export const isSelf = (p: Principal, e: ExpertScope): boolean =>
  (p.expertId !== null && p.expertId === e.id) || (p.userId !== null && e.userId !== null && p.userId === e.userId && p.kind === 'USER');

const isRequesterOf = (p: Principal, n: NeedScope) => p.userId !== null && (n.requesterUserId === p.userId || n.postedBy === p.userId);
/** A partner platform acting with one OAuth scope: FORBIDDEN naming the scope when the token lacks it. */
function partnerWithScope(p: Principal, scope: string): Decision {
  if (p.kind !== 'PARTNER' || !p.partnerId) return deny('Only a partner platform may do this');
  return p.scopes.includes(scope) ? allow : deny(`This needs the OAuth scope ${scope}`);
}

const isExpertIn = (p: Principal, ids: string[]) => p.expertId !== null && ids.includes(p.expertId);

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
    case 'expert.lookUp':
      // A partner platform reads and writes only its own experts: another platform's is not found, not masked.
      return p.kind === 'PARTNER' && action.ownerPartnerId !== null && action.ownerPartnerId !== p.partnerId
        ? deny("Another partner platform's expert")
        : allow;
    case 'team.read':
    case 'expert.read':
    case 'pool.read':
      return allow;
    case 'need.submit':
      if (hasRole(p, 'REQUESTER')) return allow;
      return managesPath(p, action.organizationPath) ? allow : deny('Only requesters, or admins on behalf of their subtree, may post needs');
    case 'need.read': {
      const n = action.need;
      if (managesPath(p, n.organizationPath) || isRequesterOf(p, n) || isExpertIn(p, n.dispatchedExpertIds)) return allow;
      return n.published && (hasRole(p, 'EXPERT') || hasRole(p, 'PARTNER') || hasRole(p, 'ORG_ADMIN')) ? allow : deny('This need is not published');
    }
    case 'need.link':
      // Linking a need to an activity or project shows it to whoever reads that record, so the caller
      // must be able to read it itself: an admin links its subtree's needs and any published one.
      return decide(p, { type: 'need.read', need: action.need }).allowed
        ? allow
        : deny('You may only link needs you may read: this one is unpublished and outside your subtree');
    case 'need.readContact': {
      const n = action.need;
      return managesPath(p, n.organizationPath) || isRequesterOf(p, n) || isExpertIn(p, n.dispatchedExpertIds) || isExpertIn(p, n.acceptedExpertIds)
        ? allow
        : deny("Only the requester, the handling admins and the serving experts see the requester's contact");
    }
    case 'need.manage':
      if (managesPath(p, action.need.organizationPath)) return allow;
      // An admin elsewhere is told why, not that the need is unpublished or that it needs to be an admin.
      if (hasRole(p, 'ORG_ADMIN')) return deny('This need belongs to an organization outside your subtree');
      return deny("Only admins of the need's organization subtree may do this");
    case 'need.grab':
      return hasRole(p, 'EXPERT') && action.matched ? allow : deny('Only an expert matched to this need may grab it');
    case 'need.respond':
      return isExpertIn(p, action.need.dispatchedExpertIds) || (action.teamLeaderExpertId !== null && p.expertId === action.teamLeaderExpertId)
        ? allow
        : deny('Only the dispatched experts or the leader of the dispatched team may answer');
    case 'need.serve':
      return isExpertIn(p, action.need.acceptedExpertIds) ||
        (action.teamLeaderExpertId !== null && p.expertId === action.teamLeaderExpertId) ||
        managesPath(p, action.need.organizationPath)
        ? allow
        : deny('Only the serving experts, the team leader or the handling admins may do this');
    case 'need.requesterStep':
      return isRequesterOf(p, action.need) ? allow : deny('Only the requester may do this');
    case 'need.rateDescription':
      return isExpertIn(p, action.need.acceptedExpertIds) ? allow : deny('Only an expert who served the need may rate its description');
    case 'needs.listPublished':
      if (!(hasRole(p, 'EXPERT') || hasRole(p, 'PARTNER') || hasRole(p, 'REQUESTER'))) return deny('Sign in as an expert, partner or admin to browse needs');
      if (action.status === null || action.status === 'OPEN') return allow;
      return deny('Only published (OPEN) needs can be browsed; requesters see their own with myNeeds');
    case 'needs.listOrganization':
      return managesPath(p, action.organizationPath) ? allow : deny('That organization is outside your subtree');
    case 'needs.listRegion':
      // Only a sanity check on the filter: the listing stays inside the admin's subtree whatever the region
      // (see needListingScope), so a region filter inside the admin's region narrows and never widens.
      return hasRole(p, 'PROVINCE_ADMIN') || action.regionCode.startsWith(action.adminRegionCode) ? allow : deny('That region is outside your organization');
    case 'activity.read':
      return allow;
    case 'activity.manage':
    case 'governance.manage':
      return managesPath(p, action.organizationPath) ? allow : deny('This belongs to an organization outside your subtree');
    case 'activity.participate':
      // A volunteer signs itself up and checks itself in; the organizing admins may do it for anyone.
      if (p.expertId === action.expertId && hasRole(p, 'EXPERT')) return allow;
      return managesPath(p, action.organizationPath) ? allow : deny('Only the volunteer or the organizing admins may do this');
    case 'campaign.manage':
      return hasRole(p, 'PROVINCE_ADMIN') ? allow : deny('Only the province runs campaigns');
    case 'access.manage':
      return hasRole(p, 'PROVINCE_ADMIN') ? allow : deny('Only the province manages user access');
    case 'access.grantOrgAdmin':
      // An admin of an enclosing subtree: the province, or ORG_ADMIN of the organization or above it, for every grant touched.
      if (hasRole(p, 'PROVINCE_ADMIN')) return allow;
      return action.organizationPaths.length > 0 && action.organizationPaths.every((path) => managesPath(p, path))
        ? allow
        : deny('Only an admin of an enclosing subtree may grant or revoke admins of an organization');
    case 'personalData.export':
      return p.kind === 'USER' && p.userId ? allow : deny('Only a signed-in person has personal data to export');
    case 'account.delete':
      if (!(p.kind === 'USER' && p.userId)) return deny('Only a signed-in person may delete its account');
      // An admin account is an office, not only a person: the province revokes the admin roles first (setUserAccess),
      // so no organization, and not the province itself, is left without its admin by one click.
      return hasRole(p, 'PROVINCE_ADMIN') || hasRole(p, 'ORG_ADMIN')
        ? deny('Ask the province to revoke your admin roles first; then you may delete your account')
        : allow;
    case 'matches.subscribe': {
      const e = action.expert;
      if (p.kind === 'PARTNER') {
        // A partner platform listens for its own experts only: all of them, or one by id; the scope comes first.
        const scoped = partnerWithScope(p, PARTNER_SCOPE.needsRead);
        if (!scoped.allowed || e === null) return scoped;
        return e.partnerId && e.partnerId === p.partnerId ? allow : deny('A partner platform may only listen for its own experts');
      }
      if (e === null)
        return hasRole(p, 'PROVINCE_ADMIN') || (hasRole(p, 'ORG_ADMIN') && p.organizationId !== null) ? allow : deny('Name the expert to listen for');
      if (isSelf(p, e) && hasRole(p, 'EXPERT')) return allow;
      if (hasRole(p, 'PROVINCE_ADMIN')) return allow;
      return hasRole(p, 'ORG_ADMIN') && p.organizationId !== null && e.scopeOrganizationIds.includes(p.organizationId)
        ? allow
        : deny('Only the expert and the admins of its organizations may listen for its matches');
    }
    case 'pool.manage':
    case 'pool.readContact':
      return managesPath(p, action.organizationPath) ? allow : deny('This belongs to an organization outside your subtree');
    case 'partner.manage':
      return hasRole(p, 'PROVINCE_ADMIN') ? allow : deny('Only the province manages partner platforms');
    case 'partner.read':
      // A partner platform reads its own record (its quota, status and terms); the province reads every one.
      if (hasRole(p, 'PROVINCE_ADMIN')) return allow;
      return p.kind === 'PARTNER' && p.partnerId === action.partnerId ? allow : deny('Only the province and the partner platform itself read its record');
    case 'partner.syncExperts':
      return partnerWithScope(p, PARTNER_SCOPE.expertsWrite);
    case 'partner.readMatches':
    case 'partner.manageWebhooks':
      // Webhooks deliver matched needs, so managing them needs the same scope as reading them.
      return partnerWithScope(p, PARTNER_SCOPE.needsRead);
    case 'team.manage':
      return managesPath(p, action.organizationPath) ? allow : deny('This team belongs to an organization outside your subtree');
    case 'team.join':
      // Joining is voluntary (志愿): accepting, applying, leaving and seeing one's invitations are the expert's own acts, no admin's.
      return isSelf(p, action.expert) ? allow : deny('Only the expert itself may join, answer an invitation to or leave a team');
    case 'expert.register':
      return p.kind === 'USER' && p.userId ? allow : deny('Only a signed-in person may register as an expert');
    case 'expert.readContact': {
      // Cross-border personal data: without consent to be contacted, no one outside the owning partner reads it.
      if (isOwningPartner(p, action.expert)) return allow;
      const base = decide(p, { type: 'expert.readPersonalData', expert: action.expert });
      if (!base.allowed) return base;
      return action.expert.consent?.contactable === false ? deny('The expert has not consented to be contacted outside its partner platform') : allow;
    }
    case 'expert.update':
    case 'expert.readPersonalData':
      if (action.type === 'expert.readPersonalData' && isOwningPartner(p, action.expert)) return allow;
      if (isSelf(p, action.expert)) return allow;
      if (hasRole(p, 'PROVINCE_ADMIN')) return allow;
      return hasRole(p, 'ORG_ADMIN') && p.organizationId !== null && action.expert.scopeOrganizationIds.includes(p.organizationId)
        ? allow
        : deny('Only the expert and the admins of its organizations may do this');
  }
}

/**
 * Which needs a listing may return for the principal: the province every need, an organization admin
 * its organization's subtree, anyone else only published (OPEN) needs (if `needs.listPublished` allows).
 * A SUBTREE scope holds whatever the filter says: a region or organization filter only narrows it.
 */
export type NeedListingScope = { kind: 'ALL' } | { kind: 'SUBTREE'; organizationId: string } | { kind: 'PUBLISHED' };

/** The needs listing scope of a principal (see NeedListingScope). */
export function needListingScope(p: Principal): NeedListingScope {
  if (hasRole(p, 'PROVINCE_ADMIN')) return { kind: 'ALL' };
  if (hasRole(p, 'ORG_ADMIN') && p.organizationId) return { kind: 'SUBTREE', organizationId: p.organizationId };
  return { kind: 'PUBLISHED' };
}

/** Whether one need lies within a listing scope (for reads of single candidates, e.g. search hits). */
export function withinNeedListingScope(scope: NeedListingScope, need: { organizationPath: readonly string[]; status: string }): boolean {
  switch (scope.kind) {
    case 'ALL':
      return true;
    case 'SUBTREE':
      return need.organizationPath.includes(scope.organizationId);
    case 'PUBLISHED':
      return need.status === 'OPEN';
  }
}

/**
 * Whom a `matchingNeedPosted` subscription without an explicit expert listens for: an expert itself; a partner
 * platform its own experts; otherwise the province everyone and an organization admin its organization's subtree. (Whether the
 * principal may listen at all is `matches.subscribe`.)
 */
export type MatchAudience =
  { kind: 'SELF'; expertId: string } | { kind: 'ALL' } | { kind: 'ORG'; organizationId: string | null } | { kind: 'PARTNER'; partnerId: string };

/** The audience of a subscription that names no expert (see MatchAudience); a partner platform listens for all its experts. */
export function matchAudience(p: Principal): MatchAudience {
  if (p.kind === 'PARTNER' && p.partnerId) return { kind: 'PARTNER', partnerId: p.partnerId };
  if (p.expertId && hasRole(p, 'EXPERT')) return { kind: 'SELF', expertId: p.expertId };
  return hasRole(p, 'PROVINCE_ADMIN') ? { kind: 'ALL' } : { kind: 'ORG', organizationId: p.organizationId };
}

/** True when needs the principal posts are its own as requester (it may then rate and withdraw them). */
export const postsAsRequester = (p: Principal): boolean => hasRole(p, 'REQUESTER');

/** True when `decide` allows the action. */
export const allows = (p: Principal, action: Action): boolean => decide(p, action).allowed;

/** Throws UNAUTHENTICATED or FORBIDDEN unless the action is allowed; `field` names the input that asked for it, if any. */
export function authorize(p: Principal, action: Action, field?: string): void {
  const decision = decide(p, action);
  if (!decision.allowed) throw new AppError(decision.code, decision.reason, field === undefined ? {} : { field });
}
