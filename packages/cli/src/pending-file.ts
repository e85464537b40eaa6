/**
 * Output files written under a temporary name and renamed into place when complete. The temporary
 * file of `decrypt` contains plaintext, so it is private (mode 0600) and removed whenever the run
 * does not complete: on an error, on SIGINT or SIGTERM, and on any `process.exit`.
 */

import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Exit statuses of a process stopped by SIGINT or SIGTERM, as shells report them. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Temporary files that exist or are being created, removed if the process ends early. */
const openFiles = new Set<string>();

function removeOpenFiles(): void {
  for (const path of openFiles) {
    try {
      rmSync(path, { force: true });
    } catch {
      // NOTE: Windows cannot remove a file that is still open; the file then stays behind.
    }
  }
  openFiles.clear();
}

function exitOnSignal(signal: NodeJS.Signals): void {
  removeOpenFiles();
  process.exit(signal === 'SIGTERM' ? SIGNAL_EXIT_CODES.SIGTERM : SIGNAL_EXIT_CODES.SIGINT);
}

/**
 * Adds a file to remove when the process exits or receives SIGINT or SIGTERM. The first file
 * installs the handlers; the signal handlers remove the files and exit with 130 or 143.
 */
function track(path: string): void {
  if (openFiles.size === 0) {
    process.on('exit', removeOpenFiles);
    process.on('SIGINT', exitOnSignal);
    process.on('SIGTERM', exitOnSignal);
  }
  openFiles.add(path);
}

/** Stops tracking a file; the last one removes the handlers again. */
function untrack(path: string): void {
  if (!openFiles.delete(path) || openFiles.size > 0) return;
  process.off('exit', removeOpenFiles);
  process.off('SIGINT', exitOnSignal);
  process.off('SIGTERM', exitOnSignal);
}

/**
 * A file written under a temporary name beside its destination and renamed into place on
 * `commit`, so a failed or interrupted run never leaves a partial output file under the requested
 * name. Call `discard` when the run fails.
 */
export class PendingFile {
  /** The destination. */
  readonly path: string;
  /** `.<name>.<8 hex digits>.partial` in the destination's directory. */
  readonly temporaryPath: string;

  constructor(path: string) {
    this.path = path;
    this.temporaryPath = join(
      dirname(path),
      `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`,
    );
  }

  /** Creates the temporary file (mode 0600, failing if it exists) and returns a stream to it. */
  createWriteStream(): WriteStream {
    track(this.temporaryPath);
    return createWriteStream(this.temporaryPath, { flags: 'wx', mode: 0o600 });
  }

  /** Creates the temporary file (mode 0600, failing if it exists) with `content`. */
  async write(content: string): Promise<void> {
    track(this.temporaryPath);
    await writeFile(this.temporaryPath, content, { flag: 'wx', mode: 0o600 });
  }

  /** Moves the temporary file to its destination, replacing a file there. */
  async commit(): Promise<void> {
    await rename(this.temporaryPath, this.path);
    untrack(this.temporaryPath);
  }

  /** Removes the temporary file, if it exists. */
  async discard(): Promise<void> {
    await rm(this.temporaryPath, { force: true });
    untrack(this.temporaryPath);
  }
}
