import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Principal } from './auth/principal.js';
import type { TokenVerifier } from './auth/tokens.js';
import { createItemLoader } from './data/loader.js';
import type { Store } from './data/store.js';
import { OrganizationRepository } from './repositories/organizations.js';
import { TeamRepository } from './repositories/teams.js';
import { ExpertRepository } from './repositories/experts.js';
import { NeedRepository } from './repositories/needs.js';
import { AccessRepository } from './repositories/access.js';
import { ActivityRepository } from './repositories/activities.js';
import { GovernanceRepository } from './repositories/governance.js';
import { WorkstationRepository } from './repositories/workstations.js';
import { NominationRepository } from './repositories/nominations.js';
import { TechnologyRepository } from './repositories/technologies.js';
import { ProjectRepository } from './repositories/projects.js';
import { PairingRepository } from './repositories/pairings.js';

/** What lives for the whole process (one cold start): clients, verifier, logger. */
export interface AppDeps {
  store: Store;
  verifier: TokenVerifier;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
}

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
}

/** The GraphQL context of one request. */
export interface Context {
  principal: Principal;
  requestId: string;
  logger: Logger;
  repos: Repositories;
  now: () => string;
  newId: () => string;
}

/** Builds the context of an HTTP request: verifies the token (UNAUTHENTICATED on a bad one) and fresh per-request loaders. */
export async function createContext(deps: AppDeps, request: { authorization?: string | null; requestId?: string }): Promise<Context> {
  return contextFor(deps, await deps.verifier.principalFor(request.authorization), request.requestId);
}

/** A context for a known principal (subscription deliveries, where the token was verified at connection_init). */
export function contextFor(deps: AppDeps, principal: Principal, requestId?: string, repos: Repositories = createRepositories(deps)): Context {
  const clock = deps.clock ?? (() => new Date());
  return {
    principal,
    requestId: requestId ?? randomUUID(),
    logger: deps.logger,
    repos,
    now: () => clock().toISOString(),
    newId: deps.newId ?? (() => randomUUID()),
  };
}

/** Repositories sharing one fresh DataLoader cache (per request, or per published event). */
export function createRepositories(deps: AppDeps): Repositories {
  const loader = createItemLoader(deps.store);
  return {
    organizations: new OrganizationRepository(deps.store, loader),
    teams: new TeamRepository(deps.store, loader),
    experts: new ExpertRepository(deps.store, loader),
    needs: new NeedRepository(deps.store, loader),
    access: new AccessRepository(deps.store, loader),
    activities: new ActivityRepository(deps.store, loader),
    governance: new GovernanceRepository(deps.store),
    workstations: new WorkstationRepository(deps.store, loader),
    nominations: new NominationRepository(deps.store, loader),
    technologies: new TechnologyRepository(deps.store, loader),
    projects: new ProjectRepository(deps.store, loader),
    pairings: new PairingRepository(deps.store, loader),
  };
}
