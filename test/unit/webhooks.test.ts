import { describe, expect, it } from 'vitest';
import { computeWebhookSignature, verifyWebhookSignature, webhookSignatureHeader } from '../../functions/lib/webhooks/signature.js';
import {
  RETRY_BASE_MS,
  RETRY_CAP_MS,
  RETRY_FLOOR_MS,
  RETRY_WINDOW_MS,
  afterAttempt,
  checkWebhookEvents,
  retryDelayMs,
} from '../../functions/lib/domain/webhooks.js';
import { checkUrlForm, isAllowedAddress, resolveAllowed } from '../../functions/lib/webhooks/urlGuard.js';
import { deliveryIdFor } from '../../functions/lib/webhooks/events.js';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"d1","event":"NEED_MATCHED","createdAt":"2026-11-29T08:00:00.000Z","data":{"need":{"title":"荔枝"}}}';
const NOW = 1_796_000_000;

describe('Function: verifyWebhookSignature', () => {
  const header = webhookSignatureHeader([SECRET], NOW, BODY);

  it('accepts the header the API sends: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    expect(header).toBe(`t=${NOW},v1=${computeWebhookSignature(SECRET, NOW, BODY)}`);
    expect(computeWebhookSignature(SECRET, NOW, BODY)).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW + 10)).toBe(true);
  });

  it('refuses a changed body, another secret, a missing or malformed header', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('荔枝', '龙眼'), 300, NOW)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, BODY, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, undefined, BODY, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, `v1=${computeWebhookSignature(SECRET, NOW, BODY)}`, BODY, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, `t=${NOW},v1=zz`, BODY, 300, NOW)).toBe(false);
  });

  it('refuses a signature older or newer than the tolerance (replays)', () => {
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW - 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 600, NOW + 301)).toBe(true);
  });

  it('accepts any of several v1 signatures (both secrets during a rotation grace period)', () => {
    const both = webhookSignatureHeader(['whsec_new', 'whsec_old'], NOW, BODY);
    expect(both.split(',')).toHaveLength(3);
    expect(verifyWebhookSignature('whsec_new', both, BODY, 300, NOW)).toBe(true);
    expect(verifyWebhookSignature('whsec_old', both, BODY, 300, NOW)).toBe(true);
    expect(verifyWebhookSignature('whsec_gone', both, BODY, 300, NOW)).toBe(false);
  });
});

describe('Function: retryDelayMs', () => {
  it('draws uniformly below a ceiling that doubles from one minute up to one hour (full jitter)', () => {
    expect(retryDelayMs(1, () => 0.999999)).toBe(Math.floor(0.999999 * RETRY_BASE_MS));
    expect(retryDelayMs(2, () => 0.5)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(3, () => 0.5)).toBe(2 * RETRY_BASE_MS);
    expect(retryDelayMs(20, () => 0.5)).toBe(RETRY_CAP_MS / 2);
    for (let attempt = 1; attempt < 30; attempt += 1) {
      const d = retryDelayMs(attempt);
      expect(d).toBeGreaterThanOrEqual(RETRY_FLOOR_MS);
      expect(d).toBeLessThan(RETRY_CAP_MS);
    }
  });

  it('never waits less than the floor, whatever the draw', () => {
    expect(retryDelayMs(1, () => 0)).toBe(RETRY_FLOOR_MS);
  });
});

describe('Function: afterAttempt', () => {
  const createdAt = '2026-11-29T00:00:00.000Z';
  it('is DELIVERED on any 2xx', () => {
    expect(afterAttempt({ createdAt, at: createdAt, attempts: 1, httpStatus: 204 })).toEqual({ status: 'DELIVERED', nextAttemptAt: null });
  });
  it('retries a non-2xx answer or no answer after the backoff', () => {
    expect(afterAttempt({ createdAt, at: createdAt, attempts: 1, httpStatus: 500 }, () => 0.5)).toEqual({
      status: 'PENDING',
      nextAttemptAt: '2026-11-29T00:00:30.000Z',
    });
    expect(afterAttempt({ createdAt, at: createdAt, attempts: 2, httpStatus: null }, () => 0.5).status).toBe('PENDING');
    expect(afterAttempt({ createdAt, at: createdAt, attempts: 1, httpStatus: 301 }, () => 0.5).status).toBe('PENDING');
  });
  it('is FAILED once the next attempt would fall beyond 24 hours after creation', () => {
    const late = new Date(Date.parse(createdAt) + RETRY_WINDOW_MS - 1000).toISOString();
    expect(afterAttempt({ createdAt, at: late, attempts: 40, httpStatus: 500 }, () => 0.5)).toEqual({ status: 'FAILED', nextAttemptAt: null });
  });
});

