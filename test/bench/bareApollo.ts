/**
 * The cold-start baseline of budget row 3: a bare Apollo Lambda (no layers of ours) that reads one item with the same
 * DynamoDB client as the GraphQL function (lib-dynamodb's DocumentClient, GetCommand). Bundled like the functions.
 */
import { ApolloServer } from '@apollo/server';
import { startServerAndCreateLambdaHandler, handlers } from '@as-integrations/aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const endpoint = process.env.DYNAMODB_ENDPOINT;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'ap-east-1',
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  }),
);
const typeDefs = 'type Organization { id: ID! name: String! } type Query { organization(id: ID!): Organization }';
const resolvers = {
  Query: {
    organization: async (_: unknown, { id }: { id: string }) =>
      (await db.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: `ORG#${id}`, SK: '#ORG' } }))).Item ?? null,
  },
};

/** HTTP API (payload v2) → Apollo Server. */
export const handler = startServerAndCreateLambdaHandler(new ApolloServer({ typeDefs, resolvers }), handlers.createAPIGatewayProxyEventV2RequestHandler());
