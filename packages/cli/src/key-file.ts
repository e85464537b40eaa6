/**
 * The default builtin key file that `kmskit` uses when no KMS variable is set:
 * `$XDG_CONFIG_HOME/kmskit/builtin.key` (`~/.config/kmskit/builtin.key` by default), which contains a
 * MINIO_KMS_SECRET_KEY value. Only the CLI creates it; the library never writes key files.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Env } from '@kmskit/core';

/** The key name written into a new key file. */
export const DEFAULT_KEY_NAME = 'kmskit-default-key';

/** The variable that overrides the configuration directory (tests, portable setups). */
export const CONFIG_DIR_VARIABLE = 'KMSKIT_CONFIG_DIR';

const KEY_FILE_NAME = 'builtin.key';

/** The default key file, read or newly created. */
export interface KeyFile {
  /** Absolute path of the file. */
  path: string;
  /** The file's content without its trailing newline: `<name>:<base64 of 32 bytes>`. */
  secretKey: string;
  /** True when this call created the file. */
  created: boolean;
  /** The file's permission bits, when the platform reports them. */
  mode: number;
}

/**
 * Returns the directory of kmskit's configuration: `KMSKIT_CONFIG_DIR` when set, else
 * `$XDG_CONFIG_HOME/kmskit` when that is an absolute path (the XDG rule), else
 * `$HOME/.config/kmskit`.
 */
export function configDirectory(env: Env): string {
  const override = env[CONFIG_DIR_VARIABLE];
  if (override) return override;
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'kmskit');
  return join(env.HOME || homedir(), '.config', 'kmskit');
}

/** Returns the path of the default builtin key file. */
export function defaultKeyFilePath(env: Env): string {
  return join(configDirectory(env), KEY_FILE_NAME);
}

/**
 * Reads the default key file, creating it first when it does not exist: the directory with mode
 * 0700, the file with mode 0600 and `kmskit-default-key:<base64 of 32 random bytes>`. Creation
 * uses an exclusive open, so two processes starting at once end up with the same key.
 *
 * @throws {Error} when the path is not a regular file or cannot be read or written.
 */
export async function loadOrCreateKeyFile(env: Env): Promise<KeyFile> {
  const directory = configDirectory(env);
  const path = join(directory, KEY_FILE_NAME);

  let created = false;
  if (!(await exists(path))) {
    const secretKey = `${DEFAULT_KEY_NAME}:${randomBytes(32).toString('base64')}`;
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new Error(`cannot create the key file ${path}: ${errnoText(error)}`);
    }
    try {
      await writeFile(path, `${secretKey}\n`, { flag: 'wx', mode: 0o600 });
      created = true;
    } catch (error) {
      // EEXIST: another process created the file in the meantime; read that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot create the key file ${path}: ${errnoText(error)}`);
      }
    }
  }

  let info: Awaited<ReturnType<typeof stat>>;
  let text: string;
  try {
    info = await stat(path);
    if (!info.isFile()) throw new Error(`${path} is not a regular file`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the key file ${path}: ${errnoText(error)}`);
  }
  return { path, secretKey: text.replace(/\r?\n$/, ''), created, mode: info.mode & 0o777 };
}

/**
 * Returns a warning when the key file can be read or written by other users, or `undefined`.
 * Windows reports no such permission bits, so it never warns there.
 */
export function keyFilePermissionWarning(
  file: KeyFile,
  platform = process.platform,
): string | undefined {
  if (platform === 'win32' || (file.mode & 0o077) === 0) return undefined;
  const mode = file.mode.toString(8).padStart(4, '0');
  return `warning: the key file ${file.path} has mode ${mode}, so other users can access it: run 'chmod 600 ${file.path}'`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new Error(`cannot read the key file ${path}: ${errnoText(error)}`);
  }
}

function errnoText(error: unknown): string {
  const errno = error as NodeJS.ErrnoException;
  if (errno.code === 'EACCES' || errno.code === 'EPERM') return 'permission denied';
  if (errno.code === 'ENOTDIR' || errno.code === 'EEXIST') {
    return 'a parent of the path is not a directory';
  }
  return errno.code ?? (error instanceof Error ? error.message : String(error));
}
