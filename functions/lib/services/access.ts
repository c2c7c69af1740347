import type { ServiceContext } from './context.js';
import type { SetUserAccessInput } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { UserAccessRecord } from '../repositories/access.js';

/** The province's switch over users: disable, revoke roles. */
export class AccessService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** The caller, as the API sees it (anonymous without a token). */
  me(): Principal {
    return this.ctx.principal;
  }

  /** A user's access record (PROVINCE_ADMIN); null when the province never set one (full access). */
  async get(userId: string): Promise<UserAccessRecord | null> {
    authorize(this.ctx.principal, { type: 'access.manage' });
    return (await this.ctx.repos.access.get(userId)) ?? null;
  }

  /**
   * Disables a user or revokes roles (PROVINCE_ADMIN); it takes effect on the next request, open subscriptions end at the next
   * event. An account its owner erased is a CONFLICT on `userId`.
   */
  async set(input: SetUserAccessInput): Promise<UserAccessRecord> {
    authorize(this.ctx.principal, { type: 'access.manage' });
    // An erased account stays disabled: enabling it again would revive a token whose person's data is gone.
    if ((await this.ctx.repos.access.get(input.userId))?.erasedAt)
      throw new AppError(ErrorCode.CONFLICT, 'This account was erased by its owner', { field: 'userId' });
    const revokedRoles = [...new Set(input.revokedRoles ?? [])];
    return this.ctx.repos.access.put({ userId: input.userId, disabled: input.disabled, revokedRoles, updatedAt: this.ctx.now() });
  }
}
