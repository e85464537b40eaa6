/**
 * MinIO's legacy builtin ciphertext, written before May 2024 and by old KES servers: a JSON object
 * `{"aead":…,"iv":b64(16),"nonce":b64(12),"bytes":b64(ciphertext || tag)}` where `aead` is
 * `AES-256-GCM-HMAC-SHA-256` (key = HMAC-SHA256(master key, IV)) or `ChaCha20Poly1305`
 * (key = HChaCha20(master key, IV)). KES adds an `id` field, which is ignored.
 */

/** The AEADs a legacy JSON ciphertext may name. */
export type LegacyAlgorithm = 'AES-256-GCM-HMAC-SHA-256' | 'ChaCha20Poly1305';

/** The parts of a legacy JSON ciphertext. */
export interface LegacyCiphertext {
  algorithm: LegacyAlgorithm;
  /** AEAD output: encrypted plaintext followed by the 16-byte tag. */
  sealed: Uint8Array;
  iv: Uint8Array;
  nonce: Uint8Array;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const ALGORITHMS: readonly string[] = ['AES-256-GCM-HMAC-SHA-256', 'ChaCha20Poly1305'];
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const decoder = new TextDecoder('utf-8');

/**
 * Parses a legacy JSON ciphertext the way MinIO's Go code does, or returns `undefined` when the
 * bytes are not one. The caller then reads them as the current binary format, because a binary
 * ciphertext may start with `{` and end with `}` by chance.
 *
 * Rules taken from Go's `encoding/json` decoding into MinIO's struct: only bytes that start with
 * `{` and end with `}` are tried; field names match case-insensitively; unknown fields are
 * ignored; `null` leaves a field unset; a value of the wrong type fails the whole parse; byte
 * fields are padded standard base64 (line breaks ignored). The result is accepted only when
 * `aead` names one of the two AEADs, the IV is 16 bytes and the nonce 12 bytes.
 *
 * NOTE: when one field name occurs twice with the same spelling, `JSON.parse` keeps the later
 * value at the earlier position, so a third spelling in between is ordered differently from Go.
 */
export function parseLegacyCiphertext(bytes: Uint8Array): LegacyCiphertext | undefined {
  if (bytes.length < 2 || bytes[0] !== OPEN_BRACE || bytes[bytes.length - 1] !== CLOSE_BRACE) {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;

  let algorithm: string | undefined;
  const fields: { iv?: Uint8Array; nonce?: Uint8Array; bytes?: Uint8Array } = {};
  for (const [name, value] of Object.entries(parsed)) {
    const field = foldFieldName(name);
    if (field === 'aead') {
      if (value === null) continue;
      if (typeof value !== 'string') return undefined;
      algorithm = value;
    } else if (field === 'iv' || field === 'nonce' || field === 'bytes') {
      if (value === null) {
        delete fields[field];
        continue;
      }
      const decoded = typeof value === 'string' ? decodeBase64(value) : undefined;
      if (!decoded) return undefined;
      fields[field] = decoded;
    }
  }

  if (algorithm === undefined || !ALGORITHMS.includes(algorithm)) return undefined;
  if (fields.iv?.length !== 16 || fields.nonce?.length !== 12) return undefined;
  return {
    algorithm: algorithm as LegacyAlgorithm,
    sealed: fields.bytes ?? new Uint8Array(0),
    iv: fields.iv,
    nonce: fields.nonce,
  };
}

/**
 * Folds a JSON field name as Go matches struct tags: ASCII case-insensitively, with the Kelvin
 * sign equal to `k` and the long s (U+017F) equal to `s`.
 */
function foldFieldName(name: string): string {
  return name.replace(/[A-Z\u017f\u212a]/g, (char) => {
    if (char === '\u017f') return 's';
    if (char === '\u212a') return 'k';
    return char.toLowerCase();
  });
}

/**
 * Decodes base64 as Go's `base64.StdEncoding` does for `[]byte` JSON fields: standard alphabet,
 * padding required, `\r` and `\n` ignored, and (unlike the strict mode) non-zero trailing bits
 * accepted.
 */
function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!STANDARD_BASE64.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
