import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Handler } from 'aws-lambda';
import { ErrorCode } from '../../functions/lib/errors.js';
import { lambdaContext } from './invocation.js';

export { lambdaContext };

export type HttpApiHandler = Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** API Gateway HTTP APIs accept payloads up to 10 MB; the local runner keeps requests small. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** The 413 answer's body, in the GraphQL error shape clients already read. */
const TOO_LARGE_BODY = JSON.stringify({
  errors: [{ message: `The request body is larger than ${MAX_REQUEST_BYTES} bytes`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }],
});

export interface HttpRequestParts {
  method: string;
  /** Path and query string, e.g. /graphql?query=… */
  path: string;
  /** Header names in lower case, as API Gateway delivers them. */
  headers: Record<string, string>;
  body?: string;
  sourceIp?: string;
  protocol?: string;
}

/** Builds the HTTP API (payload v2) event API Gateway would send for a request. */
export function httpApiEvent(request: HttpRequestParts): APIGatewayProxyEventV2 {
  const url = new URL(request.path, 'http://localhost');
  const { cookie, ...headers } = request.headers;
  const now = new Date();
  const routeKey = `${request.method} ${url.pathname}`;
  const queryStringParameters = url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookie && { cookies: cookie.split(/;\s*/) }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body && { body: request.body }),
    isBase64Encoded: false,
  };
}

/** The event for a node:http request (multi-value headers joined with commas, as API Gateway does). */
export function toHttpApiEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return httpApiEvent({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers,
    ...(body.length > 0 && { body: body.toString('utf8') }),
    ...(req.socket.remoteAddress && { sourceIp: req.socket.remoteAddress }),
    protocol: `HTTP/${req.httpVersion}`,
  });
}

/**
 * The body, or null when it is over MAX_REQUEST_BYTES. The rest of an oversized body is read and dropped, so
 * the client, still sending, gets its 413 instead of a reset connection; a body over 16 times the limit is
 * cut off (the connection closed) so that no client can keep the runner reading forever.
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else if (size > 16 * MAX_REQUEST_BYTES) req.destroy();
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? null : Buffer.concat(chunks)));
    req.on('close', () => resolve(null));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
}

export interface HttpAdapterOptions {
  path: string;
  handler: HttpApiHandler;
  /** Served on GET with Accept: text/html (the offline IDE). */
  htmlPage?: () => string;
}

/**
 * A node:http server that turns each request on `path` into an API Gateway HTTP API event and
 * invokes the real Lambda handler, so local behaviour (headers, status codes) is Lambda's.
 */
export function createHttpAdapter(options: HttpAdapterOptions): Server {
  // node:http ignores the listener's result: the async work is started and its failures handled inside.
  return createServer((req, res) => void serve(options, req, res));
}

async function serve(options: HttpAdapterOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) return send(res, { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: `Not found: try ${options.path}` });
    if (req.method === 'GET' && options.htmlPage && (req.headers.accept ?? '').includes('text/html') && !url.searchParams.has('query')) {
      return send(res, { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: options.htmlPage() });
    }
    const body = await readBody(req);
    if (body === null) {
      // The client's mistake: one WARN line, no stack trace. (On AWS, API Gateway refuses bodies over 10 MB itself.)
      console.warn(JSON.stringify({ level: 'WARN', message: 'request body too large', limitBytes: MAX_REQUEST_BYTES }));
      return send(res, { statusCode: 413, headers: { 'content-type': 'application/json', connection: 'close' }, body: TOO_LARGE_BODY });
    }
    const context = lambdaContext('kezhi-graphql-local');
    const result = await options.handler(toHttpApiEvent(req, body), context, () => undefined);
    send(res, result ?? { statusCode: 502, body: 'The handler returned nothing' });
  } catch (error) {
    console.error('local adapter error', error);
    const body = JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
    send(res, { statusCode: 502, headers: { 'content-type': 'application/json' }, body });
  }
}
