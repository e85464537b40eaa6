/** Typed views of the KES responses that carry no key material: version, key info and API routes. */

import { InvalidResponseError, type VersionInfo } from '@kmskit/core';
import type { KesAnswer } from './kes-caller.js';
import { parseJsonObject, stringField } from './kes-wire.js';

/** Key metadata from `describeKey`. Fields the server leaves out are absent. */
export interface KesKeyInfo {
  /** The key name. */
  name: string;
  /** `AES256`, `ChaCha20`, or the legacy `AES256-GCM_SHA256` / `XCHACHA20-POLY1305`. */
  algorithm?: string;
  /** The key id (KES v0.22). */
  id?: string;
  /** When the key was created. */
  createdAt?: Date;
  /** The identity that created the key. */
  createdBy?: string;
}

/** One API route of the server, from `/v1/api`. */
export interface KesApiRoute {
  method: string;
  path: string;
  /** Maximum request body in bytes. */
  maxBody: number;
  /** Route timeout in seconds. */
  timeoutSeconds: number;
}

/** A generated data key: 32 random bytes and their ciphertext under the master key. */
export interface KesDataKey {
  plaintext: Uint8Array;
  ciphertext: Uint8Array;
}

/** The server generation: KES v0.22 and older differ from newer servers in the import body. */
export type KesServerGeneration = 'legacy' | 'current' | 'unknown';

/** Reads `{"version","commit"}` from `/version`. @throws {InvalidResponseError} */
export function parseVersionInfo(answer: KesAnswer): VersionInfo {
  const object = parseJsonObject(answer.response.body, `version at ${answer.endpoint.url}`);
  const version = stringField(object, 'version');
  if (version === undefined) {
    throw new InvalidResponseError(
      `version at ${answer.endpoint.url}: the response has no \`version\``,
    );
  }
  const commit = stringField(object, 'commit');
  return { version, ...(commit ? { commit } : {}), endpoint: answer.endpoint.url };
}

/**
 * Returns the generation of a KES version string. Releases up to v0.22 are numbered `v0.N.M`;
 * later ones are named by date, such as `2024-01-11T13-09-29Z`.
 */
export function generationOf(version: string): KesServerGeneration {
  const match = /^v?(\d+)\.(\d+)\./.exec(version);
  if (!match) return 'current';
  return Number(match[1]) === 0 && Number(match[2]) < 23 ? 'legacy' : 'current';
}

/** Reads a describe response. KES v0.22 labels it `text/plain` and may leave fields out. */
export function parseKeyInfo(answer: KesAnswer, name: string): KesKeyInfo {
  const object = parseJsonObject(
    answer.response.body,
    `describe key '${name}' at ${answer.endpoint.url}`,
  );
  const info: KesKeyInfo = { name: stringField(object, 'name') ?? name };
  const algorithm = stringField(object, 'algorithm');
  const id = stringField(object, 'id');
  const createdAt = stringField(object, 'created_at');
  const createdBy = stringField(object, 'created_by');
  if (algorithm) info.algorithm = algorithm;
  if (id) info.id = id;
  if (createdAt && !Number.isNaN(Date.parse(createdAt))) info.createdAt = new Date(createdAt);
  if (createdBy) info.createdBy = createdBy;
  return info;
}

/** Reads the JSON array of `/v1/api`. @throws {InvalidResponseError} */
export function parseApiRoutes(answer: KesAnswer): KesApiRoute[] {
  let routes: unknown;
  try {
    routes = JSON.parse(answer.response.body);
  } catch {
    routes = undefined;
  }
  if (!Array.isArray(routes)) {
    throw new InvalidResponseError(
      `apis at ${answer.endpoint.url}: the response is not a JSON array`,
    );
  }
  return routes
    .filter(
      (route): route is Record<string, unknown> => typeof route === 'object' && route !== null,
    )
    .map((route) => ({
      method: String(route.method ?? ''),
      path: String(route.path ?? ''),
      maxBody: Number(route.max_body ?? 0),
      timeoutSeconds: Number(route.timeout ?? 0),
    }));
}
