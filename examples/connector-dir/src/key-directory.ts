/** The key files of one directory: atomic creation, reading, deletion and listing. */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  KeyExistsError,
  KeyNotFoundError,
  type KmsError,
  type KmsOperation,
  NotAuthorizedError,
  operationFailed,
} from '@kmskit/core';
import { keyFileName, keyNameOf } from './key-names.js';

/** Length of a master key in bytes. */
export const MASTER_KEY_LENGTH = 32;

/** A directory with one file per master key. Callers check names before they pass them in. */
export class KeyDirectory {
  constructor(readonly path: string) {}

  /**
   * Writes a new key file. The key goes to a temporary file first, which is then hard-linked to
   * its final name. `link` fails when the name exists, so two concurrent creations of one key
   * cannot both succeed, and no reader ever sees a partly written key.
   *
   * @throws {KeyExistsError} when the key exists.
   */
  async create(name: string, key: Uint8Array): Promise<void> {
    const temporary = join(this.path, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(key);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await link(temporary, this.#file(name));
    } catch (error) {
      if (codeOf(error) === 'EEXIST') throw new KeyExistsError(name);
      throw fileError('createKey', error, name);
    } finally {
      await unlink(temporary).catch(() => {});
    }
  }

  /** Reads a key. @throws {KeyNotFoundError} when the key file does not exist. */
  async read(name: string, operation: KmsOperation, signal?: AbortSignal): Promise<Uint8Array> {
    let key: Buffer;
    try {
      key = await readFile(this.#file(name), { signal });
    } catch (error) {
      throw fileError(operation, error, name);
    }
    if (key.length !== MASTER_KEY_LENGTH) {
      throw operationFailed(
        operation,
        `the file of key '${name}' contains ${key.length} bytes instead of ${MASTER_KEY_LENGTH}: restore it from a backup`,
      );
    }
    return new Uint8Array(key);
  }

  /** Deletes a key file. @throws {KeyNotFoundError} when it does not exist. */
  async remove(name: string): Promise<void> {
    try {
      await unlink(this.#file(name));
    } catch (error) {
      throw fileError('deleteKey', error, name);
    }
  }

  /** Returns the names of every key file, unsorted. */
  async names(): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.path);
    } catch (error) {
      throw fileError('listKeys', error);
    }
    return files.map(keyNameOf).filter((name): name is string => name !== undefined);
  }

  /** Checks that the directory exists and may be read and written. */
  async check(): Promise<void> {
    await access(this.path, constants.R_OK | constants.W_OK | constants.X_OK);
  }

  #file(name: string): string {
    return join(this.path, keyFileName(name));
  }
}

/** Maps a file system error to a `KmsError`. */
function fileError(operation: KmsOperation, error: unknown, name?: string): KmsError {
  const code = codeOf(error);
  if (code === 'ENOENT' && name !== undefined) return new KeyNotFoundError(name);
  if (code === 'EACCES' || code === 'EPERM') {
    return new NotAuthorizedError(
      `${operation} failed: permission denied on the key directory (${code}); check its owner and mode`,
      { cause: error },
    );
  }
  return operationFailed(operation, `file system error ${code ?? 'unknown'} in the key directory`, {
    cause: error,
  });
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
