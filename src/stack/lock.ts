import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive } from './processes.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `action` while holding `.stack/lock`, so that two programs (say two test runs in one checkout)
 * never start or stop the stack at the same time. The lock file holds the holder's pid; a lock whose
 * holder is dead is taken over.
 */
export async function withStackLock<T>(lockFile: string, action: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(lockFile, 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(holder) || holder <= 0 || (holder !== process.pid && !isAlive(holder))) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > end) throw new Error(`the local stack is locked by pid ${holder} (${lockFile}); wait for it or remove the file`);
    await pause(200);
  }
  try {
    return await action();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
