import { isRole } from '../../functions/lib/auth/principal.js';
import type { TokenClaims } from '../../functions/lib/auth/tokens.js';
import type { Store } from '../../functions/lib/data/store.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import type { AccessGrants } from '../../functions/lib/repositories/access.js';

/**
 * Makes the table say what a local token's flags ask for: a token carries only the caller's identity, so `roles:
 * ['ORG_ADMIN'], org` becomes the user's `orgAdminOf` grant and `roles: ['EXPERT'], expert` links the expert record to
 * the user, in its access record (through the repository, as grantOrgAdmin does); the asked roles are pinned there, so a
 * user holds exactly them (a requester who registers an expert stays a requester, as its flags said). PROVINCE_ADMIN is
 * the token's bootstrap group; nothing is written for a partner, whose client is its identity.
 */
export async function grantLocalFlags(store: Store, claims: TokenClaims, now = new Date().toISOString()): Promise<void> {
  if (claims.partner) return;
  const grants: AccessGrants = { roles: claims.roles.filter(isRole) };
  if (claims.roles.includes('ORG_ADMIN')) grants.orgAdminOf = claims.org ?? null;
  if (claims.roles.includes('EXPERT') && claims.expert) grants.expertId = claims.expert;
  await createRepositories(store).access.grant(claims.sub, grants, now);
}

/** The seeded admin user of an organization (granted ORG_ADMIN of it by the seed). */
export const seedOrgAdminUser = (organizationId: string): string => `seed-org-admin-${organizationId}`;
/** The seeded user linked to an expert (its access record names the expert). */
export const seedExpertUser = (expertId: string): string => `seed-expert-of-${expertId}`;
