import type { Store } from '../data/store.js';
import { createItemLoader } from '../data/loader.js';
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

/** Repositories sharing one fresh DataLoader cache (per request, or per published event). */
export function createRepositories(store: Store): Repositories {
  const loader = createItemLoader(store);
  const partners = new PartnerRepository(store, loader);
  return {
    organizations: new OrganizationRepository(store, loader),
    teams: new TeamRepository(store, loader),
    experts: new ExpertRepository(store, loader),
    needs: new NeedRepository(store, loader),
    access: new AccessRepository(store, loader, partners),
    activities: new ActivityRepository(store, loader),
    governance: new GovernanceRepository(store),
    workstations: new WorkstationRepository(store, loader),
    nominations: new NominationRepository(store, loader),
    technologies: new TechnologyRepository(store, loader),
    projects: new ProjectRepository(store, loader),
    pairings: new PairingRepository(store, loader),
    idempotency: new IdempotencyRepository(store),
    personalData: new PersonalDataRepository(store),
    search: new SearchRepository(store),
    partners,
    partnerExperts: new PartnerExpertRepository(store),
    nodes: new NodeRepository(loader),
    webhooks: new WebhookRepository(store),
  };
}
