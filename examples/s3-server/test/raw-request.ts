import { request as httpsRequest } from 'node:https';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3Server } from '../src/index.js';

/** A request built by hand, for what the AWS SDK never sends. */
export interface RawRequest {
  method: string;
  /** The percent-encoded path, such as `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Leaves the request unsigned. @default false */
  anonymous?: boolean;
}

/** The response to a raw request. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Signs a request with Signature V4 (unless anonymous) and sends it to the server. */
export async function sendRaw(server: S3Server, raw: RawRequest): Promise<RawResponse> {
  const url = new URL(server.endpoint);
  let headers: Record<string, string> = { host: url.host, ...raw.headers };
  if (!raw.anonymous) {
    const signer = new SignatureV4({
      service: 's3',
      region: server.region,
      credentials: server.credentials,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
    const signed = await signer.sign({
      method: raw.method,
      protocol: 'https:',
      hostname: url.hostname,
      port: Number(url.port),
      path: raw.path,
      query: raw.query ?? {},
      headers,
      body: raw.body,
    });
    headers = signed.headers as Record<string, string>;
  }
  const search = new URLSearchParams(raw.query ?? {}).toString();
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        method: raw.method,
        host: url.hostname,
        port: url.port,
        path: search === '' ? raw.path : `${raw.path}?${search}`,
        headers,
        ca: server.ca,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(raw.body);
  });
}

/** Returns the `<Code>` of an S3 error document. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}
