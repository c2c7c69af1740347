import type { ServiceContext } from './context.js';
import { lazyMembers } from '../lazyMembers.js';
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

/** One request's services: each made on first use, then kept for the request (a request calls one or two of the 16). */
const RequestServices = lazyMembers<Services, [ServiceContext]>({
  organizations: (_services, ctx) => new OrganizationService(ctx),
  teams: (_services, ctx) => new TeamService(ctx),
  experts: (_services, ctx) => new ExpertService(ctx),
  access: (_services, ctx) => new AccessService(ctx),
  needOrders: (_services, ctx) => new NeedOrderService(ctx),
  activities: (_services, ctx) => new ActivityService(ctx),
  workstations: (_services, ctx) => new WorkstationService(ctx),
  governance: (_services, ctx) => new GovernanceService(ctx),
  recognition: (_services, ctx) => new RecognitionService(ctx),
  pools: (_services, ctx) => new PoolService(ctx),
  privacy: (_services, ctx) => new PrivacyService(ctx),
  search: (_services, ctx) => new SearchService(ctx),
  partners: (_services, ctx) => new PartnerService(ctx),
  partnerExperts: (_services, ctx) => new PartnerExpertService(ctx),
  nodes: (_services, ctx) => new NodeService(ctx),
  webhooks: (_services, ctx) => new WebhookService(ctx),
});

export function createServices(ctx: ServiceContext): Services {
  return new RequestServices(ctx);
}

export type { ServiceContext };
