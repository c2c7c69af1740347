import { userAccessKey, Entity } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import type { Store } from '../data/store.js';
import type { Principal, Role } from '../auth/principal.js';

/** What the province has set about a user: disabled, or roles revoked. Absent means full access. */
export interface UserAccessRecord {
  userId: string;
  disabled: boolean;
  revokedRoles: Role[];
  updatedAt: string;
  /** When the person erased its account (deleteMyAccount): the record then stays disabled with every role revoked. */
  erasedAt?: string;
}

/** User access records, read in batches (one BatchGetItem for all recipients of an event). */
export class AccessRepository {
  constructor(
    private readonly store: Store,
    private readonly loader: ItemLoader,
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
   * the person still reaches its own record through its user id.
   */
  async effective(principal: Principal): Promise<Principal | null> {
    if (!principal.userId) return principal;
    const access = await this.get(principal.userId);
    if (!access) return principal;
    if (access.disabled) return null;
    const roles = principal.roles.filter((r) => !access.revokedRoles.includes(r));
    return { ...principal, roles, expertId: access.revokedRoles.includes('EXPERT') ? null : principal.expertId };
  }
}
