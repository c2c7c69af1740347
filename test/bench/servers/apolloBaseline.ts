/**
 * Row 8's baseline: a plain Apollo standalone server (@apollo/server startStandaloneServer) answering the benchmark's
 * operations from the same table in the same DynamoDB Local, without our layers: a hand-written schema of the few
 * fields read, naive resolvers over one DataLoader per request (BatchGetItem of the items by their keys from keys.ts), and
 * only the bearer token's signature checked (jose, as any API would). Environment: TABLE_NAME, DYNAMODB_ENDPOINT,
 * LOCAL_JWT_PUBLIC_JWK. Prints "listening on <port>".
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { createLocalVerifier } from '../../../functions/lib/auth/tokens.js';
import { entityKey, keyString, type EntityType, type Key } from '../../../functions/lib/data/keys.js';

const tableName = String(process.env.TABLE_NAME);
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
const verifier = createLocalVerifier(JSON.parse(String(process.env.LOCAL_JWT_PUBLIC_JWK)) as Record<string, unknown>);

type Item = Record<string, unknown>;
interface Context {
  load: (type: EntityType, id: string | null | undefined) => Promise<Item | null>;
}

const typeDefs = `#graphql
  type Organization { id: ID! name: String! }
  type Need { id: ID! title: String! organization: Organization! }
  type Expert { id: ID! name: String! organization: Organization }
  type Query {
    organization(id: ID!): Organization
    need(id: ID!): Need
    expert(id: ID!): Expert
  }
`;

const resolvers = {
  Query: {
    organization: (_: unknown, args: { id: string }, ctx: Context) => ctx.load('ORG', args.id),
    need: (_: unknown, args: { id: string }, ctx: Context) => ctx.load('NEED', args.id),
    expert: (_: unknown, args: { id: string }, ctx: Context) => ctx.load('EXPERT', args.id),
  },
  Need: { organization: (need: Item, _: unknown, ctx: Context) => ctx.load('ORG', need.organizationId as string) },
  Expert: { organization: (expert: Item, _: unknown, ctx: Context) => ctx.load('ORG', expert.organizationId as string | null) },
};

const server = new ApolloServer<Context>({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async ({ req }) => {
    try {
      await verifier.principalFor(req.headers.authorization);
    } catch {
      throw new GraphQLError('Unauthenticated', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    const loader = new DataLoader<Key, Item | undefined, string>(
      async (keys) => {
        const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys.map((k) => ({ PK: k.PK, SK: k.SK })) } } }));
        const found = new Map((out.Responses?.[tableName] ?? []).map((item) => [keyString(item as Key), item] as const));
        return keys.map((k) => found.get(keyString(k)));
      },
      { cacheKeyFn: keyString, maxBatchSize: 100 },
    );
    return { load: async (type, id) => (id ? ((await loader.load(entityKey(type, id))) ?? null) : null) };
  },
});
console.log(`listening on ${new URL(url).port}`);
