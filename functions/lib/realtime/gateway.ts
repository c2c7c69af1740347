import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { CloseCode } from 'graphql-ws';

/** The connection is gone (API Gateway's 410): its items should be removed. */
export class GoneError extends Error {
  constructor(
    readonly connectionId: string,
    options?: { cause?: unknown },
  ) {
    super(`connection ${connectionId} is gone`, options);
    this.name = 'GoneError';
  }
}

/** How the protocol reaches a client: two adapters, API Gateway's management API and a local `ws` socket. */
export interface ConnectionGateway {
  /** Sends one text frame; throws GoneError when the connection no longer exists. */
  send(connectionId: string, message: string): Promise<void>;
  /** Closes the connection (API Gateway cannot carry the close code; the local adapter does). */
  close(connectionId: string, code: CloseCode, reason: string): Promise<void>;
}

/** The API Gateway adapter: postToConnection / deleteConnection on the WebSocket API's endpoint. */
export function createApiGatewayGateway(endpoint: string, client = new ApiGatewayManagementApiClient({ endpoint })): ConnectionGateway {
  return {
    async send(connectionId, message) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(message) }));
      } catch (error) {
        if (error instanceof GoneException) throw new GoneError(connectionId, { cause: error });
        throw error;
      }
    },
    async close(connectionId) {
      try {
        await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      } catch (error) {
        if (!(error instanceof GoneException)) throw error;
      }
    },
  };
}
