import type { Resolvers } from '../generated/graphql.js';
import { commonResolvers } from './common.js';
import { regionResolvers } from './region.js';
import { organizationResolvers } from './organization.js';
import { teamResolvers } from './team.js';
import { expertResolvers } from './expert.js';
import { needResolvers } from './need.js';
import { poolResolvers } from './pool.js';
import { accessResolvers } from './access.js';
import { activityResolvers } from './activity.js';
import { subscriptionResolvers } from './subscription.js';

const parts: Resolvers[] = [
  commonResolvers,
  regionResolvers,
  organizationResolvers,
  teamResolvers,
  expertResolvers,
  needResolvers,
  poolResolvers,
  accessResolvers,
  activityResolvers,
  subscriptionResolvers,
];

/** All resolvers, merged type by type. */
export const resolvers: Resolvers = parts.reduce<Record<string, Record<string, unknown>>>((merged, part) => {
  for (const [type, fields] of Object.entries(part)) merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
  return merged;
}, {}) as Resolvers;
