import { describe, expect, it } from 'vitest';
import { CloseCode, MessageType } from 'graphql-ws';
import { MAX_MESSAGE_BYTES, ackMessage, decide, errorMessage, nextMessage, tokenFrom } from '../../functions/lib/realtime/protocol.js';

const fresh = { initReceived: false, acknowledged: false };
const acked = { initReceived: true, acknowledged: true };
const msg = (m: Record<string, unknown>) => JSON.stringify(m);

describe('graphql-transport-ws core', () => {
  it('asks the shell to verify connection_init with its payload', () => {
    expect(decide(fresh, msg({ type: 'connection_init', payload: { authorization: 'Bearer t' } }))).toEqual({
      kind: 'init',
      payload: { authorization: 'Bearer t' },
    });
    expect(decide(fresh, msg({ type: 'connection_init' }))).toEqual({ kind: 'init', payload: null });
  });

  it('closes with 4429 on a second connection_init', () => {
    expect(decide(acked, msg({ type: 'connection_init' }))).toEqual({
      kind: 'close',
      code: CloseCode.TooManyInitialisationRequests,
      reason: 'Too many initialisation requests',
    });
    expect(decide({ initReceived: true, acknowledged: false }, msg({ type: 'connection_init' }))).toMatchObject({ code: 4429 });
  });

  it('answers ping with pong at any time and ignores pong', () => {
    expect(decide(fresh, msg({ type: 'ping' }))).toEqual({ kind: 'send', message: '{"type":"pong"}' });
    expect(decide(acked, msg({ type: 'pong' }))).toEqual({ kind: 'ignore' });
  });

  it('closes with 4401 on subscribe before connection_ack', () => {
    const subscribe = msg({ type: 'subscribe', id: '1', payload: { query: 'subscription { matchingNeedPosted { score } }' } });
    expect(decide(fresh, subscribe)).toEqual({ kind: 'close', code: CloseCode.Unauthorized, reason: 'Unauthorized' });
    expect(decide(acked, subscribe)).toEqual({ kind: 'subscribe', id: '1', payload: { query: 'subscription { matchingNeedPosted { score } }' } });
  });

  it('passes complete through with its id', () => {
    expect(decide(acked, msg({ type: 'complete', id: 'a' }))).toEqual({ kind: 'complete', id: 'a' });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an unknown type', msg({ type: 'subscription_start', id: '1' })],
    ['subscribe without a query', msg({ type: 'subscribe', id: '1', payload: {} })],
    ['a server-to-client message', msg({ type: 'next', id: '1', payload: {} })],
    ['connection_ack from the client', msg({ type: 'connection_ack' })],
  ])('closes with 4400 on %s', (_name, raw) => {
    expect(decide(acked, raw)).toMatchObject({ kind: 'close', code: CloseCode.BadRequest });
  });

  it('builds ack, next and error messages of the protocol', () => {
    expect(JSON.parse(ackMessage())).toEqual({ type: MessageType.ConnectionAck });
    expect(JSON.parse(nextMessage('7', { data: { x: 1 } }))).toEqual({ type: 'next', id: '7', payload: { data: { x: 1 } } });
    expect(JSON.parse(errorMessage('7', [{ message: 'no' }]))).toEqual({ type: 'error', id: '7', payload: [{ message: 'no' }] });
  });

  it('replaces a next message over 128 KB by an error that says so', () => {
    const big = nextMessage('9', { data: { text: 'x'.repeat(MAX_MESSAGE_BYTES) } });
    expect(JSON.parse(big)).toEqual({ type: 'error', id: '9', payload: [expect.objectContaining({ extensions: { code: 'PAYLOAD_TOO_LARGE' } })] });
    expect(Buffer.byteLength(nextMessage('9', { data: { text: 'x'.repeat(MAX_MESSAGE_BYTES - 100) } }))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('reads the token from authorization or token in the init payload', () => {
    expect(tokenFrom({ authorization: 'Bearer abc' })).toBe('Bearer abc');
    expect(tokenFrom({ token: 'abc' })).toBe('Bearer abc');
    expect(tokenFrom({})).toBeNull();
    expect(tokenFrom(null)).toBeNull();
  });
});
