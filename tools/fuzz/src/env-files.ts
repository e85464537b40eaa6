/**
 * Files that environment variables may name, made once per run in a temporary folder. Inputs name
 * them symbolically (`$file:cert`), so a failure file replays on another machine.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from '@kmskit/testing';
import { BUILTIN_KEY, fixedKey } from './fixtures.js';

/** The symbolic files. */
export const FILE_NAMES = [
  'builtin-key',
  'kes-api-key',
  'minkms-api-key',
  'cert',
  'key',
  'ca',
  'garbage',
  'empty',
  'dir',
  'missing',
] as const;
export type FileName = (typeof FILE_NAMES)[number];

/** A fixed KES API key (`kes:v1:` + base64 of type byte 0 and a 32-byte seed). */
export const KES_API_KEY = `kes:v1:${Buffer.concat([Buffer.of(0), fixedKey('kes api key')]).toString('base64')}`;
/** A fixed MinKMS API key (`k1:` + base64url of a 32-byte Ed25519 seed). */
export const MINKMS_API_KEY = `k1:${Buffer.from(fixedKey('minkms api key')).toString('base64url')}`;
/** The builtin key text. */
export const BUILTIN_KEY_TEXT = `fuzz-key:${Buffer.from(BUILTIN_KEY).toString('base64')}`;

let folder: string | undefined;

/** Creates the files. */
export async function createEnvFiles(): Promise<void> {
  if (folder) return;
  folder = mkdtempSync(join(tmpdir(), 'kmskit-fuzz-env-'));
  const pki = await createTestPki();
  const client = await pki.issueClient('fuzz');
  writeFileSync(join(folder, 'builtin-key'), `${BUILTIN_KEY_TEXT}\n`);
  writeFileSync(join(folder, 'kes-api-key'), `${KES_API_KEY}\n`);
  writeFileSync(join(folder, 'minkms-api-key'), `${MINKMS_API_KEY}\n`);
  writeFileSync(join(folder, 'cert'), client.cert);
  writeFileSync(join(folder, 'key'), client.key);
  writeFileSync(join(folder, 'ca'), pki.ca.cert);
  writeFileSync(
    join(folder, 'garbage'),
    '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n',
  );
  writeFileSync(join(folder, 'empty'), '');
  mkdirSync(join(folder, 'dir'));
  writeFileSync(join(folder, 'dir', 'ca.pem'), pki.ca.cert);
}

/** Removes the files. */
export function removeEnvFiles(): void {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}

/** Replaces `$file:<name>` in a value with the path of that file. */
export function resolveFileValue(value: string): string {
  if (!value.startsWith('$file:')) return value;
  if (!folder) throw new Error('createEnvFiles() was not called');
  return join(folder, value.slice('$file:'.length));
}
