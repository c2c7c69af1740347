import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Full-text search: hits of needs and experts, with highlights (see services/search.ts). */
export const searchResolvers: Resolvers = {
  Query: {
    search: async (_p, { query, types, regionCode, first, after }, ctx) =>
      toConnection(await ctx.services.search.search(query, types, regionCode, { first, after })),
  },
  SearchResult: {
    // A need has a requester, an expert never does.
    __resolveType: (node) => ('requester' in node ? 'Need' : 'Expert'),
  },
};
