/**
 * A small in-memory connector for the tests. It waits a chosen time, then returns random data keys
 * or the error that a test chose, and reports endpoint attempts as a remote connector does.
 */

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connector, EndpointAttempt, OperationOptions } from '@kmskit/core';

export interface TestConnectorOptions {
  type?: string;
  /** Milliseconds each call waits before it returns. */
  delayMs?: number;
  /** Returns the error a `generateKey` call for `name` throws, if any. */
  fail?: (name: string) => unknown;
  /** Attempts reported on every call before it returns. */
  attempts?: EndpointAttempt[];
}

export function createTestConnector(options: TestConnectorOptions = {}): Connector {
  const wait = async (operation: OperationOptions) => {
    for (const attempt of options.attempts ?? []) operation.reportAttempt?.(attempt);
    if (options.delayMs) await sleep(options.delayMs, undefined, { signal: operation.signal });
  };
  return {
    specificationVersion: 'v1',
    type: options.type ?? 'test',
    defaultKeyId: 'default-key',
    capabilities: {
      createKey: false,
      deleteKey: false,
      listKeys: false,
      mac: true,
      keyVersions: false,
      deleteMissingKey: 'fails',
    },
    async createKey(_request, operation) {
      await wait(operation);
    },
    async deleteKey(_request, operation) {
      await wait(operation);
    },
    async listKeys(_request, operation) {
      await wait(operation);
      return { names: [], continueAt: '' };
    },
    async generateKey(request, operation) {
      await wait(operation);
      const error = options.fail?.(request.name);
      if (error !== undefined) throw error;
      return { plaintext: randomBytes(32), ciphertext: randomBytes(60) };
    },
    async decrypt(request, operation) {
      await wait(operation);
      return request.ciphertext.subarray(0, 32);
    },
    async mac(_request, operation) {
      await wait(operation);
      return randomBytes(32);
    },
    async version(operation) {
      await wait(operation);
      return { version: 'test' };
    },
    async status(operation) {
      await wait(operation);
      return [];
    },
  };
}
