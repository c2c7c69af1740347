import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Data, type TestApp } from '../support/testApp.js';
import { errorOf } from '../support/fixtures.js';
import { MAX_REQUEST_BYTES, createHttpAdapter, httpApiEvent, lambdaContext } from '../../infra/local/httpAdapter.js';

/** Client mistakes (issue 10, item 7): each is the client's error with a code and field, never an internal one. */
describe('Client mistakes', () => {
  let app: TestApp;
  let admin: string;
  const longId = 'x'.repeat(2000);

  /** Posts a raw body (any JSON the client sends, extensions included) to the real handler. */
  const post = async (body: string) => {
    const event = httpApiEvent({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body });
    const result = await app.handler(event, lambdaContext('kezhi-test'));
    const raw = result.body ?? '';
    return {
      status: result.statusCode ?? 200,
      raw,
      body: JSON.parse(raw) as { data?: Data; errors?: Array<{ message: string; extensions: { code: string } }> },
    };
  };
  /** The log lines written since `from`, and whether any is an ERROR or carries a stack trace. */
  const logsSince = (from: number) => app.logs.slice(from);
  const expectWarnedOnly = (from: number) => {
    const lines = logsSince(from);
    expect(lines.some((l) => l.includes('"level":"WARN"'))).toBe(true);
    expect(lines.filter((l) => l.includes('"level":"ERROR"'))).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/"stack"|\n\s+at /);
  };

  beforeAll(async () => {
    app = await createTestApp();
    admin = await app.token({ roles: ['PROVINCE_ADMIN'] });
  });

  describe('ids over the key-size limit', () => {
    it('refuses a 2,000-character id argument as BAD_USER_INPUT naming it, before reading the table', async () => {
      const logged = app.logs.length;
      const before = app.requests.total;
      const res = await app.gql(`{ expert(id: "${longId}") { id } }`, {}, admin);
      expect(res.status).toBe(400);
      expect(res.data ?? undefined).toBeUndefined();
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
      // One read only: the caller's access record, read for every signed-in request; nothing for the id.
      expect(app.requests.total).toBe(before + 1);
      expectWarnedOnly(logged);
    });

    it('names the field of an overlong id in a variable, inside an input object or in a list', async () => {
      const viaVariable = await app.gql('query ($id: ID!) { need(id: $id) { id } }', { id: longId });
      expect(errorOf(viaVariable)).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
      const inInput = await app.gql('mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { team { id } } }', {
        input: { teamId: randomUUID(), expertId: longId },
      });
      expect(errorOf(inInput)).toEqual({ code: 'BAD_USER_INPUT', field: 'expertId' });
      const inFilter = await app.gql(`{ activities(filter: { organizationId: "${longId}" }) { edges { cursor } } }`);
      expect(errorOf(inFilter)).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.organizationId' });
      const proof = await app.gql('query ($e: ID!) { proofOfService(expertId: $e, from: "2026-01-01", to: "2026-12-31") { person } }', { e: longId });
      expect(errorOf(proof)).toEqual({ code: 'BAD_USER_INPUT', field: 'expertId' });
    });

    it('accepts an id of the documented maximum length (128 characters) and finds nothing', async () => {
      const res = await app.gql(`{ expert(id: "${'x'.repeat(128)}") { id } }`, {}, admin);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ expert: null });
    });

    it('translates DynamoDB refusing an oversized key into BAD_USER_INPUT at the Store', async () => {
      await expect(app.deps.store.get({ PK: 'K'.repeat(3000), SK: 'S' })).rejects.toMatchObject({ name: 'AppError', code: 'BAD_USER_INPUT' });
    });
  });

  describe('date ranges that end before they start', () => {
    it('refuses proofOfService from after to, naming `to`', async () => {
      const logged = app.logs.length;
      const res = await app.gql(`{ proofOfService(expertId: "${randomUUID()}", from: "2026-12-31", to: "2026-01-01") { person } }`, {}, admin);
      // proofOfService is nullable (a refused or invalid field nulls only itself).
      expect(res.data).toEqual({ proofOfService: null });
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
      expectWarnedOnly(logged);
    });

    it('refuses an activities filter whose to is before its from, naming `filter.to`', async () => {
      const res = await app.gql('{ activities(filter: { from: "2026-06-01T00:00:00Z", to: "2026-05-01T00:00:00Z" }) { edges { cursor } } }', {}, admin);
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.to' });
      const same = await app.gql('{ activities(filter: { from: "2026-06-01T00:00:00Z", to: "2026-06-01T00:00:00Z" }) { edges { cursor } } }', {}, admin);
      expect(same.errors).toBeUndefined();
    });
  });

  describe('documents and persisted queries', () => {
    it('answers a syntax error with HTTP 400 and GRAPHQL_PARSE_FAILED', async () => {
      const logged = app.logs.length;
      const res = await app.gql('{ me { roles ');
      expect(res.status).toBe(400);
      expect(errorOf(res)?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(res.errors?.[0]?.message).toMatch(/^Syntax Error/);
      expectWarnedOnly(logged);
    });

    it('answers a document over the token limit with HTTP 400 and GRAPHQL_PARSE_FAILED', async () => {
      const logged = app.logs.length;
      const res = await app.gql(`{ me { ${'roles '.repeat(3100)}} }`);
      expect(res.status).toBe(400);
      expect(errorOf(res)?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(res.errors?.[0]?.message).toContain('tokens');
      expectWarnedOnly(logged);
    });

    it('answers a persisted query whose hash does not match with HTTP 400 and PERSISTED_QUERY_HASH_MISMATCH', async () => {
      const logged = app.logs.length;
      const query = '{ me { roles } }';
      const mismatch = await post(JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }));
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
      expectWarnedOnly(logged);
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const matching = await post(JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }));
      expect(matching.body).toEqual({ data: { me: { roles: [] } } });
    });
  });

  describe('the local runner: bodies over 1 MB', () => {
    let url: URL;
    const server = () => createHttpAdapter({ path: '/graphql', handler: (event, context) => app.handler(event, context) });
    let running: ReturnType<typeof server>;
    beforeAll(async () => {
      running = server();
      await new Promise<void>((resolve) => running.listen(0, '127.0.0.1', resolve));
      url = new URL(`http://127.0.0.1:${(running.address() as AddressInfo).port}/graphql`);
    });
    afterAll(() => new Promise<void>((resolve) => running.close(() => resolve())));

    /** POSTs `size` bytes of JSON with node:http (streamed, as a client on a slow link would). */
    const postBytes = (size: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const body = JSON.stringify({ query: `{ me { roles } }`, variables: { pad: 'p'.repeat(Math.max(0, size - 50)) } });
        const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });

    it('answers 413 PAYLOAD_TOO_LARGE instead of resetting the connection', async () => {
      const res = await postBytes(MAX_REQUEST_BYTES + 4096);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    });

    it('still serves a body under the limit', async () => {
      const res = await postBytes(64 * 1024);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ data: { me: { roles: [] } } });
    });
  });

  describe('WebSocket', () => {
    const send = (connectionId: string, body: string) => app.subscriptions.handle({ requestContext: { routeKey: '$default', connectionId }, body });
    const open = async () => {
      const connectionId = randomUUID();
      await app.subscriptions.handle({ requestContext: { routeKey: '$connect', connectionId }, headers: { 'sec-websocket-protocol': 'graphql-transport-ws' } });
      const token = await app.token({ roles: ['PROVINCE_ADMIN'] });
      await send(connectionId, JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      expect(app.gateway.to(connectionId)).toEqual([{ type: 'connection_ack' }]);
      return connectionId;
    };
    const query = 'subscription { matchingNeedPosted { score } }';

    it('closes with 4400 (not 4500) on a 2,000-character subscription id, logging a WARN line', async () => {
      const c = await open();
      const logged = app.logs.length;
      const result = await send(c, JSON.stringify({ type: 'subscribe', id: longId, payload: { query } }));
      expect(result).toEqual({ statusCode: 200 });
      expect(app.gateway.closed.filter((x) => x.connectionId === c).map((x) => x.code)).toEqual([4400]);
      expectWarnedOnly(logged);
    });

    it('closes with 4400 on a 1 MB message', async () => {
      const c = await open();
      const logged = app.logs.length;
      await send(c, JSON.stringify({ type: 'subscribe', id: 'big', payload: { query: `${query} ${'#'.repeat(1024 * 1024)}` } }));
      expect(app.gateway.closed.filter((x) => x.connectionId === c).map((x) => x.code)).toEqual([4400]);
      expectWarnedOnly(logged);
    });

    it('answers an overlong id in the variables with an error naming the field', async () => {
      const c = await open();
      const byExpert = 'subscription ($e: ID) { matchingNeedPosted(expertId: $e) { score } }';
      await send(c, JSON.stringify({ type: 'subscribe', id: 's1', payload: { query: byExpert, variables: { e: longId } } }));
      expect(app.gateway.to(c).at(-1)).toMatchObject({ type: 'error', id: 's1', payload: [{ extensions: { code: 'BAD_USER_INPUT', field: 'expertId' } }] });
      expect(app.gateway.closed.filter((x) => x.connectionId === c)).toEqual([]);
    });
  });
});
