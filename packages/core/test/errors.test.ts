import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../src/index.js';

describe('KmsError', () => {
  it('carries code, status and cause', () => {
    const cause = new Error('socket');
    const error = core.operationFailed('generateKey', 'endpoint https://a failed', {
      status: 502,
      cause,
    });
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'failed to generate data key with KMS key: endpoint https://a failed',
    );
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'KmsError',
      code: 'kms:KeyGenerationFailed',
      status: 502,
      message: error.message,
    });
  });

  it('keeps 4xx failures unretryable', () => {
    expect(core.operationFailed('decrypt', 'bad request', { status: 400 }).retryable).toBe(false);
  });

  it('gives each subclass its code', () => {
    const cases: Array<[core.KmsError, string, number]> = [
      [new core.KeyNotFoundError('k'), 'kms:KeyNotFound', 404],
      [new core.KeyExistsError('k'), 'kms:KeyAlreadyExists', 409],
      [new core.NotAuthorizedError('no'), 'kms:NotAuthorized', 403],
      [new core.InvalidCiphertextError('bad'), 'kms:InvalidCiphertextException', 400],
      [new core.NotSupportedError('no'), 'kms:NotSupported', 501],
      [new core.InvalidKeyNameError('bad'), 'kms:InvalidKeyName', 400],
      [new core.InvalidContextError('bad'), 'kms:InvalidContext', 400],
      [new core.KmsTimeoutError('slow'), 'kms:Timeout', 504],
      [new core.CanceledError(), 'kms:Canceled', 499],
      [new core.InvalidResponseError('bad'), 'kms:InvalidResponse', 502],
      [new core.KmsTlsError('https://a', 'handshake failed'), 'kms:TLSError', 502],
    ];
    for (const [error, code, status] of cases) {
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(core.KmsError.isInstance(error)).toBe(true);
    }
    expect(core.KeyNotFoundError.isInstance(new core.KeyExistsError('k'))).toBe(false);
  });

  describe('across two installed copies', () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmskit-copy-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('recognises errors of the other copy', async () => {
      const copy = join(directory, 'index.js');
      copyFileSync(new URL('../dist/index.js', import.meta.url), copy);
      copyFileSync(new URL('../dist/index.js.map', import.meta.url), `${copy}.map`);
      const other: typeof core = await import(pathToFileURL(copy).href);
      expect(other.KmsError).not.toBe(core.KmsError);

      const foreign = new other.KeyNotFoundError('my-key');
      expect(foreign instanceof core.KmsError).toBe(false);
      expect(core.KmsError.isInstance(foreign)).toBe(true);
      expect(core.KeyNotFoundError.isInstance(foreign)).toBe(true);
      expect(other.KmsError.isInstance(new core.KmsTimeoutError('slow'))).toBe(true);
      expect(core.KmsError.isInstance(new Error('plain'))).toBe(false);
      expect(core.KmsError.isInstance({ code: 'kms:KeyNotFound' })).toBe(false);
    });
  });
});
