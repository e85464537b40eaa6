/**
 * `kmskit encrypt` and `kmskit decrypt`: a file to MinIO's stored form of an object (the DARE
 * body and the internal metadata entries) and back.
 */

import { basename } from 'node:path';
import type { SseType } from '@kmskit/s3-sse-adapter';
import { expectPositionals, type OptionValues, parseBase64Argument } from '../arguments.js';
import { UsageError } from '../cli-errors.js';
import type { Output } from '../cli-io.js';
import type { Command } from '../command.js';
import { checkInputFile, checkOutputFile } from '../file-checks.js';
import { decryptFile, encryptFile } from '../object-crypto.js';
import { metadataPathFor, readObjectMetadata } from '../object-files.js';

/** The bucket `kmskit encrypt` uses when `--bucket` is not given. */
export const DEFAULT_BUCKET = 'kmskit';

/** The variable that may carry the SSE-C key instead of `--sse-c-key`. */
export const SSE_C_KEY_VARIABLE = 'KMSKIT_SSE_C_KEY';

const SSE_TYPES: Record<string, SseType> = { s3: 'SSE-S3', kms: 'SSE-KMS', c: 'SSE-C' };

const SSE_C_HELP: [string, string] = [
  '--sse-c-key BASE64',
  `the 32-byte SSE-C key in base64 (or set ${SSE_C_KEY_VARIABLE}, which other local users cannot see in the process list)`,
];

const encrypt: Command = {
  name: 'encrypt',
  summary: "encrypt a file into MinIO's stored object form",
  usage: [
    'encrypt <file> [--bucket B] [--object O] [--sse s3|kms|c] [--kms-key K] [--sse-c-key BASE64] [--out PATH] [--force] [--json]',
  ],
  description: [
    `Encrypts a file the way MinIO encrypts an object on PUT: it generates an object key, seals it (SSE-S3 and SSE-KMS through the KMS data key bound to {"<bucket>":"<bucket>/<object>"}, SSE-C with the customer key) and streams the file through DARE. It writes the encrypted body to --out (default <file>.enc) and MinIO's internal metadata entries, the sizes and the stored ETag to <out>.meta.json. Defaults: bucket '${DEFAULT_BUCKET}', object the file's base name, SSE-S3.`,
    'Existing output files are kept unless --force is given; a failed run leaves no output behind. A progress bar is drawn on stderr when it is a terminal.',
  ],
  options: {
    bucket: { type: 'string' },
    object: { type: 'string' },
    sse: { type: 'string' },
    'kms-key': { type: 'string' },
    'sse-c-key': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  },
  optionHelp: [
    [
      '--bucket B',
      `the bucket name bound into the seal and the KMS context (default ${DEFAULT_BUCKET})`,
    ],
    ['--object O', "the object name bound into the seal (default: the file's base name)"],
    ['--sse s3|kms|c', 'SSE-S3 (default), SSE-KMS or SSE-C'],
    ['--kms-key K', "the SSE-KMS key (default: the KMS's default key)"],
    SSE_C_HELP,
    ['--out PATH', 'the encrypted file (default <file>.enc); the metadata goes to PATH.meta.json'],
    ['--force', 'overwrite existing output files'],
  ],
  examples: [
    'kmskit encrypt photo.jpg',
    'kmskit encrypt photo.jpg --bucket photos --object 2026/photo.jpg --sse kms --kms-key my-app-key',
    'KMSKIT_SSE_C_KEY="$(head -c 32 /dev/urandom | base64)" kmskit encrypt photo.jpg --sse c',
  ],
  async run({ io, out, values, positionals, kms }) {
    expectPositionals('encrypt', positionals, ['file'], 1);
    const input = positionals[0]!;
    const sse = parseSse(values.sse);
    const kmsKey = values['kms-key'] as string | undefined;
    if (kmsKey !== undefined && sse !== 'SSE-KMS') {
      throw new UsageError('encrypt: --kms-key needs --sse kms');
    }
    const customerKey = readCustomerKey('encrypt', values, io.env, sse === 'SSE-C');
    if (customerKey && sse !== 'SSE-C') {
      throw new UsageError('encrypt: --sse-c-key needs --sse c');
    }
    const output = (values.out as string | undefined) ?? `${input}.enc`;
    const metadataPath = metadataPathFor(output);
    await checkInputFile(input);
    for (const path of [output, metadataPath]) {
      await checkOutputFile('encrypt', path, values.force === true);
    }

    const bucket = (values.bucket as string | undefined) ?? DEFAULT_BUCKET;
    const object = (values.object as string | undefined) ?? basename(input);
    const client = sse === 'SSE-C' ? undefined : (await kms()).kms;
    try {
      const result = await encryptFile({
        input,
        output,
        metadataPath,
        bucket,
        object,
        sse,
        kms: client,
        kmsKey,
        customerKey,
        progress: io.stderr,
      });
      const summary = {
        input,
        output,
        metadata: metadataPath,
        bucket,
        object,
        sse,
        size: result.size,
        storedSize: result.storedSize,
        sha256: result.sha256,
        etag: result.clientETag,
      };
      report(out, summary, `encrypted ${input} as ${sse} object ${bucket}/${object}`);
    } finally {
      customerKey?.fill(0);
    }
  },
};

