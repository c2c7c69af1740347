import type { ServiceContext } from './context.js';
import { OrganizationService } from './organizations.js';
import { TeamService } from './teams.js';
import { ExpertService } from './experts.js';
import { AccessService } from './access.js';
import { NeedOrderService } from './needOrders.js';
import { ActivityService } from './activities.js';
import { WorkstationService } from './workstations.js';
import { GovernanceService } from './governance.js';
import { RecognitionService } from './recognition.js';
import { PoolService } from './pools.js';
import { PrivacyService } from './privacy.js';
import { SearchService } from './search.js';
import { PartnerService } from './partners.js';
import { PartnerExpertService } from './partnerExperts.js';
import { NodeService } from './nodes.js';
import { WebhookService } from './webhooks.js';

/**
 * The application services of one request: one module per capability, each method one use case
 * (validate → load → authorize through the policy → decide with pure domain functions → one
 * transaction). Resolvers call these and nothing below them.
 */
export interface Services {
  organizations: OrganizationService;
  teams: TeamService;
  experts: ExpertService;
  access: AccessService;
  needOrders: NeedOrderService;
  activities: ActivityService;
  workstations: WorkstationService;
  governance: GovernanceService;
  recognition: RecognitionService;
  pools: PoolService;
  privacy: PrivacyService;
  search: SearchService;
  partners: PartnerService;
  partnerExperts: PartnerExpertService;
  nodes: NodeService;
  webhooks: WebhookService;
}

type ServiceName = keyof Services;

/** The class of each service. */
const serviceClasses: { [K in ServiceName]: new (ctx: ServiceContext) => Services[K] } = {
  organizations: OrganizationService,
  teams: TeamService,
  experts: ExpertService,
  access: AccessService,
  needOrders: NeedOrderService,
  activities: ActivityService,
  workstations: WorkstationService,
  governance: GovernanceService,
  recognition: RecognitionService,
  pools: PoolService,
  privacy: PrivacyService,
  search: SearchService,
  partners: PartnerService,
  partnerExperts: PartnerExpertService,
  nodes: NodeService,
  webhooks: WebhookService,
};

/** One request's services: each made on first use, then kept for the request (a request calls one or two of the 16). */
class RequestServices {
  readonly #made: Partial<Record<ServiceName, unknown>> = {};
  constructor(readonly ctx: ServiceContext) {}
  service<K extends ServiceName>(name: K): Services[K] {
    return (this.#made[name] ??= new serviceClasses[name](this.ctx)) as Services[K];
  }
}
for (const name of Object.keys(serviceClasses) as ServiceName[]) {
  Object.defineProperty(RequestServices.prototype, name, {
    enumerable: true,
    get(this: RequestServices) {
      return this.service(name);
    },
  });
}

export function createServices(ctx: ServiceContext): Services {
  return new RequestServices(ctx) as unknown as Services;
}

export type { ServiceContext };
