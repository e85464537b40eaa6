/**
 * `kmskit dek generate|decrypt`: data encryption keys. `dek generate` is the only command that
 * prints a plaintext data key; `dek decrypt` checks a ciphertext and prints a SHA-256 fingerprint
 * of the plaintext instead. The plaintext of a stored data key decrypts everything it protects.
 */

import { createHash } from 'node:crypto';
import { encodeContext, toBase64 } from '@kmskit/core';
import {
  expectPositionals,
  type OptionSpecs,
  parseBase64Argument,
  parseContextOptions,
  parseCount,
} from '../arguments.js';
import type { Command, CommandGroup } from '../command.js';

const CONTEXT_OPTIONS = {
  context: { type: 'string', multiple: true },
  'context-json': { type: 'string' },
} as const satisfies OptionSpecs;

const CONTEXT_HELP: Array<[string, string]> = [
  ['--context KEY=VALUE', 'add a context entry; repeat for more entries'],
  ['--context-json JSON', 'add the entries of a JSON object of strings'],
];

const generate: Command = {
  name: 'dek generate',
  summary: 'generate a data key (prints its plaintext)',
  usage: ['dek generate [key] [--context KEY=VALUE ...] [--context-json JSON] [--json]'],
  description: [
    "Generates a 32-byte data key under a master key (the KMS's default key when none is named) and binds it to the context. Prints the key name, version, canonical context, the plaintext and the ciphertext in base64, and the SHA-256 of the plaintext.",
    'This is the only command that prints a plaintext data key: treat the output as a secret. Store the ciphertext and the context, and use `kmskit dek decrypt` with both to check it later. MinIO binds an object\'s data key to the context {"<bucket>":"<bucket>/<object>"}.',
  ],
  options: CONTEXT_OPTIONS,
  optionHelp: CONTEXT_HELP,
  examples: [
    'kmskit dek generate',
    'kmskit dek generate my-app-key --context my-bucket=my-bucket/photo.jpg',
    'kmskit dek generate --context-json \'{"my-bucket":"my-bucket/photo.jpg"}\' --json',
  ],
  async run({ out, values, positionals, kms }) {
    expectPositionals('dek generate', positionals, ['key'], 0);
    const context = readContext('dek generate', values);
    const { kms: client } = await kms();
    const key = await client.generateKey({ name: positionals[0] ?? '', context });
    const plaintext = key.plaintext!;
    const result = {
      keyId: key.keyId,
      version: key.version,
      context: contextText(context),
      plaintext: toBase64(plaintext),
      ciphertext: toBase64(key.ciphertext),
      plaintextSha256: sha256Hex(plaintext),
    };
    key.zero();
    if (out.json) {
      out.document({ ...result, context });
      return;
    }
    out.line(`key:              ${result.keyId}`);
    out.line(`version:          ${result.version}`);
    out.line(`context:          ${result.context}`);
    out.line(`plaintext:        ${result.plaintext}`);
    out.line(`ciphertext:       ${result.ciphertext}`);
    out.line(`plaintext sha256: ${result.plaintextSha256}`);
  },
};

const decrypt: Command = {
  name: 'dek decrypt',
  summary: 'decrypt a data key and print its fingerprint',
  usage: [
    'dek decrypt <key> <ciphertext-base64> [--context KEY=VALUE ...] [--context-json JSON] [--version N] [--json]',
  ],
  description: [
    'Decrypts a data key ciphertext (base64, as printed by `kmskit dek generate` or stored by MinIO) with the named master key and the context it was generated with. A wrong key, context or ciphertext fails with kms:InvalidCiphertextException.',
    'It prints the plaintext length and the SHA-256 of the plaintext, never the plaintext itself; compare the hash with the one `dek generate` printed.',
  ],
  options: { ...CONTEXT_OPTIONS, version: { type: 'string' } },
  optionHelp: [
    ...CONTEXT_HELP,
    ['--version N', 'the key version to send (MinIO KMS only; default 0)'],
  ],
  examples: ['kmskit dek decrypt my-app-key "$CIPHERTEXT" --context my-bucket=my-bucket/photo.jpg'],
  async run({ out, values, positionals, kms }) {
    expectPositionals('dek decrypt', positionals, ['key', 'ciphertext-base64'], 2);
    const [name, encoded] = positionals as [string, string];
    const ciphertext = parseBase64Argument(
      'dek decrypt',
      '<ciphertext-base64>',
      encoded,
      ", as printed by 'kmskit dek generate'",
    );
    const context = readContext('dek decrypt', values);
    const version = parseCount(
      'dek decrypt',
      'version',
      values.version as string | undefined,
      0xffffffff,
    );
    const { kms: client } = await kms();
    const plaintext = await client.decrypt({ name, ciphertext, context, version });
    const result = { keyId: name, length: plaintext.length, plaintextSha256: sha256Hex(plaintext) };
    plaintext.fill(0);
    if (out.json) {
      out.document({ ...result, context });
      return;
    }
    out.line(`decrypted a ${result.length}-byte data key with key '${name}'`);
    out.line(`plaintext sha256: ${result.plaintextSha256}`);
  },
};

/** The `dek` commands. */
export const dekCommands: CommandGroup = {
  name: 'dek',
  summary: 'generate and decrypt data keys',
  commands: [generate, decrypt],
};

function readContext(command: string, values: Record<string, unknown>): Record<string, string> {
  return parseContextOptions(
    command,
    values.context as string[] | undefined,
    values['context-json'] as string | undefined,
  );
}

function contextText(context: Record<string, string>): string {
  return new TextDecoder().decode(encodeContext(context));
}

/** Returns the SHA-256 of bytes in lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
