import { InvalidArgumentError } from 'commander';
import pino, { type Logger } from 'pino';

/** commander argument parsers: a bad value is a usage error naming the option's rule. */

export function nonNegativeInteger(raw: string): number {
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${raw}"`);
  return value;
}

export function positiveInteger(raw: string): number {
  const value = nonNegativeInteger(raw);
  if (value === 0) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${raw}"`);
  return value;
}

export function nonNegativeNumber(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${raw}"`);
  return value;
}

/** A fraction of records, as the generators accept it: [0, 0.5]. */
export function fraction(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 0.5) throw new InvalidArgumentError(`expected a fraction in [0, 0.5], got "${raw}"`);
  return value;
}

export function brokerList(raw: string): string[] {
  const brokers = raw.split(',').map((b) => b.trim()).filter(Boolean);
  if (!brokers.length) throw new InvalidArgumentError('expected host:port[,host:port…]');
  return brokers;
}

/**
 * A logger for the commands around the pipeline (generate, demo): JSON to stderr so stdout keeps
 * the human output; `LOG_LEVEL` overrides the level (kafkajs' retried errors are `warn`).
 */
export function toolLogger(level = 'error'): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? level, base: { pid: process.pid, service: 'streamscore' } }, pino.destination(2));
}

/** Thousands separators, for counts people read. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
