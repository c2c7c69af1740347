import type { Resolvers } from '../generated/graphql.js';
import { toConnection } from '../data/pagination.js';

/** Full-text search: hits of needs and experts, with highlights (see services/search.ts). */
export const searchResolvers: Resolvers = {
  Query: {
    search: async (_p, { query, types, regionCode, first, after }, ctx) =>
      toConnection(await ctx.services.search.search(query, types, regionCode, { first, after }), { after }),
  },
  SearchResult: {
    // Told apart by a field only each record has (a need's requester, a technology's maturity, an organization's
    // path, a team's member count); of the rest, an expert has a name and a project has not.
    __resolveType: (node) =>
      'requester' in node
        ? 'Need'
        : 'maturity' in node
          ? 'Technology'
          : 'path' in node
            ? 'Organization'
            : 'memberCount' in node
              ? 'Team'
              : 'name' in node
                ? 'Expert'
                : 'Project',
  },
};
