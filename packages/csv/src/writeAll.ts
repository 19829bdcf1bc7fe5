/**
 * Writes all of `text` to `fd`. One writeSync may take only part of it (a disk that fills up, a file size limit) and
 * returns the short count without an error; the next write then reports why (ENOSPC, EFBIG). Ignoring the count lost
 * the rest silently: an output file cut short that its command reported as whole.
 */
import { writeSync } from 'node:fs';

export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    const written = writeSync(fd, bytes, offset);
    if (written <= 0) throw new Error(`a write took ${written} of ${bytes.length - offset} bytes`);
    offset += written;
  }
}
