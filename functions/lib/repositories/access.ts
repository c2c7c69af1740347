import { guardKey, userAccessKey, Entity, type Key } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import { TOKEN_ROLES, type Principal, type Role, type RoleGrant } from '../auth/principal.js';
import { partnerMayCall } from '../domain/partners.js';
import type { PartnerRepository } from './partners.js';

/**
 * What the table says about a user: its grants (the organization it administers, an expert record linked to it) and what
 * the province set (disabled, roles revoked). Absent means a signed-in user without grants: a REQUESTER.
 */
export interface UserAccessRecord {
  userId: string;
  disabled: boolean;
  revokedRoles: Role[];
  updatedAt: string;
  /** When the person erased its account (deleteMyAccount): the record then stays disabled with every role revoked. */
  erasedAt?: string;
  /** The organization the user administers (ORG_ADMIN of its subtree), granted by an admin of an enclosing subtree. */
  orgAdminOf?: string | null;
  /**
   * An expert record linked to the user by an operator (the local seed, tests); a user who registered itself is found
   * through the EXPERT_USER guard that registerExpert writes, without a link.
   */
  expertId?: string | null;
  /**
   * Roles pinned by local tooling (the test helper, the local seed and token script): when present, the table gives the
   * user exactly these of REQUESTER, EXPERT and ORG_ADMIN, as a local token's `--role` flags ask, instead of deriving
   * them (REQUESTER for a user without other roles, EXPERT for a user with an expert record). Absent on AWS: no API
   * writes it. The organization and the expert still come from the grants and the expert record.
   */
  roles?: Role[];
}

/** The grants of an access record that a change may set; undefined leaves one as it is, null removes it. */
export interface AccessGrants {
  orgAdminOf?: string | null;
  expertId?: string | null;
  roles?: Role[];
}

/** The roles the table gives (the token gives PROVINCE_ADMIN and PARTNER). */
const TABLE_ROLES: readonly Role[] = ['ORG_ADMIN', 'EXPERT', 'REQUESTER'];

/** User access records and partner standings, read in batches (one BatchGetItem for all recipients of an event). */
export class AccessRepository {
  constructor(
    private readonly store: Store,
    private readonly loader: ItemLoader,
    private readonly partners: PartnerRepository,
  ) {}

  async get(userId: string): Promise<UserAccessRecord | undefined> {
    const item = await this.loader.load(userAccessKey(userId));
    return item ? recordOf<UserAccessRecord>(item) : undefined;
  }

  /** The record read with strong consistency, in the tick's batch (ItemLoader.loadConsistent). */
  async getConsistent(userId: string): Promise<UserAccessRecord | undefined> {
    const item = await this.loader.loadConsistent(userAccessKey(userId));
    return item ? recordOf<UserAccessRecord>(item) : undefined;
  }

  /** The item of an access record, as `put` writes it. */
  itemOf(record: UserAccessRecord): Record<string, unknown> {
    return { ...userAccessKey(record.userId), entity: Entity.ACCESS, ...record };
  }

  async put(record: UserAccessRecord): Promise<UserAccessRecord> {
    await this.store.putItem(this.itemOf(record));
    this.loader.clear(userAccessKey(record.userId)).prime(userAccessKey(record.userId), { ...record });
    return record;
  }

  /**
   * Sets grants on a user's access record, keeping what the province set (disabled, revoked roles); creates the record
   * when there is none. Takes effect at the user's next request (the record is read on every request).
   */
  async grant(userId: string, grants: AccessGrants, now: string): Promise<UserAccessRecord> {
    const current = await this.store.get(userAccessKey(userId));
    const base: UserAccessRecord = current ? recordOf<UserAccessRecord>(current) : { userId, disabled: false, revokedRoles: [], updatedAt: now };
    const next: UserAccessRecord = { ...base, updatedAt: now };
    if (grants.orgAdminOf !== undefined) next.orgAdminOf = grants.orgAdminOf;
    if (grants.expertId !== undefined) next.expertId = grants.expertId;
    if (grants.roles !== undefined) next.roles = grants.roles.filter((r) => TABLE_ROLES.includes(r));
    return this.put(next);
  }

