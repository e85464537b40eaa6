/** Small helpers shared by the builtin connector's tests. */

import type { OperationOptions } from '@kmskit/core';

/** A MinIO test key: `my-key` with the key bytes of MinIO's own builtin tests. */
export const MY_KEY = 'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=';
/** The base64 part of `MY_KEY`, which no message or serialisation may contain. */
export const MY_KEY_BASE64 = 'eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=';
/** The hex form of the same key bytes. */
export const MY_KEY_HEX = '7849be248f7fab82611fc4302af7f72caa380c4065e906dfbc09750806cc22ff';

/** Options for calling a connector directly, with a signal that never aborts. */
export function operation(): OperationOptions {
  return { signal: new AbortController().signal };
}

/** Awaits a promise that must reject and returns its reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
