import { isIP } from 'node:net';

/** Where `npm start` listens unless `HOST` says otherwise: the loopback interface only. */
export const DEFAULT_HOST = '127.0.0.1';

/** The address the local runner binds: `HOST` when set, else 127.0.0.1 (nothing on the network reaches a developer's database by default). */
export function listenHost(env: NodeJS.ProcessEnv): string {
  return env.HOST?.trim() || DEFAULT_HOST;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * The sample tokens the IDE page may embed: all of them on a loopback host, none when the runner is
 * reachable from the network (they include PROVINCE_ADMIN's; the terminal still prints them).
 */
export function ideSampleTokens(host: string, tokens: Record<string, string>): Record<string, string> {
  return isLoopback(host) ? tokens : {};
}

/** The base URL to print for a bound host and port (a wildcard address is shown as localhost). */
export function displayUrl(host: string, port: number, path: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${shown}:${port}${path}`;
}
