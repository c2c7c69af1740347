import type { Store } from '../data/store.js';
import { createItemLoader, type ItemLoader } from '../data/loader.js';
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

type RepositoryName = keyof Repositories;

/** How each repository is made, from the request's store and loader (and the other repositories it reads through). */
const repositoryFactories: { [K in RepositoryName]: (store: Store, loader: ItemLoader, repos: Repositories) => Repositories[K] } = {
  organizations: (store, loader) => new OrganizationRepository(store, loader),
  teams: (store, loader) => new TeamRepository(store, loader),
  experts: (store, loader) => new ExpertRepository(store, loader),
  needs: (store, loader) => new NeedRepository(store, loader),
  access: (store, loader, repos) => new AccessRepository(store, loader, repos.partners),
  activities: (store, loader) => new ActivityRepository(store, loader),
  governance: (store) => new GovernanceRepository(store),
  workstations: (store, loader) => new WorkstationRepository(store, loader),
  nominations: (store, loader) => new NominationRepository(store, loader),
  technologies: (store, loader) => new TechnologyRepository(store, loader),
  projects: (store, loader) => new ProjectRepository(store, loader),
  pairings: (store, loader) => new PairingRepository(store, loader),
  idempotency: (store) => new IdempotencyRepository(store),
  personalData: (store) => new PersonalDataRepository(store),
  search: (store) => new SearchRepository(store),
  partners: (store, loader) => new PartnerRepository(store, loader),
  partnerExperts: (store) => new PartnerExpertRepository(store),
  nodes: (_store, loader) => new NodeRepository(loader),
  webhooks: (store) => new WebhookRepository(store),
};

/**
 * One request's repositories: each made on first use, then kept for the request. A request uses a few of the 19 (a
 * read of an organization: the access record's and the organization's), so most are never made (budget row 8,
 * docs/performance.md).
 */
class RequestRepositories {
  readonly #made: Partial<Record<RepositoryName, unknown>> = {};
  constructor(
    readonly store: Store,
    readonly loader: ItemLoader,
  ) {}
  repository<K extends RepositoryName>(name: K): Repositories[K] {
    return (this.#made[name] ??= repositoryFactories[name](this.store, this.loader, this as unknown as Repositories)) as Repositories[K];
  }
}
for (const name of Object.keys(repositoryFactories) as RepositoryName[]) {
  Object.defineProperty(RequestRepositories.prototype, name, {
    enumerable: true,
    get(this: RequestRepositories) {
      return this.repository(name);
    },
  });
}

/** Repositories sharing one fresh DataLoader cache (per request, or per published event). */
export function createRepositories(store: Store): Repositories {
  return new RequestRepositories(store, createItemLoader(store)) as unknown as Repositories;
}