describe('Function: checkWebhookEvents', () => {
  it('refuses an empty or unknown event list and deduplicates', () => {
    expect(checkWebhookEvents([]).ok).toBe(false);
    expect(checkWebhookEvents(['NEED_POSTED']).ok).toBe(false);
    expect(checkWebhookEvents(['NEED_MATCHED', 'NEED_MATCHED'])).toEqual({ ok: true, events: ['NEED_MATCHED'] });
  });
});

describe('Function: isAllowedAddress', () => {
  const aws = { allowLoopback: false };
  const local = { allowLoopback: true };
  it('allows public unicast addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isAllowedAddress(a, aws), a).toBe(true);
  });
  it('refuses private, loopback, link-local (metadata), unique-local, CGNAT, unspecified, multicast and mapped private addresses', () => {
    for (const a of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      'not-an-ip',
    ]) {
      expect(isAllowedAddress(a, aws), a).toBe(false);
    }
  });
  it('allows loopback only where the runner allows it, and never a private address', () => {
    expect(isAllowedAddress('127.0.0.1', local)).toBe(true);
    expect(isAllowedAddress('::1', local)).toBe(true);
    expect(isAllowedAddress('10.0.0.1', local)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', local)).toBe(false);
  });
});

describe('Function: checkUrlForm', () => {
  const aws = { allowLoopback: false };
  const local = { allowLoopback: true };
  it('accepts https URLs and, locally, http to loopback', () => {
    expect(checkUrlForm('https://partner.example.hk/kezhi/hook', aws).ok).toBe(true);
    expect(checkUrlForm('http://127.0.0.1:8080/hook', local).ok).toBe(true);
    expect(checkUrlForm('http://localhost:8080/hook', local).ok).toBe(true);
  });
  it('refuses http (on AWS always; locally to anything but loopback), credentials, fragments and private literals', () => {
    expect(checkUrlForm('http://partner.example.hk/hook', aws).ok).toBe(false);
    expect(checkUrlForm('http://127.0.0.1:8080/hook', aws).ok).toBe(false);
    expect(checkUrlForm('http://partner.example.hk/hook', local).ok).toBe(false);
    expect(checkUrlForm('https://user:pw@partner.example.hk/hook', aws).ok).toBe(false);
    expect(checkUrlForm('https://partner.example.hk/hook#x', aws).ok).toBe(false);
    expect(checkUrlForm('https://10.1.2.3/hook', local).ok).toBe(false);
    expect(checkUrlForm('https://[fe80::1]/hook', aws).ok).toBe(false);
    expect(checkUrlForm('relative/path', aws).ok).toBe(false);
  });
});

describe('Function: resolveAllowed', () => {
  const aws = { allowLoopback: false };
  it('refuses a host name when any of its addresses is private (it may answer with that one later)', async () => {
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect((await resolveAllowed('partner.example.hk', aws, resolver)).ok).toBe(false);
  });
  it('refuses a name that does not resolve, and accepts one with only public addresses', async () => {
    expect((await resolveAllowed('nowhere.invalid', aws, () => Promise.reject(new Error('ENOTFOUND')))).ok).toBe(false);
    expect((await resolveAllowed('partner.example.hk', aws, async () => [{ address: '93.184.216.34', family: 4 }])).ok).toBe(true);
  });
});

describe('Function: deliveryIdFor', () => {
  it('is the same for the same event, subject and webhook, and differs otherwise', () => {
    const a = deliveryIdFor('NEED_MATCHED', ['need-1', 'expert-1'], 'hook-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(deliveryIdFor('NEED_MATCHED', ['need-1', 'expert-1'], 'hook-1')).toBe(a);
    expect(deliveryIdFor('NEED_MATCHED', ['need-1', 'expert-2'], 'hook-1')).not.toBe(a);
    expect(deliveryIdFor('NEED_MATCHED', ['need-1', 'expert-1'], 'hook-2')).not.toBe(a);
  });
});
