import { userAccessKey, Entity } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import type { Principal, Role } from '../auth/principal.js';
import { partnerMayCall } from '../domain/partners.js';
import type { PartnerRepository } from './partners.js';

/** What the province has set about a user: disabled, or roles revoked. Absent means full access. */
export interface UserAccessRecord {
  userId: string;
  disabled: boolean;
  revokedRoles: Role[];
  updatedAt: string;
  /** When the person erased its account (deleteMyAccount): the record then stays disabled with every role revoked. */
  erasedAt?: string;
}

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

  async put(record: UserAccessRecord): Promise<UserAccessRecord> {
    await this.store.putItem({ ...userAccessKey(record.userId), entity: Entity.ACCESS, ...record });
    this.loader.clear(userAccessKey(record.userId)).prime(userAccessKey(record.userId), { ...record });
    return record;
  }

  /**
   * The principal as it stands now: null when disabled, otherwise without its revoked roles. A revoked EXPERT
   * role also drops the expert id, which the policy honours without the role (dispatched, serving, team leader);
   * the person still reaches its own record through its user id. A partner platform's token is null unless its
   * partner record exists and is ACTIVE (suspended and revoked partners are refused at once, not at token expiry),
   * and takes the record's preferred language. The access record and the partner record are read in the same tick
   * through the request's loader: one BatchGetItem.
   */
  async effective(principal: Principal): Promise<Principal | null> {
    const partnerId = principal.partnerId;
    const [access, partner] = await Promise.all([
      principal.userId ? this.get(principal.userId) : undefined,
      partnerId ? this.partners.get(partnerId) : undefined,
    ]);
    if (partnerId && !partnerMayCall(partner?.status)) return null;
    const current = partner ? { ...principal, preferredLanguage: partner.preferredLanguage ?? principal.preferredLanguage } : principal;
    if (!access) return current;
    if (access.disabled) return null;
    const roles = current.roles.filter((r) => !access.revokedRoles.includes(r));
    return { ...current, roles, expertId: access.revokedRoles.includes('EXPERT') ? null : current.expertId };
  }
}
