import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { typeDefs } from './generated/graphql.js';
import { resolvers } from './resolvers/index.js';

let built: GraphQLSchema | undefined;

/**
 * The one executable schema (SDL + resolvers, scalars included), built once per cold start: Apollo serves
 * it over HTTP and the WebSocket path validates and executes subscription documents against it.
 */
export function executableSchema(): GraphQLSchema {
  built ??= makeExecutableSchema({ typeDefs, resolvers });
  return built;
}
