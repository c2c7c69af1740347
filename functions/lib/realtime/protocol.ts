import { CloseCode, MessageType, parseMessage, stringifyMessage, type SubscribePayload } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode, formatAppError } from '../errors.js';
import { MAX_ID_LENGTH } from '../validation.js';

/** API Gateway refuses WebSocket messages over 128 KB: larger outgoing ones are replaced by an `error`, larger incoming ones close with 4400. */
export const MAX_MESSAGE_BYTES = 128 * 1024;

/** What the protocol needs to remember of a connection between messages. */
export interface ConnectionState {
  /** connection_init was received (a second one is an error). */
  initReceived: boolean;
  /** connection_ack was sent. */
  acknowledged: boolean;
}

/** What the shell must do for one incoming message; the core itself does no I/O. */
export type Decision =
  | { kind: 'close'; code: CloseCode; reason: string }
  | { kind: 'send'; message: string }
  | { kind: 'init'; payload: Record<string, unknown> | null }
  | { kind: 'subscribe'; id: string; payload: SubscribePayload }
  | { kind: 'complete'; id: string }
  | { kind: 'ignore' };

/**
 * The graphql-transport-ws protocol as a pure function of (connection state, raw message): the same
 * rules as graphql-ws's own server (init once, nothing before ack, ping → pong), over any transport.
 */
export function decide(state: ConnectionState, raw: string): Decision {
  // A client's oversized message or subscription id is a bad request (4400), not a failure of the server.
  if (Buffer.byteLength(raw) > MAX_MESSAGE_BYTES)
    return { kind: 'close', code: CloseCode.BadRequest, reason: `Message larger than ${MAX_MESSAGE_BYTES} bytes` };
  let message;
  try {
    message = parseMessage(raw);
  } catch (error) {
    return { kind: 'close', code: CloseCode.BadRequest, reason: error instanceof Error ? error.message : 'Invalid message received' };
  }
  switch (message.type) {
    case MessageType.ConnectionInit:
      if (state.initReceived) return { kind: 'close', code: CloseCode.TooManyInitialisationRequests, reason: 'Too many initialisation requests' };
      return { kind: 'init', payload: message.payload ?? null };
    case MessageType.Ping:
      return { kind: 'send', message: stringifyMessage({ type: MessageType.Pong }) };
    case MessageType.Pong:
      return { kind: 'ignore' };
    case MessageType.Subscribe:
      if (!state.acknowledged) return { kind: 'close', code: CloseCode.Unauthorized, reason: 'Unauthorized' };
      if (message.id.length > MAX_ID_LENGTH)
        return { kind: 'close', code: CloseCode.BadRequest, reason: `Subscription id longer than ${MAX_ID_LENGTH} characters` };
      return { kind: 'subscribe', id: message.id, payload: message.payload };
    case MessageType.Complete:
      if (message.id.length > MAX_ID_LENGTH)
        return { kind: 'close', code: CloseCode.BadRequest, reason: `Subscription id longer than ${MAX_ID_LENGTH} characters` };
      return { kind: 'complete', id: message.id };
    default:
      return { kind: 'close', code: CloseCode.BadRequest, reason: `Unexpected message of type ${message.type} received` };
  }
}

/** connection_ack. */
export const ackMessage = (): string => stringifyMessage({ type: MessageType.ConnectionAck });

/** An `error` message for one subscription (it ends that subscription, not the connection). */
export const errorMessage = (id: string, errors: readonly GraphQLFormattedError[]): string =>
  stringifyMessage({ type: MessageType.Error, id, payload: errors });

/** A `complete` message: the server ends one subscription (its subscriber lost the right to it). */
export const completeMessage = (id: string): string => stringifyMessage({ type: MessageType.Complete, id });

/** A `next` message, or, when it would exceed the size limit, an `error` that says so (never dropped silently). */
export function nextMessage(id: string, result: { data?: unknown; errors?: readonly GraphQLFormattedError[] }): string {
  const message = stringifyMessage({ type: MessageType.Next, id, payload: result as never });
  if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES) return message;
  const tooLarge = new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The event is larger than ${MAX_MESSAGE_BYTES} bytes; select fewer fields`);
  return errorMessage(id, [formatAppError(tooLarge)]);
}

/** The bearer token from connection_init's payload (`authorization: "Bearer …"` or `token`). */
export function tokenFrom(payload: Record<string, unknown> | null): string | null {
  const value = payload?.authorization ?? payload?.Authorization ?? payload?.token;
  if (typeof value !== 'string' || !value.trim()) return null;
  return /^Bearer\s/i.test(value) ? value.trim() : `Bearer ${value.trim()}`;
}

/** Longest `acceptLanguage` kept from connection_init (an Accept-Language value; longer ones are cut, see parseAcceptLanguage). */
export const MAX_ACCEPT_LANGUAGE_LENGTH = 256;

/** The language a client asks for in connection_init's payload (`acceptLanguage`, as an Accept-Language header's value), or null. */
export function acceptLanguageFrom(payload: Record<string, unknown> | null): string | null {
  const value = payload?.acceptLanguage ?? payload?.['Accept-Language'] ?? payload?.['accept-language'];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, MAX_ACCEPT_LANGUAGE_LENGTH) : null;
}
