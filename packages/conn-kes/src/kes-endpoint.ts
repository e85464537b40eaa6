/** KES endpoint URLs and the API paths built on them. */

/** One KES server. */
export interface KesEndpoint {
  /** The endpoint as shown in errors, events and status: origin plus base path, no credentials. */
  url: string;
  /** `https://host:port`, the undici origin. */
  origin: string;
  /** A path prefix before the API path, `''` for none (a KES server behind a proxy route). */
  basePath: string;
}

/**
 * Parses one endpoint URL. Like KES's own client, it trims whitespace and one trailing `/`.
 *
 * @throws {TypeError} when the value is not an https URL, or carries credentials, a query or a
 *   fragment.
 */
export function parseEndpoint(value: unknown): KesEndpoint {
  if (typeof value !== 'string') {
    throw new TypeError(
      `conn-kes: option \`endpoints\` must contain https URLs, got ${value === null ? 'null' : typeof value}`,
    );
  }
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(
      `conn-kes: invalid endpoint ${JSON.stringify(text)}: use a URL such as https://kes.example.net:7373`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new TypeError(
      `conn-kes: invalid endpoint ${JSON.stringify(text)}: KES requires https, got ${url.protocol.slice(0, -1)}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(
      `conn-kes: invalid endpoint for host ${url.host}: remove the user name and password, KES authenticates by client certificate`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `conn-kes: invalid endpoint ${JSON.stringify(url.origin + url.pathname)}: remove the query and fragment`,
    );
  }
  const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return { url: url.origin + basePath, origin: url.origin, basePath };
}
