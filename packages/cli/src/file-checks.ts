/**
 * The files that `encrypt` and `decrypt` read and write: checks before a run starts, and one-line
 * messages for file system errors that happen during it. Every message names the path the user
 * gave (never a temporary file) and what to do. These are failures, exit status 1, not usage
 * errors.
 */

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A file that cannot be read or written. */
export class FileAccessError extends Error {
  /** The path the user gave. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileAccessError';
    this.path = path;
  }
}

/** Whether the file is read (an input) or written (an output). */
export type FileAccess = 'read' | 'write';

/** A Node.js system error such as `ENOENT` from `open` or `EISDIR` from `read`. */
export type SystemError = NodeJS.ErrnoException & { code: string; syscall: string };

/** Returns true for errors that Node.js's file system and stream functions raise. */
export function isSystemError(error: unknown): error is SystemError {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as Partial<SystemError>;
  return typeof code === 'string' && typeof syscall === 'string';
}

/**
 * Turns a system error on `path` into a `FileAccessError` whose message names `path`, the reason
 * in words and the fix, such as `cannot read photo.jpg: it is a directory; pass a file`.
 */
export function fileAccessError(
  access: FileAccess,
  path: string,
  error: SystemError,
): FileAccessError {
  return new FileAccessError(
    `cannot ${access} ${path}: ${reasonOf(access, path, error.code)}`,
    path,
    {
      cause: error,
    },
  );
}

/**
 * Checks that `path` can be opened as an input: it exists and is not a directory.
 *
 * @throws {FileAccessError} naming the path and the fix.
 */
export async function checkInputFile(path: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if (isSystemError(error)) throw fileAccessError('read', path, error);
    throw error;
  }
  if (info.isDirectory()) {
    throw new FileAccessError(`cannot read ${path}: ${reasonOf('read', path, 'EISDIR')}`, path);
  }
}

/**
 * Checks that `path` can be created as an output: its directory exists, and it is not a directory
 * itself, nor an existing file unless `force` is set.
 *
 * @throws {FileAccessError} naming the path and the fix.
 */
export async function checkOutputFile(
  command: string,
  path: string,
  force: boolean,
): Promise<void> {
  const directory = dirname(path);
  const parent = await stat(directory).catch((error: unknown) => {
    if (isSystemError(error)) throw fileAccessError('write', path, error);
    throw error;
  });
  if (!parent.isDirectory()) {
    throw new FileAccessError(`cannot write ${path}: ${reasonOf('write', path, 'ENOTDIR')}`, path);
  }

  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new FileAccessError(`cannot write ${path}: ${reasonOf('write', path, 'EISDIR')}`, path);
  }
  if (existing && !force) {
    throw new FileAccessError(
      `${command}: ${path} exists: pass --force to overwrite it or --out to choose another file`,
      path,
    );
  }
}

function reasonOf(access: FileAccess, path: string, code: string): string {
  const directory = dirname(path);
  const other = access === 'read' ? 'check the path' : 'choose another file with --out';
  switch (code) {
    case 'ENOENT':
      return access === 'read'
        ? 'no such file; check the path'
        : `the directory ${directory} does not exist; create it or ${other}`;
    case 'EISDIR':
      return access === 'read'
        ? 'it is a directory; pass a file'
        : 'it is a directory; pass a file name with --out';
    case 'ENOTDIR':
      return `a part of the path is not a directory; ${other}`;
    case 'EACCES':
    case 'EPERM':
      return access === 'read'
        ? 'permission denied; check the permissions of the file'
        : `permission denied; check the permissions of ${directory} or ${other}`;
    case 'ELOOP':
      return `too many levels of symbolic links; ${other}`;
    case 'ENAMETOOLONG':
      return `the name is too long; ${other}`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the device (${code}); free some space or ${other}`;
    case 'EROFS':
      return `the file system is read-only; ${other}`;
    default:
      return `${code}; check the file`;
  }
}
