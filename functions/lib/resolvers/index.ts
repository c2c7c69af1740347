import type { Resolvers } from '../generated/graphql.js';
import { mergeResolvers } from './merge.js';
import { commonResolvers } from './common.js';
import { regionResolvers } from './region.js';
import { organizationResolvers } from './organization.js';
import { teamResolvers } from './team.js';
import { expertResolvers } from './expert.js';
import { needResolvers } from './need.js';
import { poolResolvers } from './pool.js';
import { accessResolvers } from './access.js';
import { activityResolvers } from './activity.js';
import { workstationResolvers } from './workstation.js';
import { governanceResolvers } from './governance.js';
import { subscriptionResolvers } from './subscription.js';
import { privacyResolvers } from './privacy.js';
import { searchResolvers } from './search.js';
import { partnerResolvers } from './partner.js';
import { partnerExpertResolvers } from './partnerExperts.js';
import { nodeResolvers } from './node.js';
import { webhookResolvers } from './webhook.js';

/** All resolvers, one module per SDL file (graphql/<name>.graphql ↔ resolvers/<name>.ts), merged type by type. */
export const resolvers: Resolvers = mergeResolvers<Resolvers>([
  { name: 'common', resolvers: commonResolvers },
  { name: 'region', resolvers: regionResolvers },
  { name: 'organization', resolvers: organizationResolvers },
  { name: 'team', resolvers: teamResolvers },
  { name: 'expert', resolvers: expertResolvers },
  { name: 'need', resolvers: needResolvers },
  { name: 'pool', resolvers: poolResolvers },
  { name: 'access', resolvers: accessResolvers },
  { name: 'activity', resolvers: activityResolvers },
  { name: 'workstation', resolvers: workstationResolvers },
  { name: 'governance', resolvers: governanceResolvers },
  { name: 'subscription', resolvers: subscriptionResolvers },
  { name: 'privacy', resolvers: privacyResolvers },
  { name: 'search', resolvers: searchResolvers },
  { name: 'partner', resolvers: partnerResolvers },
  { name: 'partnerExperts', resolvers: partnerExpertResolvers },
  { name: 'node', resolvers: nodeResolvers },
  { name: 'webhook', resolvers: webhookResolvers },
]);
