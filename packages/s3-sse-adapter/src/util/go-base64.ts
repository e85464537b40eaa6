/**
 * Base64 decoding as Go's `base64.StdEncoding.DecodeString` does it, which is what MinIO applies to
 * SSE headers and stored metadata: the standard alphabet with `=` padding, `\r` and `\n` ignored,
 * and non-zero trailing bits accepted (unlike `StdEncoding.Strict()`).
 */

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes padded standard base64 the way Go does. Returns `undefined` when the text is invalid. */
export function decodeGoBase64(text: string): Uint8Array | undefined {
  const compact = text.includes('\r') || text.includes('\n') ? text.replace(/[\r\n]/g, '') : text;
  if (!STANDARD.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** Encodes bytes as padded standard base64 (Go's `base64.StdEncoding`). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Encodes bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
