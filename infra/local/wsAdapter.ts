import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType } from 'graphql-ws';
import { GoneError, type ConnectionGateway } from '../../functions/lib/realtime/gateway.js';
import type { WebSocketEvent } from '../../functions/lib/realtime/subscriptions.js';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './invocation.js';

type WebSocketHandler = (event: WebSocketEvent, context: Context) => Promise<APIGatewayProxyResultV2>;

/** The local adapter of the connection gateway: a registry of `ws` sockets by connection id. */
export function createLocalGateway(sockets: Map<string, WebSocket>): ConnectionGateway {
  return {
    async send(connectionId, message) {
      const socket = sockets.get(connectionId);
      if (!socket || socket.readyState !== WebSocket.OPEN) throw new GoneError(connectionId);
      await new Promise<void>((resolve, reject) =>
        socket.send(message, (error) => (error ? reject(new GoneError(connectionId, { cause: error })) : resolve())),
      );
    },
    async close(connectionId, code, reason) {
      sockets.get(connectionId)?.close(code, reason);
    },
  };
}

/** graphql-ws's default: a socket that sends no `connection_init` within 3 s is closed with 4408. */
export const DEFAULT_CONNECTION_INIT_WAIT_TIMEOUT_MS = 3000;

/** Options of the local WebSocket server. */
export interface WebSocketOptions {
  /** Milliseconds a socket may stay open without sending `connection_init` (graphql-ws's `connectionInitWaitTimeout`). */
  connectionInitWaitTimeout?: number;
}

/** True when a frame is a `connection_init` message (anything else, valid or not, is the handler's to judge). */
function isConnectionInit(raw: string): boolean {
  try {
    const message = JSON.parse(raw) as { type?: unknown } | null;
    return message?.type === MessageType.ConnectionInit;
  } catch {
    return false;
  }
}

const statusOf = (result: APIGatewayProxyResultV2) => (typeof result === 'object' && result && 'statusCode' in result ? (result.statusCode ?? 200) : 200);

/**
 * Serves WebSocket on the HTTP server's `path` the way API Gateway's WebSocket API would: each upgrade
 * is a $connect event, each frame a $default event (in order per connection), each close a $disconnect.
 * A socket that sends no `connection_init` within `connectionInitWaitTimeout` is closed with 4408, as
 * graphql-ws's own server does (API Gateway instead drops idle connections after 10 minutes).
 */
export function attachWebSocket(
  server: Server,
  path: string,
  handler: WebSocketHandler,
  sockets: Map<string, WebSocket>,
  options: WebSocketOptions = {},
): WebSocketServer {
  const initTimeout = options.connectionInitWaitTimeout ?? DEFAULT_CONNECTION_INIT_WAIT_TIMEOUT_MS;
  // Each event has its own request id (API Gateway's) and Lambda context, as on AWS.
  const call = (event: WebSocketEvent) => {
    const context = lambdaContext('kezhi-subscriptions-local');
    return handler({ ...event, requestContext: { ...event.requestContext, requestId: randomUUID() } }, context);
  };
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });
  server.on('upgrade', (req, socket, head) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== path) return socket.destroy();
      const connectionId = randomUUID();
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const result = await call({ requestContext: { routeKey: '$connect', connectionId }, headers });
      if (statusOf(result) !== 200) {
        socket.end(`HTTP/1.1 ${statusOf(result)} Refused\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.set(connectionId, ws);
        let queue: Promise<unknown> = Promise.resolve();
        const invoke = (routeKey: string, body?: string) => {
          queue = queue
            .then(() => call({ requestContext: { routeKey, connectionId }, ...(body !== undefined && { body }) }))
            .catch((error: unknown) => console.error('websocket handler failed', error));
          return queue;
        };
        let initReceived = false;
        const initTimer = setTimeout(() => {
          if (!initReceived) ws.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
        }, initTimeout);
        ws.on('message', (data) => {
          const text = rawText(data);
          if (!initReceived && isConnectionInit(text)) {
            initReceived = true;
            clearTimeout(initTimer);
          }
          void invoke('$default', text);
        });
        ws.on('close', () => {
          clearTimeout(initTimer);
          sockets.delete(connectionId);
          void invoke('$disconnect');
        });
      });
    })().catch(() => socket.destroy());
  });
  return wss;
}

/** The text of a WebSocket message however `ws` delivered it (one buffer, fragments, or an ArrayBuffer). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
