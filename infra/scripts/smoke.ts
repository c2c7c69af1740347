/**
 * Post-deploy smoke test (docs/operations.md): one HTTP query, one WebSocket connection_init + subscribe, and
 * optionally one alarm driven into ALARM (its e-mail should arrive) and back to OK.
 * Run: `npm run smoke -- --url https://…/graphql --ws-url wss://…/live --token <jwt> [--alarm <alarm name>]`.
 * Not part of `npm test`: it needs a deployed stack (and, for --alarm, the AWS CLI with credentials).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

/** What the smoke test was asked to check. */
export interface SmokeOptions {
  url: string;
  wsUrl: string;
  token: string;
  alarm?: string;
  /** Milliseconds to wait for each answer. */
  timeoutMs: number;
}

/** Reads the command line (`--url`, `--ws-url`, `--token`, optional `--alarm` and `--timeout-ms`); throws on a missing or bad value. */
export function parseSmokeArgs(argv: string[]): SmokeOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'ws-url': { type: 'string' },
      token: { type: 'string' },
      alarm: { type: 'string' },
      'timeout-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const { url, token, alarm } = values;
  const wsUrl = values['ws-url'];
  if (!url || !/^https:\/\//.test(url)) throw new Error('--url must be the https URL of the GraphQL endpoint (stack output GraphqlUrl)');
  if (!wsUrl || !/^wss:\/\//.test(wsUrl)) throw new Error('--ws-url must be the wss URL of the WebSocket API (stack output WebSocketUrl)');
  if (!token) throw new Error('--token is required (an ID or access token of a signed-in user)');
  const timeoutMs = Number(values['timeout-ms'] ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error('--timeout-ms must be a positive integer');
  return { url, wsUrl, token: token.replace(/^Bearer\s+/i, ''), timeoutMs, ...(alarm && { alarm }) };
}

/** POSTs `{ me { kind roles } }` with the token: the function, the token check and the access record answer. */
async function checkHttp(o: SmokeOptions): Promise<string> {
  const response = await fetch(o.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
    body: JSON.stringify({ query: '{ me { kind userId roles } }' }),
    signal: AbortSignal.timeout(o.timeoutMs),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  return JSON.stringify(body.data);
}

/** connection_init with the token, then one subscribe: passes on connection_ack and no error for the subscription. */
function checkWebSocket(o: SmokeOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(o.wsUrl, 'graphql-transport-ws');
    const done = (error?: Error, result?: string) => {
      clearTimeout(timer);
      socket.close(1000);
      if (error) reject(error);
      else resolve(result ?? '');
    };
    const timer = setTimeout(() => done(new Error('no connection_ack in time')), o.timeoutMs);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${o.token}` } })));
    socket.on('error', (error) => done(error));
    socket.on('close', (code, reason) => done(new Error(`closed ${code} ${reason.toString()}`)));
    socket.on('message', (data: WebSocket.RawData) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : data instanceof ArrayBuffer
          ? Buffer.from(data).toString('utf8')
          : data.toString('utf8');
      const message = JSON.parse(text) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: 'smoke', type: 'subscribe', payload: { query: 'subscription { matchingNeedPosted { score } }' } }));
        // No error within a few seconds: the subscription is stored and waits for a need.
        setTimeout(() => done(undefined, 'connection_ack, subscribed'), Math.min(3000, o.timeoutMs));
      } else if (message.type === 'error') {
        done(new Error(`subscribe refused: ${JSON.stringify(message.payload)} (use an EXPERT's or an admin's token)`));
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
  });
}

/** Drives the alarm into ALARM (its action mails the topic's subscribers), then back to OK. */
async function checkAlarm(alarm: string): Promise<string> {
  const run = promisify(execFile);
  const set = (state: 'ALARM' | 'OK') =>
    run('aws', ['cloudwatch', 'set-alarm-state', '--alarm-name', alarm, '--state-value', state, '--state-reason', `Kezhi smoke test (${state})`]);
  await set('ALARM');
  await new Promise((r) => setTimeout(r, 5000));
  await set('OK');
  return `${alarm} set to ALARM then OK: check the alarm e-mail arrived`;
}

/** Runs every check, printing one line each; exits 1 when one fails. */
export async function main(argv: string[]): Promise<number> {
  const options = parseSmokeArgs(argv);
  const checks: Array<[string, () => Promise<string>]> = [
    ['HTTP query', () => checkHttp(options)],
    ['WebSocket subscribe', () => checkWebSocket(options)],
    ...(options.alarm ? [['alarm', () => checkAlarm(options.alarm ?? '')] as [string, () => Promise<string>]] : []),
  ];
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      console.log(`ok   ${name}: ${await check()}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('smoke.ts')) process.exitCode = await main(process.argv.slice(2));
