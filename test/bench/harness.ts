import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDeps, createGraphqlHandler, type AppConfig } from '../../functions/lib/app.js';
import { grantLocalFlags } from '../../infra/local/localGrants.js';
import { generateLocalKeys, signLocalToken, type TokenClaims } from '../../functions/lib/auth/tokens.js';
import type { AppDeps } from '../../functions/lib/context.js';
import { ensureTable } from '../../infra/local/dynamoLocal.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';

// Benchmarks print their own figures: no SDK version warning, no EMF metric lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** Response data as benchmarks read it: payload → object → scalar fields. */
export type BenchData = Record<string, Record<string, Record<string, string | number>> | undefined>;

export interface BenchApp {
  deps: AppDeps;
  /** The configuration the handler runs with (a server process given it as its environment answers the same tokens). */
  config: AppConfig;
  token: (claims: TokenClaims) => Promise<string>;
  /** Calls the real GraphQL Lambda handler with an HTTP API event; throws on GraphQL errors. */
  gql: (query: string, variables: Record<string, unknown>, auth: string | TokenClaims) => Promise<BenchData>;
}

/** The GraphQL handler over a new table in a running DynamoDB Local, with its own signing key. */
export async function createBenchApp(endpoint: string, tableName: string): Promise<BenchApp> {
  await ensureTable(endpoint, tableName);
  const keys = await generateLocalKeys();
  const config: AppConfig = {
    tableName,
    dynamoEndpoint: endpoint,
    cursorSecret: randomBytes(16).toString('hex'),
    production: false,
    auth: { kind: 'local', publicJwk: keys.publicJwk },
  };
  const deps = createDeps(config, new Logger({ serviceName: 'bench', logLevel: 'ERROR' }));
  const handler = createGraphqlHandler(config, deps);
  // A token carries the identity; the ORG_ADMIN / EXPERT the claims ask for are grants in the table.
  const token = async (claims: TokenClaims) => {
    await grantLocalFlags(deps.store, claims);
    return signLocalToken(keys.privateJwk, claims);
  };
  return {
    deps,
    config,
    token,
    async gql(query, variables, auth) {
      const bearer = typeof auth === 'string' ? auth : await token(auth);
      const event = httpApiEvent({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ query, variables }),
      });
      const result = await handler(event, lambdaContext('bench'), () => undefined);
      const body = JSON.parse(result.body ?? '{}') as { data?: BenchData; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data ?? {};
    },
  };
}
