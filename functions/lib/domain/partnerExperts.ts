import { createHash } from 'node:crypto';
import { badInput } from '../errors.js';
import type { ExpertTitle, Language, Origin } from '../generated/graphql.js';

/** Most experts one sync call carries. */
export const MAX_SYNC_BATCH = 100;
/** Longest externalId a partner may use. */
export const MAX_EXTERNAL_ID_LENGTH = 64;

/** A synced expert's fields as validated and normalized: what the content hash covers. */
export interface PartnerExpertFields {
  name: string;
  title: ExpertTitle;
  domains: string[];
  keywords: string[];
  affiliation: string | null;
  languages: Language[];
  serviceRegionCodes: string[];
  bio: string | null;
  phone: string;
  email: string | null;
  consent: { listed: boolean; contactable: boolean; termsVersion: string };
}

/** What a sync does with one valid item, given the partner's link for its externalId (if any). */
export type SyncDecision = { kind: 'CREATE' } | { kind: 'UNCHANGED'; expertId: string } | { kind: 'UPDATE'; expertId: string };

/** 1 to 100 experts per call (BAD_USER_INPUT on `experts`). */
export function checkSyncBatch(count: number): void {
  if (count < 1 || count > MAX_SYNC_BATCH) throw badInput('experts', `Send 1 to ${MAX_SYNC_BATCH} experts per call (got ${count})`);
}

/** The externalIds given more than once in one batch (each such item is rejected: which one is meant cannot be told). */
export function duplicateExternalIds(externalIds: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of externalIds) (seen.has(id) ? duplicates : seen).add(id);
  return duplicates;
}

/**
 * The content hash of a synced expert's fields: a SHA-256 over the fields in a fixed order (arrays as given after
 * normalization), so the same item synced again hashes the same and needs no write.
 */
export function contentHash(fields: PartnerExpertFields): string {
  const canonical = [
    fields.name,
    fields.title,
    fields.domains,
    fields.keywords,
    fields.affiliation,
    fields.languages,
    fields.serviceRegionCodes,
    fields.bio,
    fields.phone,
    fields.email,
    [fields.consent.listed, fields.consent.contactable, fields.consent.termsVersion],
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** Create when the partner has no expert under this externalId, no write when the hash is the stored one, else update. */
export function decideSync(hash: string, link: { expertId: string; contentHash: string } | undefined): SyncDecision {
  if (!link) return { kind: 'CREATE' };
  return link.contentHash === hash ? { kind: 'UNCHANGED', expertId: link.expertId } : { kind: 'UPDATE', expertId: link.expertId };
}

/** The origin of an expert synced by a partner of Hong Kong (region 81) or Macao (82). */
export function originOfPartnerRegion(regionCode: '81' | '82'): Origin {
  return regionCode === '81' ? 'HONG_KONG' : 'MACAO';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An optional e-mail address of at most 254 characters (BAD_USER_INPUT on `email`); blank is none. */
export function checkEmail(email: string | null | undefined): string | null {
  const value = email?.trim();
  if (!value) return null;
  if (value.length > 254 || !EMAIL.test(value)) throw badInput('email', 'Enter an e-mail address such as name@example.hk');
  return value.toLowerCase();
}
