import type { Resolvers, Language } from '../generated/graphql.js';
import { AppError, ErrorCode, badInput } from '../errors.js';
import { allows, authorize } from '../auth/policy.js';
import { toConnection } from '../data/pagination.js';
import { getRegion, requireRegion } from '../regions/index.js';
import { DOMAINS, domainTerm, isDomain } from '../vocabulary.js';
import { maskPhone, normalizeIdNumber, normalizePhone } from '../domain/personalData.js';
import type { ExpertFilter, ExpertRecord } from '../repositories/experts.js';
import type { Context } from '../context.js';
import { checkDomains, checkKeywords, optionalText, requireCurrentVersion, requireText, requireVersion } from '../services/inputs.js';

/** Loads an expert or fails with NOT_FOUND naming `field`. */
export async function requireExpert(ctx: Context, id: string, field = 'id'): Promise<ExpertRecord> {
  const expert = await ctx.repos.experts.get(id);
  if (!expert) throw new AppError(ErrorCode.NOT_FOUND, `Expert ${id} not found`, { field });
  return expert;
}

function checkLanguages(languages: readonly Language[]): Language[] {
  const unique = [...new Set(languages)];
  if (unique.length === 0) throw badInput('languages', 'Name at least one language');
  return unique;
}

function checkServiceRegions(codes: readonly string[]): string[] {
  const unique = [...new Set(codes)];
  unique.forEach((c) => requireRegion(c, 'serviceRegionCodes'));
  return unique;
}

function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 50) throw badInput('maxOpenAssignments', 'maxOpenAssignments must be between 1 and 50');
  return n;
}

function checkFilter(filter: ExpertFilter | null | undefined): ExpertFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
  return filter ?? {};
}

/** The talent pool (人才库): read by signed-in callers; phone masked, ID number never returned. */
export const expertResolvers: Resolvers = {
  Query: {
    domains: () => [...DOMAINS],
    expert: async (_p, { id }, ctx) => {
      authorize(ctx.principal, { type: 'expert.read' });
      return (await ctx.repos.experts.get(id)) ?? null;
    },
    experts: async (_p, { filter, first, after }, ctx) => {
      authorize(ctx.principal, { type: 'expert.read' });
      return toConnection(await ctx.repos.experts.list(checkFilter(filter), { first, after }));
    },
  },
  Mutation: {
    registerExpert: async (_p, { input }, ctx) => {
      authorize(ctx.principal, { type: 'expert.register' });
      const region = requireRegion(input.regionCode);
      const organization = input.organizationId ? await ctx.repos.organizations.get(input.organizationId) : undefined;
      if (input.organizationId && !organization) throw badInput('organizationId', `Organization ${input.organizationId} not found`);
      const now = ctx.now();
      const expert = await ctx.repos.experts.create({
        id: ctx.newId(),
        userId: ctx.principal.userId,
        name: requireText(input.name, 'name', 50),
        title: input.title,
        domains: checkDomains(input.domains),
        keywords: checkKeywords(input.keywords ?? []),
        affiliation: optionalText(input.affiliation, 'affiliation', 100) ?? null,
        organizationId: organization?.id ?? null,
        origin: input.origin,
        languages: checkLanguages(input.languages),
        regionCode: region.code,
        serviceRegionCodes: checkServiceRegions(input.serviceRegionCodes ?? [region.code]),
        availability: input.availability ?? 'AVAILABLE',
        maxOpenAssignments: checkCapacity(input.maxOpenAssignments ?? 3),
        phone: normalizePhone(input.phone),
        idNumber: input.idNumber ? normalizeIdNumber(input.idNumber, input.origin) : null,
        bio: optionalText(input.bio, 'bio') ?? null,
        scopeOrganizationIds: organization?.path ?? [],
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      return { expert };
    },
    updateExpert: async (_p, { input }, ctx) => {
      const version = requireVersion(input.version);
      const current = await ctx.repos.experts.requireFresh(input.id);
      authorize(ctx.principal, { type: 'expert.update', expert: current });
      requireCurrentVersion(current.version, version, 'expert');
      const expert = await ctx.repos.experts.update(
        current,
        {
          name: input.name == null ? undefined : requireText(input.name, 'name', 50),
          title: input.title ?? undefined,
          domains: input.domains == null ? undefined : checkDomains(input.domains),
          keywords: input.keywords == null ? undefined : checkKeywords(input.keywords),
          affiliation: optionalText(input.affiliation, 'affiliation', 100),
          languages: input.languages == null ? undefined : checkLanguages(input.languages),
          regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
          serviceRegionCodes: input.serviceRegionCodes == null ? undefined : checkServiceRegions(input.serviceRegionCodes),
          availability: input.availability ?? undefined,
          maxOpenAssignments: input.maxOpenAssignments == null ? undefined : checkCapacity(input.maxOpenAssignments),
          phone: input.phone == null ? undefined : normalizePhone(input.phone),
          idNumber: input.idNumber == null ? undefined : normalizeIdNumber(input.idNumber, current.origin),
          bio: optionalText(input.bio, 'bio'),
        },
        ctx.now(),
      );
      return { expert };
    },
  },
  Expert: {
    domains: (e) => e.domains.map(domainTerm),
    organization: async (e, _a, ctx) => (e.organizationId ? ((await ctx.repos.organizations.get(e.organizationId)) ?? null) : null),
    region: (e) => getRegion(e.regionCode) ?? requireRegion(e.regionCode),
    serviceRegions: (e) => e.serviceRegionCodes.flatMap((c) => getRegion(c) ?? []),
    phone: (e, _a, ctx) => {
      if (!allows(ctx.principal, { type: 'expert.readPersonalData', expert: e })) return maskPhone(e.phone);
      ctx.logger.info('audit: personal data read', { audit: true, field: 'Expert.phone', expertId: e.id, principal: ctx.principal.userId, roles: ctx.principal.roles });
      return e.phone;
    },
    teams: async (e, { first, after }, ctx) => toConnection(await ctx.repos.teams.listByMember(e.id, { first, after })),
  },
};
