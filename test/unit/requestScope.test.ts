import { describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { contextFor, type AppDeps } from '../../functions/lib/context.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Store } from '../../functions/lib/data/store.js';
import { CursorCodec } from '../../functions/lib/data/pagination.js';
import { createRepositories } from '../../functions/lib/repositories/index.js';
import { AccessRepository } from '../../functions/lib/repositories/access.js';
import { NeedRepository } from '../../functions/lib/repositories/needs.js';
import { PartnerRepository } from '../../functions/lib/repositories/partners.js';
import { NeedOrderService } from '../../functions/lib/services/needOrders.js';
import { OrganizationService } from '../../functions/lib/services/organizations.js';
import { anonymous } from '../../functions/lib/auth/principal.js';

/** No request here reaches the table: only the objects are made. */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-east-1', endpoint: 'http://127.0.0.1:9' }));
const store = new Store(client, 'kezhi-test', new CursorCodec('a-cursor-secret-of-enough-length-000000'));
const deps: AppDeps = { store, verifier: { principalFor: async () => anonymous }, logger: new Logger({ logLevel: 'SILENT' }) };

describe("A request's repositories and services: made on first use, one of each per request", () => {
  it('makes a repository when it is first asked for, and hands the same one to the rest of the request', () => {
    const repos = createRepositories(store);
    expect(repos.needs).toBeInstanceOf(NeedRepository);
    expect(repos.needs).toBe(repos.needs);
    expect(createRepositories(store).needs).not.toBe(repos.needs);
    // The access repository reads partner records through the request's own partner repository (one loader).
    expect(repos.access).toBeInstanceOf(AccessRepository);
    expect(repos.partners).toBeInstanceOf(PartnerRepository);
  });

  it('answers every repository and service the interfaces name', () => {
    const context = contextFor(deps, anonymous);
    // The names the prototype answers with a getter: one per repository or service.
    const names = (o: object) =>
      Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(o)))
        .filter(([, descriptor]) => descriptor.get !== undefined)
        .map(([name]) => name);
    expect(names(context.repos)).toHaveLength(19);
    for (const name of names(context.repos)) expect(context.repos[name as keyof typeof context.repos], name).toBeTypeOf('object');
    expect(names(context.services)).toHaveLength(16);
    for (const name of names(context.services)) expect(context.services[name as keyof typeof context.services], name).toBeTypeOf('object');
  });

  it('makes a service once per request, with that request’s context and repositories', () => {
    const first = contextFor(deps, anonymous, 'request-1');
    const second = contextFor(deps, anonymous, 'request-2');
    expect(first.services.needOrders).toBeInstanceOf(NeedOrderService);
    expect(first.services.needOrders).toBe(first.services.needOrders);
    expect(second.services.needOrders).not.toBe(first.services.needOrders);
    expect(first.services.organizations).toBeInstanceOf(OrganizationService);
  });
});