const decrypt: Command = {
  name: 'decrypt',
  summary: 'decrypt a file that kmskit encrypt or MinIO wrote',
  usage: [
    'decrypt <file> [--meta PATH] [--bucket B] [--object O] [--sse-c-key BASE64] [--out PATH|-] [--force] [--json]',
  ],
  description: [
    "Decrypts a file in MinIO's stored form with its metadata file (default <file>.meta.json): it unseals the object key (through the KMS for SSE-S3 and SSE-KMS, with the customer key for SSE-C) and streams the body through DARE, authenticating every 64 KiB package. The bucket and object names come from the metadata file; other names fail, because they are bound into the seal.",
    'The plaintext goes to --out (default: the file name with .enc replaced by .dec, or <file>.dec), or to stdout with --out -. A file output appears only when the whole body authenticated.',
  ],
  options: {
    meta: { type: 'string' },
    bucket: { type: 'string' },
    object: { type: 'string' },
    'sse-c-key': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  },
  optionHelp: [
    ['--meta PATH', 'the metadata file (default <file>.meta.json)'],
    ['--bucket B', 'the bucket name (default: from the metadata file)'],
    ['--object O', 'the object name (default: from the metadata file)'],
    SSE_C_HELP,
    [
      '--out PATH|-',
      'the plaintext file, or - for stdout (default <file> with .enc replaced by .dec)',
    ],
    ['--force', 'overwrite an existing output file'],
  ],
  examples: ['kmskit decrypt photo.jpg.enc', 'kmskit decrypt photo.jpg.enc --out - | sha256sum'],
  async run({ io, out, values, positionals, kms }) {
    expectPositionals('decrypt', positionals, ['file'], 1);
    const input = positionals[0]!;
    const toStdout = values.out === '-';
    if (toStdout && out.json) {
      throw new UsageError(
        'decrypt: --out - writes the plaintext to stdout and cannot be combined with --json',
      );
    }
    const output = toStdout
      ? undefined
      : ((values.out as string | undefined) ?? defaultDecryptOutput(input));
    await checkInputFile(input);
    if (output) await checkOutputFile('decrypt', output, values.force === true);
    const stored = await readObjectMetadata(
      (values.meta as string | undefined) ?? metadataPathFor(input),
    );
    const customerKey = readCustomerKey('decrypt', values, io.env, stored.sse === 'SSE-C');

    const bucket = (values.bucket as string | undefined) ?? stored.bucket;
    const object = (values.object as string | undefined) ?? stored.object;
    const client = stored.sse === 'SSE-C' ? undefined : (await kms()).kms;
    try {
      const result = await decryptFile({
        input,
        output: output ?? io.stdout,
        stored,
        bucket,
        object,
        kms: client,
        customerKey,
        progress: io.stderr,
      });
      const summary = {
        input,
        output: output ?? '-',
        bucket,
        object,
        sse: stored.sse,
        size: result.size,
        storedSize: result.storedSize,
        sha256: result.sha256,
        etag: result.clientETag,
      };
      if (toStdout) {
        out.notice(`decrypted ${input} (${result.size} bytes, sha256 ${result.sha256}) to stdout`);
      } else {
        report(out, summary, `decrypted ${stored.sse} object ${bucket}/${object}`);
      }
    } finally {
      customerKey?.fill(0);
    }
  },
};

/** The `encrypt` and `decrypt` commands. */
export const fileCommands: Command[] = [encrypt, decrypt];

function report(out: Output, summary: Record<string, string | number>, headline: string): void {
  if (out.json) {
    out.document(summary);
    return;
  }
  const encrypting = summary.metadata !== undefined;
  const inputSize = encrypting ? summary.size : summary.storedSize;
  const outputSize = encrypting ? summary.storedSize : summary.size;
  out.line(headline);
  out.line(`  ${summary.input} (${inputSize} bytes) -> ${summary.output} (${outputSize} bytes)`);
  if (encrypting) out.line(`  metadata: ${summary.metadata}`);
  out.line(`  plaintext sha256: ${summary.sha256}`);
  out.line(`  etag: ${summary.etag}`);
}

function parseSse(value: OptionValues[string]): SseType {
  if (value === undefined) return 'SSE-S3';
  const sse = SSE_TYPES[String(value)];
  if (!sse) {
    throw new UsageError(`encrypt: invalid --sse ${JSON.stringify(value)}: expected s3, kms or c`);
  }
  return sse;
}

function readCustomerKey(
  command: string,
  values: OptionValues,
  env: Readonly<Record<string, string | undefined>>,
  required: boolean,
): Uint8Array | undefined {
  const fromOption = values['sse-c-key'] as string | undefined;
  const text = fromOption ?? (required ? env[SSE_C_KEY_VARIABLE] : undefined);
  if (text === undefined || text === '') {
    if (!required) return undefined;
    throw new UsageError(
      `${command}: SSE-C needs the customer key: pass --sse-c-key BASE64 or set ${SSE_C_KEY_VARIABLE}`,
    );
  }
  const key = parseBase64Argument(command, 'SSE-C key', text);
  if (key.length !== 32) {
    const length = key.length;
    key.fill(0);
    throw new UsageError(`${command}: invalid SSE-C key: it is ${length} bytes, expected 32`);
  }
  return key;
}

function defaultDecryptOutput(input: string): string {
  return input.endsWith('.enc') ? `${input.slice(0, -'.enc'.length)}.dec` : `${input}.dec`;
}
