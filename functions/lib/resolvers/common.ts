import type { Resolvers } from '../generated/graphql.js';
import { DateScalar, DateTimeScalar, QuarterScalar } from './scalars.js';

/** Resolvers of common.graphql: the scalars, `me` and the principal. */
export const commonResolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Quarter: QuarterScalar,
  Query: {
    me: (_parent, _args, ctx) => ctx.services.access.me(),
  },
  Principal: {
    organization: async (p, _args, ctx) => (p.organizationId ? ctx.services.organizations.get(p.organizationId) : null),
    expert: async (p, _args, ctx) => (p.expertId ? ctx.services.experts.get(p.expertId) : null),
    roleSources: (p) => p.roleSources ?? [],
  },
};
