import type { ServiceContext } from './context.js';
import type { GrantOrgAdminInput, RevokeOrgAdminInput, SetUserAccessInput } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import { AppError, ErrorCode } from '../errors.js';
import { requireText } from './inputs.js';
import type { Principal } from '../auth/principal.js';
import type { UserAccessRecord } from '../repositories/access.js';

/** Users' access: the province's switch (disable, revoke roles) and the organization admins' grants. */
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
    const current = await this.ctx.repos.access.get(input.userId);
    if (current?.erasedAt) throw new AppError(ErrorCode.CONFLICT, 'This account was erased by its owner', { field: 'userId' });
    const revokedRoles = [...new Set(input.revokedRoles ?? [])];
    // The grants (orgAdminOf, a linked expert) stay: disabling a user or revoking a role does not forget what it was granted.
    return this.ctx.repos.access.put({ ...current, userId: input.userId, disabled: input.disabled, revokedRoles, updatedAt: this.ctx.now() });
  }

  /**
   * Makes a user the ORG_ADMIN of an organization (replacing a previous grant), by an admin of an enclosing subtree of the
   * organization and of any previous grant. Audited; the user's next request reads it (its token does not change).
   */
  async grantOrgAdmin(input: GrantOrgAdminInput): Promise<UserAccessRecord> {
    const userId = requireText(input.userId, 'userId', 200);
    const organization = await this.ctx.repos.organizations.require(input.organizationId, 'organizationId');
    const current = await this.ctx.repos.access.get(userId);
    const previous = current?.orgAdminOf ? await this.ctx.repos.organizations.get(current.orgAdminOf) : undefined;
    authorize(
      this.ctx.principal,
      { type: 'access.grantOrgAdmin', organizationPaths: [organization.path, ...(previous ? [previous.path] : [])] },
      'organizationId',
    );
    if (current?.erasedAt) throw new AppError(ErrorCode.CONFLICT, 'This account was erased by its owner', { field: 'userId' });
    const roles = current?.roles && !current.roles.includes('ORG_ADMIN') ? [...current.roles, 'ORG_ADMIN' as const] : current?.roles;
    const record = await this.ctx.repos.access.grant(userId, { orgAdminOf: organization.id, ...(roles && { roles }) }, this.ctx.now());
    this.audit('org admin granted', { userId, organizationId: organization.id, previousOrganizationId: current?.orgAdminOf ?? null });
    return record;
  }

  /** Takes a user's ORG_ADMIN grant away, by an admin of an enclosing subtree of the granted organization. Audited. */
  async revokeOrgAdmin(input: RevokeOrgAdminInput): Promise<UserAccessRecord> {
    const userId = requireText(input.userId, 'userId', 200);
    const current = await this.ctx.repos.access.get(userId);
    const granted = current?.orgAdminOf ? await this.ctx.repos.organizations.get(current.orgAdminOf) : undefined;
    // No grant (or a grant of an organization since gone): only the province may look, so nobody learns who is an admin.
    authorize(this.ctx.principal, { type: 'access.grantOrgAdmin', organizationPaths: granted ? [granted.path] : [] }, 'userId');
    if (!current) throw new AppError(ErrorCode.NOT_FOUND, 'This user has no access record', { field: 'userId' });
    const roles = current.roles?.filter((r) => r !== 'ORG_ADMIN');
    const record = await this.ctx.repos.access.grant(userId, { orgAdminOf: null, ...(roles && { roles }) }, this.ctx.now());
    this.audit('org admin revoked', { userId, organizationId: current.orgAdminOf ?? null });
    return record;
  }

  /** One audit line per admin act: who did what to whom. */
  private audit(message: string, details: Record<string, unknown>): void {
    this.ctx.logger.info(`audit: ${message}`, { audit: true, ...details, principal: this.ctx.principal.userId, requestId: this.ctx.requestId });
  }
}
