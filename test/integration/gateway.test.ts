import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { CloseCode } from 'graphql-ws';
import { GoneError, createApiGatewayGateway, type ConnectionGateway } from '../../functions/lib/realtime/gateway.js';

/** One request the fake management endpoint received. */
interface Received {
  method: string;
  path: string;
  body: string;
  signed: boolean;
}

/** How the fake answers the next requests to a connection: its status and API Gateway's error type header. */
type Answer = { status: number; errorType?: string };

/**
 * A fake API Gateway management endpoint (`POST`/`DELETE /@connections/{id}`) on loopback, answering as the
 * real one does: 200 with no body, or an error status with `x-amzn-ErrorType` and a JSON message.
 */
function fakeManagementApi() {
  const received: Received[] = [];
  const answers = new Map<string, Answer>();
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      received.push({ method: req.method ?? '', path, body, signed: String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256') });
      const answer = answers.get(path.replace('/@connections/', '')) ?? { status: 200 };
      if (answer.status === 200) return res.writeHead(200).end();
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.errorType && { 'x-amzn-errortype': answer.errorType }) });
      res.end(JSON.stringify({ message: `answered ${answer.status}` }));
    });
  });
  return { server, received, answers };
}

describe('Adapter: the API Gateway connection gateway against a fake management endpoint', () => {
  const fake = fakeManagementApi();
  let gateway: ConnectionGateway;
  let client: ApiGatewayManagementApiClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    client = new ApiGatewayManagementApiClient({ endpoint, region: 'ap-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    gateway = createApiGatewayGateway(endpoint, client);
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  });
  beforeEach(() => {
    fake.received.length = 0;
    fake.answers.clear();
  });

  it('posts the message, byte for byte, to the connection’s path with a signed request', async () => {
    const message = JSON.stringify({ type: 'next', id: '1', payload: { data: { title: '荔枝病虫害防治' } } });
    await gateway.send('conn-A1=', message);
    expect(fake.received).toEqual([{ method: 'POST', path: '/@connections/conn-A1=', body: message, signed: true }]);
  });

  it('turns a 410 (GoneException) on send into the gateway’s GoneError for that connection', async () => {
    fake.answers.set('gone-1', { status: 410, errorType: 'GoneException' });
    const error = await gateway.send('gone-1', '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoneError);
    expect(error).toMatchObject({ connectionId: 'gone-1', cause: expect.objectContaining({ name: 'GoneException' }) });
  });

  it('lets any other error of send propagate unchanged: a 403 at once, a 500 after the SDK’s retries', async () => {
    fake.answers.set('forbidden', { status: 403, errorType: 'ForbiddenException' });
    const forbidden = await gateway.send('forbidden', '{}').catch((e: unknown) => e);
    expect(forbidden).not.toBeInstanceOf(GoneError);
    expect(forbidden).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });

    fake.answers.set('broken', { status: 500, errorType: 'InternalServerErrorException' });
    const broken = await gateway.send('broken', '{}').catch((e: unknown) => e);
    expect(broken).not.toBeInstanceOf(GoneError);
    expect(broken).toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(fake.received.filter((r) => r.path === '/@connections/broken').length).toBeGreaterThan(1);
  });

  it('closes a connection with DeleteConnection (the close code cannot travel), and a connection already gone is no error', async () => {
    await gateway.close('conn-B', CloseCode.Forbidden, 'Forbidden');
    expect(fake.received).toEqual([{ method: 'DELETE', path: '/@connections/conn-B', body: '', signed: true }]);
    fake.answers.set('gone-2', { status: 410, errorType: 'GoneException' });
    await expect(gateway.close('gone-2', CloseCode.Forbidden, 'Forbidden')).resolves.toBeUndefined();
  });

  it('lets any other error of DeleteConnection propagate', async () => {
    fake.answers.set('denied', { status: 403, errorType: 'ForbiddenException' });
    await expect(gateway.close('denied', CloseCode.Forbidden, 'Forbidden')).rejects.toMatchObject({ name: 'ForbiddenException' });
  });
});
