import type { Store } from '../data/store.js';
import { createItemLoader, type ItemLoader } from '../data/loader.js';
import { lazyMembers } from '../lazyMembers.js';
import { OrganizationRepository } from './organizations.js';
import { TeamRepository } from './teams.js';
import { ExpertRepository } from './experts.js';
import { NeedRepository } from './needs.js';
import { AccessRepository } from './access.js';
import { ActivityRepository } from './activities.js';
import { GovernanceRepository } from './governance.js';
import { WorkstationRepository } from './workstations.js';
import { NominationRepository } from './nominations.js';
import { TechnologyRepository } from './technologies.js';
import { ProjectRepository } from './projects.js';
import { PairingRepository } from './pairings.js';
import { IdempotencyRepository } from './idempotency.js';
import { PersonalDataRepository } from './personalData.js';
import { SearchRepository } from './search.js';
import { PartnerRepository } from './partners.js';
import { PartnerExpertRepository } from './partnerExperts.js';
import { NodeRepository } from './nodes.js';
import { WebhookRepository } from './webhooks.js';

/** Per-request repositories sharing one DataLoader cache. */
export interface Repositories {
  organizations: OrganizationRepository;
  teams: TeamRepository;
  experts: ExpertRepository;
  needs: NeedRepository;
  access: AccessRepository;
  activities: ActivityRepository;
  governance: GovernanceRepository;
  workstations: WorkstationRepository;
  nominations: NominationRepository;
  technologies: TechnologyRepository;
  projects: ProjectRepository;
  pairings: PairingRepository;
  idempotency: IdempotencyRepository;
  personalData: PersonalDataRepository;
  search: SearchRepository;
  partners: PartnerRepository;
  partnerExperts: PartnerExpertRepository;
  nodes: NodeRepository;
  webhooks: WebhookRepository;
}

/**
 * One request's repositories: each made on first use, then kept for the request. A request uses a few of the 19 (a
 * read of an organization: the access, partner and organization repositories), so most are never made (budget row 8,
 * docs/performance.md).
 */
const RequestRepositories = lazyMembers<Repositories, [Store, ItemLoader]>({
  organizations: (_repos, store, loader) => new OrganizationRepository(store, loader),
  teams: (_repos, store, loader) => new TeamRepository(store, loader),
  experts: (_repos, store, loader) => new ExpertRepository(store, loader),
  needs: (_repos, store, loader) => new NeedRepository(store, loader),
  // The access repository reads partner records through the request's own partner repository (one loader).
  access: (repos, store, loader) => new AccessRepository(store, loader, repos.partners),
  activities: (_repos, store, loader) => new ActivityRepository(store, loader),
  governance: (_repos, store) => new GovernanceRepository(store),
  workstations: (_repos, store, loader) => new WorkstationRepository(store, loader),
  nominations: (_repos, store, loader) => new NominationRepository(store, loader),
  technologies: (_repos, store, loader) => new TechnologyRepository(store, loader),
  projects: (_repos, store, loader) => new ProjectRepository(store, loader),
  pairings: (_repos, store, loader) => new PairingRepository(store, loader),
  idempotency: (_repos, store) => new IdempotencyRepository(store),
  personalData: (_repos, store) => new PersonalDataRepository(store),
  search: (_repos, store) => new SearchRepository(store),
  partners: (_repos, store, loader) => new PartnerRepository(store, loader),
  partnerExperts: (_repos, store) => new PartnerExpertRepository(store),
  nodes: (_repos, _store, loader) => new NodeRepository(loader),
  webhooks: (_repos, store) => new WebhookRepository(store),
});

/** Repositories sharing one fresh DataLoader cache (per request, or per published event). */
export function createRepositories(store: Store): Repositories {
  return new RequestRepositories(store, createItemLoader(store));
}
