import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Where webhooks may point: loopback `http` only when the local runner or a test allows it (never on AWS). */
export interface UrlPolicy {
  allowLoopback: boolean;
}

/** Resolves a host name to all its addresses (node:dns by default; tests may pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;
const lookupAll = promisify(dnsLookup);
export const systemResolver: Resolver = (hostname) => lookupAll(hostname, { all: true, verbatim: true });

/** The longest webhook URL accepted. */
export const MAX_URL_LENGTH = 2048;

/**
 * True when a delivery may connect to `address`: only global unicast addresses (ipaddr.js's `unicast` range, IPv4-mapped
 * IPv6 judged as IPv4), plus loopback when the policy allows it. Private (10/8, 172.16/12, 192.168/16), carrier-grade NAT,
 * link-local (169.254/16 with the cloud metadata endpoint, fe80::/10), unique-local (fc00::/7), unspecified, multicast,
 * reserved and the translation prefixes that can embed such an address are all refused.
 */
export function isAllowedAddress(address: string, policy: UrlPolicy): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === 'unicast' || (range === 'loopback' && policy.allowLoopback);
}

/** The host of a URL without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a webhook URL's form: absolute, `https` (or `http` to a loopback host when allowed), no credentials, no
 * fragment, and an IP literal host must be an allowed address. Returns the normalized URL or why it is refused.
 */
export function checkUrlForm(raw: string, policy: UrlPolicy): { ok: true; url: URL } | { ok: false; message: string } {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `The URL must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'Not an absolute URL' };
  }
  if (url.username || url.password) return { ok: false, message: 'The URL must not carry credentials' };
  if (url.hash) return { ok: false, message: 'The URL must not have a fragment' };
  const host = bareHost(url);
  const loopbackName = host.toLowerCase() === 'localhost' || (isIP(host) !== 0 && ipaddr.process(host).range() === 'loopback');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback && loopbackName)) {
    return { ok: false, message: policy.allowLoopback ? 'The URL must use https (or http to a loopback address)' : 'The URL must use https' };
  }
  if (isIP(host) !== 0 && !isAllowedAddress(host, policy)) return { ok: false, message: 'The URL points to a private, loopback or link-local address' };
  return { ok: true, url };
}

/**
 * The addresses a host name resolves to, when every one is allowed; otherwise why not (a name resolving to a private
 * address, in part or whole, is refused: DNS may answer with any of them at delivery time).
 */
export async function resolveAllowed(
  hostname: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ ok: true; addresses: LookupAddress[] } | { ok: false; message: string }> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    return isAllowedAddress(host, policy)
      ? { ok: true, addresses: [{ address: host, family: isIP(host) }] }
      : { ok: false, message: `The address ${host} is not allowed` };
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return { ok: false, message: `The host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { ok: false, message: `The host ${host} does not resolve` };
  const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
  if (refused) return { ok: false, message: `The host ${host} resolves to a private, loopback or link-local address` };
  return { ok: true, addresses };
}

/** A full check of a URL (form, then DNS): the normalized URL string or why it is refused. */
export async function checkWebhookUrl(
  raw: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ ok: true; url: string } | { ok: false; message: string }> {
  const form = checkUrlForm(raw.trim(), policy);
  if (!form.ok) return form;
  const resolved = await resolveAllowed(form.url.hostname, policy, resolve);
  return resolved.ok ? { ok: true, url: form.url.toString() } : resolved;
}
