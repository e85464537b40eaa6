/** Reading undici response bodies with a size limit. */

/** Returns the first value of a response header. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a Content-Length value; returns `undefined` when it is absent or invalid. */
export function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

interface Discardable {
  destroy(): unknown;
  on(event: 'error', listener: () => void): unknown;
}

/** Drops a response body; undici reports the destroyed stream as an error, which is expected here. */
export function discard(body: Discardable): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * Reads a body of at most `limit` bytes. With `truncate`, the rest is discarded. Without it,
 * reading stops at `limit + 1` bytes, so the caller can see that the body is too long.
 */
export async function readBody(
  body: Discardable & AsyncIterable<Uint8Array>,
  limit: number,
  truncate: boolean,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > limit) {
      discard(body);
      break;
    }
  }
  const all = Buffer.concat(chunks, total);
  return truncate
    ? all.subarray(0, Math.min(limit, total))
    : all.subarray(0, Math.min(limit + 1, total));
}
