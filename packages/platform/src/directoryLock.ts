/**
 * One process per data directory: a `LOCK` file holding the owner's pid, created exclusively. Two embedded buses on
 * one directory would both deliver every message; a lock left by a dead process is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export type DirectoryLock = { release(): Promise<void> };

export async function lockDirectory(dir: string, what: string): Promise<DirectoryLock> {
  const lockFile = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(lockFile, 'wx');
      try {
        await file.writeFile(String(process.pid));
      } finally {
        await file.close();
      }
      return { release: () => rm(lockFile, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && isAlive(owner)) {
      const who = owner === process.pid ? 'this process (open it once and share it)' : `process ${owner}`;
      throw new Error(`the ${what} in ${dir} is already open in ${who}`);
    }
    await rm(lockFile, { force: true });
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
