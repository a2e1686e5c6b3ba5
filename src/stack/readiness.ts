import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StreamscoreError } from '../errors.js';
import { isAlive } from './processes.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The most telling line of a log file's tail, for error messages: the last line naming an error or
 * exception (a Java stack trace ends with its root cause), else the last line that is not a stack frame.
 */
export function lastLogLine(file: string, maxChars = 240): string | undefined {
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    const lines = buffer.toString('utf8').split('\n').map((text) => text.trim()).filter((text) => text !== '' && !/^(at |\.\.\. \d+ more)/.test(text));
    const line = lines.filter((text) => /ERROR|FATAL|Exception|Caused by|Error:/.test(text)).at(-1) ?? lines.at(-1);
    return line === undefined ? undefined : line.slice(0, maxChars);
  } catch {
    return undefined;
  }
}

/** What to wait for: a started server that must keep running and start answering `probe`. */
export interface ReadinessCheck {
  service: string;
  pid: number;
  logFile: string;
  deadlineMs: number;
  /** Resolves true once the server answers; may throw (counted as "not yet"). */
  probe: () => Promise<boolean>;
  intervalMs?: number;
}

/**
 * Polls `probe` until it answers, the process exits, or the deadline passes. The last two fail with
 * ERR_STACK_START_TIMEOUT naming the log file (and quoting its last line), never silently.
 */
export async function waitUntilReady(check: ReadinessCheck): Promise<number> {
  const started = Date.now();
  const end = started + check.deadlineMs;
  let lastError = '';
  for (;;) {
    if (!isAlive(check.pid)) {
      const last = lastLogLine(check.logFile);
      throw new StreamscoreError(
        'ERR_STACK_START_TIMEOUT',
        `${check.service} (pid ${check.pid}) exited during start-up; see ${check.logFile}${last === undefined ? '' : ` (last line: ${last})`}`,
      );
    }
    try {
      if (await check.probe()) return Date.now() - started;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > end) {
      throw new StreamscoreError(
        'ERR_STACK_START_TIMEOUT',
        `${check.service} (pid ${check.pid}) did not answer within ${Math.round(check.deadlineMs / 1000)} s${lastError === '' ? '' : ` (${lastError})`}; see ${check.logFile}`,
      );
    }
    await pause(check.intervalMs ?? 250);
  }
}
