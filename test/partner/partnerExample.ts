/**
 * An example partner platform (a Hong Kong or Macao expert platform) talking to Kezhi, small enough to copy:
 *
 *   1. syncs 3 of its experts (syncPartnerExperts, scope experts.write),
 *   2. lists the open needs matched to its experts (partnerMatches, scope needs.read),
 *   3. listens for a new match over WebSocket (matchingNeedPosted, graphql-ws),
 *   4. registers a webhook pointing at a small HTTP receiver and verifies each delivery's `Kezhi-Signature`.
 *
 * Every request uses the typed document nodes that `npm run codegen` generates from graphql/operations/partner/, so
 * variables and results are checked by TypeScript. Run it against `npm start` with the printed partner token:
 *
 *   npm run partner:example -- --url http://127.0.0.1:4000/graphql --token eyJ…
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import type { ResultOf, TypedDocumentNode, VariablesOf } from '@graphql-typed-document-node/core';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  DeleteWebhookDocument,
  MatchingNeedPostedDocument,
  MyPartnerDocument,
  PartnerMatchesDocument,
  RegisterWebhookDocument,
  SyncExpertsDocument,
  WebhookDeliveriesDocument,
  type PartnerExpertInput,
} from '../../functions/lib/generated/partnerOperations.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../functions/lib/webhooks/signature.js';

/** Where to reach Kezhi and as whom. */
export interface PartnerExampleOptions {
  /** The GraphQL HTTP endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The WebSocket endpoint (default: `url` with http → ws). */
  wsUrl?: string;
  /** A partner token with the scopes experts.write and needs.read. */
  token: string;
  /** How long to wait for a match by subscription and by webhook (default 60 s). */
  timeoutMs?: number;
  /** Called once the subscription and the webhook are in place: the moment a new need can reach this partner. */
  onListening?: () => Promise<void> | void;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

type Match = NonNullable<ResultOf<typeof PartnerMatchesDocument>['partnerMatches']>['edges'][number]['node'];
type PostedMatch = ResultOf<typeof MatchingNeedPostedDocument>['matchingNeedPosted'];

/** One POST the webhook receiver got. */
export interface ReceivedDelivery {
  id: string | undefined;
  event: string | undefined;
  /** The `Kezhi-Signature` header verified against the raw body with the webhook's secret. */
  verified: boolean;
  /** The parsed body: { id, event, createdAt, data: { need, expert, score, rank, reasons } }. */
  body: { id?: string; event?: string; data?: { need?: { id?: string }; expert?: { id?: string; externalId?: string } } };
}

/** What the example saw. */
export interface PartnerExampleResult {
  partner: NonNullable<ResultOf<typeof MyPartnerDocument>['myPartner']>;
  synced: ResultOf<typeof SyncExpertsDocument>['syncPartnerExperts']['results'];
  matchesBefore: Match[];
  /** Every matchingNeedPosted event received while listening. */
  posted: PostedMatch[];
  /** The first event whose need also came by webhook (else the first event; null if none came in time). */
  match: PostedMatch | null;
  matchesAfter: Match[];
  webhookId: string;
  deliveries: ReceivedDelivery[];
  /** The API's record of the deliveries (status and attempts), read after the receiver answered. */
  deliveryRecords: Array<ResultOf<typeof WebhookDeliveriesDocument>['webhookDeliveries']['edges'][number]['node']>;
}

/** A GraphQL error answer, with the first error's code. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** POSTs one typed operation; returns its data or throws the first error. */
export async function request<R, V>(url: string, token: string, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: R | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const error = body.errors?.[0];
  if (error || !body.data) throw new GraphQLRequestError(error?.message ?? `HTTP ${res.status} without data`, error?.extensions?.code);
  return body.data;
}

/** The three experts the example syncs (the platform's own ids, Traditional Chinese as the platform holds them). */
export function exampleExperts(termsVersion: string): PartnerExpertInput[] {
  const consent = { listed: true, contactable: true, termsVersion };
  const common = { languages: ['CANTONESE', 'MANDARIN', 'ENGLISH'] as PartnerExpertInput['languages'], serviceRegionCodes: ['44'], consent };
  return [
    {
      ...common,
      externalId: 'EXAMPLE-001',
      name: '林荔生',
      title: 'SENIOR_AGRONOMIST',
      domains: ['AGRICULTURE'],
      keywords: ['荔枝', '荔枝保鮮'],
      phone: '+85251239001',
    },
    {
      ...common,
      externalId: 'EXAMPLE-002',
      name: '區綠茵',
      title: 'PROFESSOR',
      domains: ['AGRICULTURE'],
      keywords: ['荔枝', '病蟲害防治'],
      phone: '+85251239002',
    },
    {
      ...common,
      externalId: 'EXAMPLE-003',
      name: '馮海晴',
      title: 'RESEARCH_FELLOW',
      domains: ['AQUACULTURE'],
      keywords: ['對蝦養殖'],
      phone: '+85251239003',
      consent: { ...consent, contactable: false },
    },
  ];
}

/** A webhook receiver on 127.0.0.1: verifies each POST's signature over the raw body before trusting it. */
async function startReceiver(
  onDelivery: (delivery: ReceivedDelivery) => void,
): Promise<{ url: string; setSecret: (s: string) => void; close: () => Promise<void> }> {
  let secret: string | undefined;
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
      const verified = secret !== undefined && verifyWebhookSignature(secret, typeof header === 'string' ? header : undefined, raw);
      // Refuse what does not verify: Kezhi retries, and nothing unsigned is ever trusted.
      if (!verified) return void res.writeHead(401).end();
      const body = JSON.parse(raw) as ReceivedDelivery['body'];
      const id = req.headers[DELIVERY_HEADER.toLowerCase()];
      const deliveryId = typeof id === 'string' ? id : body.id;
      // Delivery is at least once: acknowledge a repeat, but handle each delivery id once.
      if (deliveryId && !seen.has(deliveryId)) {
        seen.add(deliveryId);
        onDelivery({ id: deliveryId, event: body.event, verified, body });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kezhi/hook`,
    setSecret: (s) => (secret = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the four steps against a Kezhi endpoint and returns what it saw; cleans up its socket, webhook and receiver. */
export async function runPartnerExample(options: PartnerExampleOptions): Promise<PartnerExampleResult> {
  const { url, token, timeoutMs = 60_000, log = () => undefined } = options;
  const gql = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => request(url, token, document, variables);

  const { myPartner } = await gql(MyPartnerDocument, {});
  if (!myPartner) throw new Error('this token is not a partner platform');
  log(`partner ${myPartner.id} (${myPartner.nameEn}), status ${myPartner.status}`);

  // 1. Sync: the same batch twice is UNCHANGED the second time, so a nightly full sync is safe.
  const variables: VariablesOf<typeof SyncExpertsDocument> = { input: { experts: exampleExperts(myPartner.consentTermsVersion) } };
  const synced = (await gql(SyncExpertsDocument, variables)).syncPartnerExperts.results;
  for (const r of synced) log(`sync ${r.externalId}: ${r.status}${r.reason ? ` (${r.field}: ${r.reason})` : ''}`);

  // 2. The open needs already matched to our experts.
  const listMatches = async () => (await gql(PartnerMatchesDocument, { first: 50 })).partnerMatches?.edges.map((e) => e.node) ?? [];
  const matchesBefore = await listMatches();
  log(`${matchesBefore.length} matched needs so far`);

  const posted: PostedMatch[] = [];
  const deliveries: ReceivedDelivery[] = [];
  const receiver = await startReceiver((d) => {
    deliveries.push(d);
    log(`webhook ${d.event} ${d.id} verified`);
  });
  const ws = createClient({
    url: options.wsUrl ?? url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    // A function, so that a reconnect sends a fresh token (tokens expire; the connection may outlive one).
    connectionParams: () => ({ authorization: `Bearer ${token}` }),
    keepAlive: 10_000,
    retryAttempts: 5,
  });
  let webhookId: string | undefined;
  try {
    // 3. Listen for needs matched to any of our experts, as they become open.
    const connected = new Promise<void>((resolve) => ws.on('connected', () => resolve()));
    const subscribeVariables: VariablesOf<typeof MatchingNeedPostedDocument> = {};
    ws.subscribe<ResultOf<typeof MatchingNeedPostedDocument>>(
      { query: print(MatchingNeedPostedDocument), variables: subscribeVariables },
      {
        next: (r) => {
          if (!r.data) return;
          posted.push(r.data.matchingNeedPosted);
          log(`matched: ${r.data.matchingNeedPosted.need?.title ?? '?'} for ${r.data.matchingNeedPosted.expert.externalId ?? '?'}`);
        },
        error: (e) => log(`subscription error: ${JSON.stringify(e)}`),
        complete: () => undefined,
      },
    );
    await Promise.race([connected, sleep(10_000).then(() => Promise.reject(new Error('no WebSocket connection within 10 s')))]);

    // 4. A webhook too, for when no socket is open; its secret is shown this once.
    const registered = (await gql(RegisterWebhookDocument, { input: { url: receiver.url, events: ['NEED_MATCHED'] } })).registerWebhook;
    webhookId = registered.webhook.id;
    receiver.setSecret(registered.secret);
    log(`webhook ${webhookId} → ${receiver.url}`);
    // graphql-ws acknowledges no subscribe message: give the server a moment to store the subscription.
    await sleep(300);
    await options.onListening?.();

    // Wait for a match by subscription and the webhook delivery of the same need (either alone would do in production).
    const deadline = Date.now() + timeoutMs;
    const found = () => posted.find((p) => deliveries.some((d) => d.body.data?.need?.id === p.need?.id));
    while (!found() && Date.now() < deadline) await sleep(100);
    const match = found() ?? posted[0] ?? null;

    // The API's view of the deliveries: DELIVERED once the receiver's 2xx is recorded.
    const records = async () =>
      (await gql(WebhookDeliveriesDocument, { webhookId: registered.webhook.id, first: 20 })).webhookDeliveries.edges.map((e) => e.node);
    let deliveryRecords = await records();
    const acknowledged = () => deliveries.every((d) => deliveryRecords.some((r) => r.id === d.id && r.status === 'DELIVERED'));
    for (let tries = 0; tries < 50 && !acknowledged(); tries++) {
      await sleep(100);
      deliveryRecords = await records();
    }

    return { partner: myPartner, synced, matchesBefore, posted, match, matchesAfter: await listMatches(), webhookId, deliveries, deliveryRecords };
  } finally {
    await ws.dispose();
    if (webhookId) await gql(DeleteWebhookDocument, { input: { id: webhookId } }).catch((e: unknown) => log(`deleteWebhook: ${String(e)}`));
    await receiver.close();
  }
}

/** `npm run partner:example -- --url … --token …` (or KEZHI_PARTNER_TOKEN): runs the example and prints what it saw. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      'ws-url': { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const token = values.token ?? process.env.KEZHI_PARTNER_TOKEN;
  if (!token) throw new Error('give a partner token: --token eyJ… (npm start prints one for each seeded partner)');
  const result = await runPartnerExample({
    url: values.url,
    ...(values['ws-url'] && { wsUrl: values['ws-url'] }),
    token,
    timeoutMs: Number(values.timeout ?? 120) * 1000,
    onListening: () => console.log('Listening: approve a need matching the synced experts (e.g. 荔枝, AGRICULTURE) to see it arrive.'),
    log: (line) => console.log(line),
  });
  console.log(result.match ? `Got a match: ${result.match.need?.id} for ${result.match.expert.externalId}` : 'No match arrived in time.');
  process.exitCode = result.match ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
