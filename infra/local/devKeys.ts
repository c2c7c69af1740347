import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { generateLocalKeys } from '../../functions/lib/auth/tokens.js';

/** Local-mode secrets: the token signing key pair and the cursor secret. Never used on AWS. */
export interface DevKeys {
  privateJwk: JWK;
  publicJwk: JWK;
  cursorSecret: string;
}

export const DEV_KEYS_FILE = resolve(process.env.KEZHI_DEV_KEYS ?? '.kezhi/dev-keys.json');

/** Reads the developer keys, creating them (git-ignored, mode 600) on first use. */
export async function loadDevKeys(file = DEV_KEYS_FILE): Promise<DevKeys> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const keys: DevKeys = { ...(await generateLocalKeys()), cursorSecret: randomBytes(32).toString('base64url') };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
