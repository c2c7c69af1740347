import type { ServiceContext } from './context.js';
import type { CreateOrganizationInput, OrganizationFilter as OrganizationFilterInput, UpdateOrganizationInput } from '../generated/graphql.js';
import { allows, authorize } from '../auth/policy.js';
import { namedIndexedText, textAnalyzer } from '../domain/text.js';
import { requireRegion, type Region } from '../regions/index.js';
import { checkLevel, checkParentRegion, checkPlacement, chooseParentId, newOrganizationRecord, parentRegionCandidates } from '../domain/organizations.js';
import { normalizePhone } from '../domain/personalData.js';
import type { OrganizationFilter, OrganizationKind, OrganizationRecord } from '../repositories/organizations.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { optionalText, requireText, requireVersion } from './inputs.js';

/** Organizations of the four-level network: create, update, read with contact rules, lists. */
export class OrganizationService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One organization by id (names and places are public); null when unknown. */
  async get(id: string): Promise<OrganizationRecord | null> {
    return (await this.ctx.repos.organizations.get(id)) ?? null;
  }

  /** The organization another record refers to: NOT_FOUND (naming `field`) when it does not exist. */
  require(id: string, field = 'id'): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(id, field);
  }

  /** One page of organizations matching every given filter (a regionCode filter is the region's subtree). */
  list(filter: OrganizationFilterInput | null | undefined, page: PageArgs): Promise<Page<OrganizationRecord>> {
    return this.ctx.repos.organizations.list(checkFilter(filter), page);
  }

  /** One page of the organizations directly under `organization`, filtered. */
  children(organization: OrganizationRecord, filter: OrganizationFilterInput | null | undefined, page: PageArgs): Promise<Page<OrganizationRecord>> {
    return this.ctx.repos.organizations.list({ ...checkFilter(filter), parentId: organization.id }, page);
  }

  /** The parent organization, if any. */
  async parent(organization: OrganizationRecord): Promise<OrganizationRecord | null> {
    return organization.parentId ? this.get(organization.parentId) : null;
  }

  /** The contact person, for admins of the organization's subtree only (null for everyone else). */
  contactName(organization: OrganizationRecord): string | null {
    return allows(this.ctx.principal, { type: 'organization.readContact', path: organization.path }) ? organization.contactName : null;
  }

  /** The contact phone, for admins of the organization's subtree only; each read is an audit log line. */
  contactPhone(organization: OrganizationRecord): string | null {
    const { principal, logger } = this.ctx;
    if (!organization.contactPhone || !allows(principal, { type: 'organization.readContact', path: organization.path })) return null;
    logger.info('audit: personal data read', { audit: true, field: 'Organization.contactPhone', organizationId: organization.id, principal: principal.userId });
    return organization.contactPhone;
  }

  /**
   * Creates an organization: its level is its region's, its parent the named one or the association of
   * the nearest enclosing region; an admin may only create inside its own subtree.
   */
  async create(input: CreateOrganizationInput): Promise<OrganizationRecord> {
    const region = requireRegion(input.regionCode);
    checkPlacement(input.kind, region);
    checkLevel(input.level, region);
    const name = requireText(input.name, 'name');
    const contactName = optionalText(input.contactName, 'contactName', 50) ?? null;
    const contactPhone = input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null;
    const parent = await this.parentFor(input.kind, region, input.parentId);
    authorize(this.ctx.principal, { type: 'organization.create', parentPath: parent?.path ?? null });
    const id = this.ctx.newId();
    const now = this.ctx.now();
    const searchTerms = (await textAnalyzer()).indexTerms(namedIndexedText(name));
    return this.ctx.repos.organizations.create(
      newOrganizationRecord({ id, name, kind: input.kind, region, parent, contactName, contactPhone, searchTerms, now }),
    );
  }

  /** Renames an organization or changes its contact (admins of its subtree; a stale version is a CONFLICT). */
  async update(input: UpdateOrganizationInput): Promise<OrganizationRecord> {
    const current = await this.ctx.repos.organizations.require(input.id);
    authorize(this.ctx.principal, { type: 'organization.update', path: current.path });
    // The condition is on the version the client read, not the one in this request's cache.
    const expected = { ...current, version: requireVersion(input.version) };
    const name = input.name == null ? undefined : requireText(input.name, 'name');
    const fields = {
      name,
      // A new name, new terms (the update moves the term items); older organizations get theirs on any update.
      searchTerms: name !== undefined || !current.searchTerms ? (await textAnalyzer()).indexTerms(namedIndexedText(name ?? current.name)) : undefined,
      contactName: optionalText(input.contactName, 'contactName', 50),
      contactPhone: input.contactPhone === undefined ? undefined : input.contactPhone ? normalizePhone(input.contactPhone, 'contactPhone') : null,
    };
    return this.ctx.repos.organizations.update(expected, fields, this.ctx.now());
  }

  /** The parent of a new organization (see chooseParentId), loaded; null for the province's association. */
  private async parentFor(kind: OrganizationKind, region: Region, named: string | null | undefined): Promise<OrganizationRecord | null> {
    let derived: string | undefined;
    for (const code of parentRegionCandidates(kind, region)) {
      derived = await this.ctx.repos.organizations.getAssociationIdOfRegion(code);
      if (derived) break;
    }
    const parentId = chooseParentId(kind, region, named, derived);
    if (!parentId) return null;
    const parent = await this.ctx.repos.organizations.require(parentId, 'parentId');
    checkParentRegion(parent.regionCode, region.code);
    return parent;
  }
}

/** A known region code in the filter (BAD_USER_INPUT on `filter.regionCode` otherwise). */
function checkFilter(filter: OrganizationFilterInput | null | undefined): OrganizationFilter {
  if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
  return filter ?? {};
}
