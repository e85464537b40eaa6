/**
 * `startS3Server`: an S3-compatible HTTPS server on 127.0.0.1 that stores objects on local disk
 * and encrypts them with `@kmskit/s3-sse-adapter` (SSE-S3, SSE-KMS, SSE-C), in MinIO's formats.
 */

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KMS } from '@kmskit/core';
import { type AutoEncryption, createSseAdapter } from '@kmskit/s3-sse-adapter';
import { createTestPki } from '@kmskit/testing';
import { ObjectStore } from './object-store.js';
import { createRequestHandler, type S3ServerLogEntry } from './router.js';
import type { Credentials } from './sigv4.js';

/** Options of `startS3Server`. */
export interface S3ServerOptions {
  /** The folder of buckets, objects and uploads, created when missing. */
  dataDir: string;
  /** The KMS for SSE-S3 and SSE-KMS (its default key serves SSE-S3). Without it they fail with 501. */
  kms?: KMS;
  /** The access key clients sign with. @default a random pair */
  credentials?: Credentials;
  /** The region in the credential scope. @default 'us-east-1' */
  region?: string;
  /** The TCP port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /**
   * The server certificate and key (PEM), and the CA to hand to clients.
   * @default a certificate for 127.0.0.1 and localhost from a new test CA (`createTestPki`)
   */
  tls?: { cert: string; key: string; ca?: string };
  /**
   * Serves plain HTTP instead of HTTPS. SSE-C requests are then rejected with 400
   * `InvalidRequest`, as S3 does, because the customer key would cross the network in clear.
   * @default false
   */
  insecureHttp?: boolean;
  /** Encrypts writes that ask for no SSE in buckets without default encryption. */
  autoEncryption?: AutoEncryption;
  /**
   * Receives one entry at start and stop, and one per request that ends in an error response.
   * An exception it throws is ignored. @default no logging
   */
  log?: (entry: S3ServerLogEntry) => void;
}

/** A running server. */
export interface S3Server {
  /** The base URL, such as `https://127.0.0.1:41234`; use it with `forcePathStyle: true`. */
  endpoint: string;
  /** The CA certificate (PEM) that clients must trust, or `undefined` for plain HTTP. */
  ca: string | undefined;
  /** The access key pair the server accepts. */
  credentials: Credentials;
  /** The region clients must sign for. */
  region: string;
  /** Stops accepting requests, closes open connections and resolves when the server is down. */
  close(): Promise<void>;
}

/** Starts the server. */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  if (typeof options !== 'object' || options === null || typeof options.dataDir !== 'string') {
    throw new TypeError('startS3Server: option `dataDir` must be a folder path');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `startS3Server: option \`port\` must be an integer from 0 to 65535, got ${port}`,
    );
  }
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? {
    accessKeyId: `AK${randomBytes(9).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  const log = safeLog(options.log);
  const secure = options.insecureHttp !== true;

  const store = new ObjectStore(options.dataDir);
  await store.init();
  const sse = createSseAdapter({ kms: options.kms, autoEncryption: options.autoEncryption });
  const handler = createRequestHandler({ store, sse, credentials, region, secure, log });

  let ca: string | undefined;
  let server: http.Server;
  if (secure) {
    let tls = options.tls;
    if (!tls) {
      const pki = await createTestPki({ commonName: 'kmskit s3-server example CA' });
      const issued = await pki.issueServer();
      tls = { cert: issued.cert, key: issued.key, ca: pki.ca.cert };
    }
    ca = tls.ca;
    server = https.createServer({ cert: tls.cert, key: tls.key }, handler);
  } else {
    server = http.createServer(handler);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const endpoint = `${secure ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  log({ level: 'info', message: `S3 server listening on ${endpoint}, data in ${options.dataDir}` });

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    ca,
    credentials,
    region,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          log({ level: 'info', message: `S3 server on ${endpoint} stopped` });
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Wraps the caller's log function so that a failing logger cannot break a request. */
function safeLog(log: S3ServerOptions['log']): (entry: S3ServerLogEntry) => void {
  if (log === undefined) return () => {};
  if (typeof log !== 'function') {
    throw new TypeError('startS3Server: option `log` must be a function that takes a log entry');
  }
  return (entry) => {
    try {
      log(entry);
    } catch {
      // A logger that throws has nowhere to report to; the request goes on without the entry.
    }
  };
}
