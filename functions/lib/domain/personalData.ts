import { badInput } from '../errors.js';

/** Origins whose phone numbers and ID documents the validators know. */
export type Origin = 'MAINLAND' | 'HONG_KONG' | 'MACAO';

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const HK_PHONE = /^[2-9]\d{7}$/;
const MO_PHONE = /^[268]\d{7}$/;

/**
 * Normalizes a phone number (spaces, dashes and the +86/+852/+853 prefixes removed) and checks it:
 * an 11-digit mainland mobile, or an 8-digit Hong Kong or Macao number kept with its country code.
 */
export function normalizePhone(raw: string, field = 'phone'): string {
  const compact = raw.replace(/[\s-]/g, '');
  const mainland = compact.replace(/^(\+?86)(?=1\d{10}$)/, '');
  if (MAINLAND_MOBILE.test(mainland)) return mainland;
  const hk = /^\+?852(\d{8})$/.exec(compact);
  if (hk?.[1] && HK_PHONE.test(hk[1])) return `+852${hk[1]}`;
  const mo = /^\+?853(\d{8})$/.exec(compact);
  if (mo?.[1] && MO_PHONE.test(mo[1])) return `+853${mo[1]}`;
  throw badInput(field, 'Enter an 11-digit mainland mobile number, or +852/+853 followed by 8 digits');
}

/** Masks a phone for people who may not see it: 13812341234 → 138****1234, +85261234567 → +852****4567. */
export function maskPhone(phone: string): string {
  if (phone.startsWith('+')) return `${phone.slice(0, 4)}****${phone.slice(-4)}`;
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/**
 * Masks a person's name for people who may not see it: the first character and one asterisk for each
 * other character (李主任 → 李**, Chan Tai Man → C***********); a one-character name is all asterisk.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return `${chars[0] ?? ''}${'*'.repeat(chars.length - 1)}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** True for an 18-character mainland resident ID with a valid GB 11643 check character. */
export function isValidMainlandId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17];
}

/** Validates an ID number for the expert's origin (mainland: checksum; HK/Macao: document shape). */
export function normalizeIdNumber(raw: string, origin: Origin, field = 'idNumber'): string {
  const id = raw
    .trim()
    .toUpperCase()
    .replace(/[()（）\s]/g, '');
  if (origin === 'MAINLAND') {
    if (!isValidMainlandId(id)) throw badInput(field, 'Not a valid 18-character resident ID number');
  } else if (!/^[A-Z]{1,2}\d{6}[\dA]$|^[1578]\d{6}\d$/.test(id)) {
    throw badInput(field, 'Not a valid Hong Kong or Macao identity card number');
  }
  return id;
}

/** How long an audit line of a read of someone's personal data is kept (PIPL: the person may ask who read it). */
export const AUDIT_RETENTION_DAYS = 180;

/** The TTL (epoch seconds) of an audit line written at `at` (ISO-8601): 180 days later. */
export function auditExpiry(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + AUDIT_RETENTION_DAYS * 24 * 60 * 60;
}

/** What `deleteMyAccount` must be sent as `confirm`, so that no client erases an account by a slip. */
export const ERASURE_CONFIRMATION = 'DELETE MY ACCOUNT';

/** Checks the confirmation of an account erasure: exactly ERASURE_CONFIRMATION, or BAD_USER_INPUT on `confirm`. */
export function checkErasureConfirmation(confirm: string): void {
  if (confirm !== ERASURE_CONFIRMATION) throw badInput('confirm', `Send confirm: "${ERASURE_CONFIRMATION}" to erase your account; this cannot be undone`);
}

/**
 * What replaces an erased user's id where a record must keep a value (who posted a need): the empty string, which
 * is never a principal's user id (an empty `sub` claim is no user id), so the policy can never take anyone for it.
 */
export const ERASED_USER = '';
