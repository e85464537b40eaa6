/** Base64 helpers with Go's strict rules, shared by the connectors and the S3 adapter. */

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_RAW = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as standard base64 with padding (Go's `base64.StdEncoding`). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes standard base64 with padding, rejecting anything Go's `StdEncoding.Strict()` rejects:
 * other alphabets, missing padding and non-zero trailing bits. Returns `undefined` when invalid.
 * `\r` and `\n` are ignored, as Go does.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const compact = text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, '') : text;
  if (!STANDARD.test(compact)) return undefined;
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'));
  return toBase64(bytes) === compact ? bytes : undefined;
}

/** Encodes bytes as URL-safe base64 without padding (Go's `base64.RawURLEncoding`). */
export function toBase64UrlRaw(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes URL-safe base64 without padding, strictly. Returns `undefined` when invalid. */
export function fromBase64UrlRaw(text: string): Uint8Array | undefined {
  if (!URL_RAW.test(text) || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  return toBase64UrlRaw(bytes) === text ? bytes : undefined;
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
