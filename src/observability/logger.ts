import pino, { type Logger } from 'pino';

/**
 * JSON to stdout for machines; pretty output only for a person at a terminal who asked for it
 * (pino-pretty is optional and not a dependency: without it, JSON it is).
 */
export function createLogger(level: string, pretty = false): Logger {
  if (pretty && process.stdout.isTTY) {
    try {
      return pino({ level, transport: { target: 'pino-pretty' } });
    } catch {
      // pino-pretty not installed: fall through to JSON.
    }
  }
  return pino({ level, base: { pid: process.pid, service: 'streamscore' } });
}
