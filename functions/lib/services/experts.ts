import type { ServiceContext } from './context.js';
import type { ExpertFilter as ExpertFilterInput, RegisterExpertInput, UpdateExpertInput } from '../generated/graphql.js';
import { allows, authorize, isSelf } from '../auth/policy.js';
import { expertIndexedText, textAnalyzer } from '../domain/text.js';
import { badInput } from '../errors.js';
import { requireRegion } from '../regions/index.js';
import { isDomain } from '../vocabulary.js';
import { DEFAULT_MAX_OPEN_ASSIGNMENTS, checkCapacity, checkLanguages, checkServiceRegions } from '../domain/experts.js';
import { auditExpiry, maskPhone, normalizeIdNumber, normalizePhone } from '../domain/personalData.js';
import type { ExpertFilter, ExpertRecord } from '../repositories/experts.js';
import type { NeedMatchRecord } from '../repositories/needs.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { checkDomains, checkKeywords, optionalText, requireCurrentVersion, requireText, requireVersion } from './inputs.js';

/** The talent pool: registration, profile edits, personal data, lists. */
export class ExpertService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One expert (signed-in callers); null when unknown. */
  async get(id: string): Promise<ExpertRecord | null> {
    authorize(this.ctx.principal, { type: 'expert.read' });
    const expert = await this.ctx.repos.experts.get(id);
    // Null like an unknown id: a partner does not learn that another platform's expert exists.
    return expert && allows(this.ctx.principal, { type: 'expert.lookUp', ownerPartnerId: expert.partnerId ?? null }) ? expert : null;
  }

  /** One page of experts matching every given filter (a regionCode filter is the base region's subtree). */
  list(filter: ExpertFilterInput | null | undefined, page: PageArgs): Promise<Page<ExpertRecord>> {
    authorize(this.ctx.principal, { type: 'expert.read' });
    return this.ctx.repos.experts.list(checkFilter(filter), page);
  }

  /** The organization that registered the expert, if any. */
  async organization(expert: ExpertRecord): Promise<OrganizationRecord | null> {
    return expert.organizationId ? ((await this.ctx.repos.organizations.get(expert.organizationId)) ?? null) : null;
  }

  /**
   * The expert's phone: whole for the expert and the admins of its organizations, masked (138****1234) for
   * everyone else; a partner's expert without consent to be contacted: whole for its partner only (`expert.readContact`). A read in full by someone other than the expert is an audit log line and an audit item the
   * expert sees in `myData` (one per expert and request); no audit item written, no phone.
   */
  async phone(expert: ExpertRecord): Promise<string> {
    const { principal, logger } = this.ctx;
    if (!allows(principal, { type: 'expert.readContact', expert })) return maskPhone(expert.phone);
    logger.info('audit: personal data read', { audit: true, field: 'Expert.phone', expertId: expert.id, principal: principal.userId, roles: principal.roles });
    if (!isSelf(principal, expert)) {
      const at = this.ctx.now();
      await this.ctx.repos.personalData.recordRead({
        expertId: expert.id,
        at,
        fields: ['Expert.phone'],
        readerUserId: principal.userId,
        readerPartnerId: principal.partnerId,
        readerRoles: principal.roles,
        readerOrganizationId: principal.organizationId,
        requestId: this.ctx.requestId,
        expiresAt: auditExpiry(at),
      });
    }
    return expert.phone;
  }

  /** The expert's inbox: open needs it was matched to, newest first (the expert and the admins of its organizations). */
  matchedNeeds(expert: ExpertRecord, page: PageArgs): Promise<Page<NeedMatchRecord>> {
    authorize(this.ctx.principal, { type: 'expert.readPersonalData', expert });
    return this.ctx.repos.needs.inbox(expert.id, page);
  }

  /** Self sign-up of the signed-in user (one expert per user, one per phone number). */
  async register(input: RegisterExpertInput): Promise<ExpertRecord> {
    const { repos, principal } = this.ctx;
    authorize(principal, { type: 'expert.register' });
    const region = requireRegion(input.regionCode);
    const organization = input.organizationId ? await repos.organizations.get(input.organizationId) : undefined;
    if (input.organizationId && !organization) throw badInput('organizationId', `Organization ${input.organizationId} not found`);
    const now = this.ctx.now();
    const name = requireText(input.name, 'name', 50);
    const keywords = checkKeywords(input.keywords ?? []);
    const affiliation = optionalText(input.affiliation, 'affiliation', 100) ?? null;
    const bio = optionalText(input.bio, 'bio') ?? null;
    return repos.experts.create({
      id: this.ctx.newId(),
      userId: principal.userId,
      name,
      title: input.title,
      domains: checkDomains(input.domains),
      keywords,
      affiliation,
      organizationId: organization?.id ?? null,
      origin: input.origin,
      languages: checkLanguages(input.languages),
      regionCode: region.code,
      serviceRegionCodes: checkServiceRegions(input.serviceRegionCodes ?? [region.code]),
      availability: input.availability ?? 'AVAILABLE',
      maxOpenAssignments: checkCapacity(input.maxOpenAssignments ?? DEFAULT_MAX_OPEN_ASSIGNMENTS),
      phone: normalizePhone(input.phone),
      idNumber: input.idNumber ? normalizeIdNumber(input.idNumber, input.origin) : null,
      bio,
      searchTerms: await expertSearchTerms({ name, keywords, affiliation, bio }),
      // In no team yet: the scope is the path of its own organization.
      scopeOrganizationIds: organization?.path ?? [],
      teamIds: [],
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Edits an expert's profile (the expert and the admins of its organizations; a stale version is a CONFLICT). */
  async update(input: UpdateExpertInput): Promise<ExpertRecord> {
    const { repos, principal } = this.ctx;
    const version = requireVersion(input.version);
    const current = await repos.experts.requireFresh(input.id);
    authorize(principal, { type: 'expert.update', expert: current });
    requireCurrentVersion(current.version, version, 'expert');
    const text = {
      name: input.name == null ? undefined : requireText(input.name, 'name', 50),
      keywords: input.keywords == null ? undefined : checkKeywords(input.keywords),
      affiliation: optionalText(input.affiliation, 'affiliation', 100),
      bio: optionalText(input.bio, 'bio'),
    };
    const textChanged = Object.values(text).some((v) => v !== undefined);
    return repos.experts.update(
      current,
      {
        ...text,
        title: input.title ?? undefined,
        domains: input.domains == null ? undefined : checkDomains(input.domains),
        languages: input.languages == null ? undefined : checkLanguages(input.languages),
        regionCode: input.regionCode == null ? undefined : requireRegion(input.regionCode).code,
        serviceRegionCodes: input.serviceRegionCodes == null ? undefined : checkServiceRegions(input.serviceRegionCodes),
        availability: input.availability ?? undefined,
        maxOpenAssignments: input.maxOpenAssignments == null ? undefined : checkCapacity(input.maxOpenAssignments),
        phone: input.phone == null ? undefined : normalizePhone(input.phone),
        idNumber: input.idNumber == null ? undefined : normalizeIdNumber(input.idNumber, current.origin),
        // New text, new terms: the update moves the term items (old ones deleted) in the same transaction.
        searchTerms: textChanged || !current.searchTerms ? await expertSearchTerms({ ...current, ...definedOnly(text) }) : undefined,
      },
      this.ctx.now(),
    );
  }
}

/** An expert's search terms (see `expertIndexedText`); partner sync writes them the same way. */
export async function expertSearchTerms(e: Pick<ExpertRecord, 'name' | 'keywords' | 'affiliation' | 'bio'>) {
  return (await textAnalyzer()).indexTerms(expertIndexedText(e));
}

/** The fields given (a null clears a field, so it counts as given). */
const definedOnly = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Known region code and domain in the filter (BAD_USER_INPUT on `filter.regionCode` / `filter.domain`). */
function checkFilter(filter: ExpertFilterInput | null | undefined): ExpertFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  if (filter?.domain && !isDomain(filter.domain)) throw badInput('filter.domain', `Unknown domain "${filter.domain}"`);
  return filter ?? {};
}
