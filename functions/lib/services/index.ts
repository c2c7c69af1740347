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

export function createServices(ctx: ServiceContext): Services {
  return {
    organizations: new OrganizationService(ctx),
    teams: new TeamService(ctx),
    experts: new ExpertService(ctx),
    access: new AccessService(ctx),
    needOrders: new NeedOrderService(ctx),
    activities: new ActivityService(ctx),
    workstations: new WorkstationService(ctx),
    governance: new GovernanceService(ctx),
    recognition: new RecognitionService(ctx),
    pools: new PoolService(ctx),
    privacy: new PrivacyService(ctx),
    search: new SearchService(ctx),
    partners: new PartnerService(ctx),
    partnerExperts: new PartnerExpertService(ctx),
    nodes: new NodeService(ctx),
    webhooks: new WebhookService(ctx),
  };
}

export type { ServiceContext };
