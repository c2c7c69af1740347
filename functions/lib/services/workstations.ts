import type { ServiceContext } from './context.js';
import type { CreateWorkstationInput, UpdateWorkstationInput, WorkstationFilter } from '../generated/graphql.js';
import { authorize } from '../auth/policy.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { requireRegion } from '../regions/index.js';
import type { ActivityRecord } from '../repositories/activities.js';
import type { ExpertRecord } from '../repositories/experts.js';
import type { OrganizationRecord } from '../repositories/organizations.js';
import type { WorkstationRecord } from '../repositories/workstations.js';
import { requireText, requireVersion } from './inputs.js';

/** Workstations (academician-expert, society service, S&T expert service stations). */
export class WorkstationService {
  constructor(protected readonly ctx: ServiceContext) {}

  /** One workstation (any signed-in caller), or null. */
  async workstation(id: string): Promise<WorkstationRecord | null> {
    authorize(this.ctx.principal, { type: 'activity.read' });
    return (await this.ctx.repos.workstations.get(id)) ?? null;
  }

  /** Workstations by kind and region subtree. */
  async workstations(filter: WorkstationFilter | null | undefined, page: PageArgs): Promise<Page<WorkstationRecord>> {
    authorize(this.ctx.principal, { type: 'activity.read' });
    if (filter?.regionCode) requireRegion(filter.regionCode, 'filter.regionCode');
    return this.ctx.repos.workstations.list(filter ?? {}, page);
  }

  /** Opens a workstation for an organization of the caller's subtree, with its resident experts. */
  async createWorkstation(input: CreateWorkstationInput): Promise<WorkstationRecord> {
    const organization = await this.ctx.repos.organizations.require(input.organizationId, 'organizationId');
    const region = requireRegion(input.regionCode);
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: organization.path });
    const residentExpertIds = await this.residents(input.residentExpertIds ?? []);
    const now = this.ctx.now();
    return this.ctx.repos.workstations.create({
      id: this.ctx.newId(),
      kind: input.kind,
      name: requireText(input.name, 'name'),
      host: { kind: input.host.kind, name: requireText(input.host.name, 'host.name') },
      regionCode: region.code,
      organizationId: organization.id,
      organizationPath: organization.path,
      residentExpertIds,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Renames a workstation or replaces its resident experts (versioned). */
  async updateWorkstation(input: UpdateWorkstationInput): Promise<WorkstationRecord> {
    const current = await this.ctx.repos.workstations.requireFresh(input.id);
    authorize(this.ctx.principal, { type: 'activity.manage', organizationPath: current.organizationPath });
    const residentExpertIds = input.residentExpertIds == null ? undefined : await this.residents(input.residentExpertIds);
    const fields = { name: input.name == null ? undefined : requireText(input.name, 'name'), residentExpertIds };
    return this.ctx.repos.workstations.update({ ...current, version: requireVersion(input.version) }, fields, this.ctx.now());
  }

  /** The organization that runs a workstation. */
  organization(workstation: WorkstationRecord): Promise<OrganizationRecord> {
    return this.ctx.repos.organizations.require(workstation.organizationId);
  }

  /** The resident experts (those that still exist). */
  async residentExperts(workstation: WorkstationRecord): Promise<ExpertRecord[]> {
    return (await Promise.all(workstation.residentExpertIds.map((id) => this.ctx.repos.experts.get(id)))).flatMap((e) => e ?? []);
  }

  /** Activities held at a workstation, newest first (the visit log). */
  visits(workstation: WorkstationRecord, page: PageArgs): Promise<Page<ActivityRecord>> {
    return this.ctx.repos.activities.list({ workstationId: workstation.id }, page);
  }

  /** Resident expert ids, deduplicated; each must exist (NOT_FOUND on `residentExpertIds`). */
  private async residents(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    for (const id of unique) await this.ctx.repos.experts.require(id, 'residentExpertIds');
    return unique;
  }
}