  /**
   * The principal as it stands now. A token gives only the caller's identity (and the PROVINCE_ADMIN bootstrap group, a
   * partner's client); roles and organization come from the table: ORG_ADMIN of the access record's `orgAdminOf`,
   * EXPERT when the user has an expert record (the EXPERT_USER guard that registerExpert writes, or a linked
   * `expertId`), and REQUESTER for a signed-in user with no other role. Then the province's settings apply: null when
   * disabled, otherwise without the revoked roles; a revoked EXPERT role also drops the expert id, which the policy
   * honours without the role (dispatched, serving, team leader); the person still reaches its own record through its
   * user id. A partner platform's token is null unless its partner record exists and is ACTIVE (suspended and revoked
   * partners are refused at once, not at token expiry), and takes the record's preferred language. The access record,
   * the expert guard and the partner record are read in the same tick through the request's loader, with strong
   * consistency, together with `readAhead` (the items the operation starts from, rootReads.ts): one BatchGetItem.
   * Idempotent: a principal it returned (kept with a subscription) is recomputed from its identity.
   */
  async effective(principal: Principal, readAhead: readonly Key[] = []): Promise<Principal | null> {
    const partnerId = principal.partnerId;
    const userId = principal.kind === 'USER' ? principal.userId : null;
    // Read consistently (a change of access applies to the next request), in one batch with what the operation starts from.
    this.loader.prefetchConsistent(readAhead);
    const [access, guard, partner] = await Promise.all([
      principal.userId ? this.getConsistent(principal.userId) : undefined,
      userId ? this.loader.loadConsistent(guardKey('EXPERT_USER', userId)) : undefined,
      partnerId ? this.partners.getConsistent(partnerId) : undefined,
    ]);
    if (partnerId && !partnerMayCall(partner?.status)) return null;
    const current = partner ? { ...principal, preferredLanguage: partner.preferredLanguage ?? principal.preferredLanguage } : principal;
    if (access?.disabled) return null;
    const granted: RoleGrant[] = (current.roleSources ?? current.roles.map((role) => ({ role, source: 'TOKEN_GROUP' as const }))).filter(
      (g) => TOKEN_ROLES.includes(g.role) && (g.source === 'TOKEN_GROUP' || g.source === 'TOKEN_CLIENT'),
    );
    let organizationId: string | null = null;
    let expertId: string | null = null;
    if (userId) {
      const pinned = access?.roles;
      const ownExpert = typeof guard?.ownerId === 'string' ? guard.ownerId : null;
      if (pinned ? pinned.includes('ORG_ADMIN') : access?.orgAdminOf) {
        granted.push({ role: 'ORG_ADMIN', source: 'ACCESS_RECORD' });
        organizationId = access?.orgAdminOf ?? null;
      }
      if (pinned ? pinned.includes('EXPERT') : (access?.expertId ?? ownExpert)) {
        expertId = access?.expertId ?? ownExpert;
        granted.push({ role: 'EXPERT', source: access?.expertId || pinned ? 'ACCESS_RECORD' : 'EXPERT_RECORD' });
      }
      if (pinned ? pinned.includes('REQUESTER') : granted.length === 0) granted.push({ role: 'REQUESTER', source: pinned ? 'ACCESS_RECORD' : 'SIGNED_IN' });
    }
    const revoked = access?.revokedRoles ?? [];
    const roleSources = granted.filter((g) => !revoked.includes(g.role));
    return {
      ...current,
      roles: [...new Set(roleSources.map((g) => g.role))],
      roleSources,
      organizationId,
      expertId: revoked.includes('EXPERT') ? null : expertId,
    };
  }
}
