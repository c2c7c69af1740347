import type { Resolvers } from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize } from '../auth/policy.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { checkPlacement, parentRegionCandidates, regionContains } from '../domain/organizations.js';
import { normalizePhone } from '../domain/personalData.js';
import type { OrganizationFilter, OrganizationRecord } from '../repositories/organizations.js';
import type { Context } from '../context.js';
import { optionalText, requireText, requireVersion } from '../services/inputs.js';

/** Loads an organization or fails with NOT_FOUND naming `field`. */
export async function requireOrganization(ctx: Context, id: string, field = 'id'): Promise<OrganizationRecord> {
  const org = await ctx.repos.organizations.get(id);
  if (!org) throw new AppError(ErrorCode.NOT_FOUND, `Organization ${id} not found`, { field });
  return org;
}

function checkFilter(filter: OrganizationFilter | null | undefined): OrganizationFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  return filter ?? {};
}

/** Finds the parent: the named one (checked), or the association of the nearest enclosing region. */
async function resolveParent(ctx: Context, kind: OrganizationRecord['kind'], regionCode: string, parentId: string | null | undefined) {
  const region = requireRegion(regionCode);
  let derived: string | undefined;
  for (const code of parentRegionCandidates(kind, region)) {
    derived = await ctx.repos.organizations.getAssociationIdOfRegion(code);
    if (derived) break;
  }
  const derivable = kind === 'ASSOCIATION' || kind === 'SOCIETY';
  if (parentId && derivable && derived && parentId !== derived) {
    throw badInput('parentId', `A ${kind.toLowerCase()} in ${regionCode} belongs under the association ${derived}`);
  }
  const chosen = parentId ?? derived;
  if (!chosen) {
    if (kind === 'ASSOCIATION' && region.level === 'PROVINCE') return null;
    throw badInput('regionCode', `No association encloses region ${regionCode} yet: create it first`);
  }
  const parent = await requireOrganization(ctx, chosen, 'parentId');
  if (!regionContains(parent.regionCode, regionCode)) {
    throw badInput('parentId', `The parent's region ${parent.regionCode} does not contain ${regionCode}`);
  }
  return parent;
}

/** Organizations: public names and places; contacts and writes for admins of the subtree. */
export const organizationResolvers: Resolvers = {
  Query: {
    organization: async (_p, { id }, ctx) => (await ctx.repos.organizations.get(id)) ?? null,
    organizations: async (_p, { filter, first, after }, ctx) =>
      toConnection(await ctx.repos.organizations.list(checkFilter(filter), { first, after })),
  },
  Mutation: {
    createOrganization: async (_p, { input }, ctx) => {
      const region = requireRegion(input.regionCode);
      checkPlacement(input.kind, region);
      if (input.level && input.level !== region.level) {
        throw badInput('level', `Region ${region.code} is at level ${region.level}, not ${input.level}`);
      }
      const name = requireText(input.name, 'name');
      const contactName = optionalText(input.contactName, 'contactName', 50) ?? null;
      const contactPhone = input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null;
      const parent = await resolveParent(ctx, input.kind, region.code, input.parentId);
      authorize(ctx.principal, { type: 'organization.create', parentPath: parent?.path ?? null });
      const id = ctx.newId();
      const now = ctx.now();
      const organization = await ctx.repos.organizations.create({
        id,
        name,
        kind: input.kind,
        level: region.level,
        regionCode: region.code,
        parentId: parent?.id ?? null,
        path: [...(parent?.path ?? []), id],
        contactName,
        contactPhone,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { organization };
    },
    updateOrganization: async (_p, { input }, ctx) => {
      const current = await requireOrganization(ctx, input.id);
      authorize(ctx.principal, { type: 'organization.update', path: current.path });
      // The condition is on the version the client read, not the one in this request's cache.
      const organization = await ctx.repos.organizations.update(
        { ...current, version: requireVersion(input.version) },
        {
          name: input.name == null ? undefined : requireText(input.name, 'name'),
          contactName: optionalText(input.contactName, 'contactName', 50),
          contactPhone: input.contactPhone === undefined ? undefined : input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null,
        },
        ctx.now(),
      );
      return { organization };
    },
  },
  Organization: {
    region: (o) => getRegion(o.regionCode) ?? requireRegion(o.regionCode),
    parent: async (o, _a, ctx) => (o.parentId ? ((await ctx.repos.organizations.get(o.parentId)) ?? null) : null),
    children: async (o, { filter, first, after }, ctx) =>
      toConnection(await ctx.repos.organizations.list({ ...checkFilter(filter), parentId: o.id }, { first, after })),
    teams: async (o, { first, after }, ctx) => {
      authorize(ctx.principal, { type: 'team.read' });
      return toConnection(await ctx.repos.teams.listByOrganization(o.id, { first, after }));
    },
    contactName: (o, _a, ctx) => (allows(ctx.principal, { type: 'organization.readContact', path: o.path }) ? o.contactName : null),
    contactPhone: (o, _a, ctx) => {
      if (!o.contactPhone || !allows(ctx.principal, { type: 'organization.readContact', path: o.path })) return null;
      ctx.logger.info('audit: personal data read', { audit: true, field: 'Organization.contactPhone', organizationId: o.id, principal: ctx.principal.userId });
      return o.contactPhone;
    },
  },
};
