/** A progress bar on stderr for long file operations, drawn only when stderr is a terminal. */

import { Transform, type TransformCallback } from 'node:stream';
import type { CliStream } from './cli-io.js';

const REDRAW_INTERVAL_MS = 100;
const MIB = 1024 * 1024;

/**
 * Creates a pass-through `Transform` that counts bytes and redraws a bar such as
 * `encrypt [#######-------]  50%  2.0/4.0 MiB` on `stream` at most every 100 ms. When the stream
 * is not a terminal it passes the bytes through and draws nothing.
 */
export function createProgressStream(
  stream: CliStream | undefined,
  label: string,
  total: number,
): Transform {
  const draw = stream?.isTTY === true;
  let done = 0;
  let lastDraw = 0;

  const render = () => {
    const width = Math.max(10, Math.min(40, (stream?.columns ?? 80) - label.length - 30));
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    stream?.write(`\r${label} [${bar}] ${percent}  ${formatMiB(done)}/${formatMiB(total)} MiB`);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      done += chunk.length;
      const now = Date.now();
      if (draw && now - lastDraw >= REDRAW_INTERVAL_MS) {
        lastDraw = now;
        render();
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (draw) {
        render();
        stream?.write('\r\x1b[K');
      }
      callback();
    },
  });
}

function formatMiB(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}
