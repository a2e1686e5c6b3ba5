import type { CommanderError } from 'commander';
import { isStreamscoreError, StreamscoreError, type ErrorCode } from '../errors.js';

/** Exit codes: 1 a fatal runtime error, 2 a configuration or a command line the tool refuses. */
export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;

/** Refusals of what the command line asks for, not failures of the run: exit 2, like a refused configuration. */
const COMMAND_LINE_REFUSALS: ReadonlySet<ErrorCode> = new Set(['ERR_GENERATE_USAGE', 'ERR_GENERATE_TIMESTAMP_REFUSED', 'ERR_BACKFILL_USAGE', 'ERR_TOPIC_MISMATCH', 'ERR_DIFF_USAGE', 'ERR_DIFF_RANGE', 'ERR_DIFF_MODEL_MISMATCH', 'ERR_CHECK_WRITER_SCHEMA']);

/** Prints one clear error (code and message, no stack trace for known errors) and exits. */
export function fail(error: unknown): never {
  if (isStreamscoreError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    process.exit(error.code.startsWith('ERR_CONFIG') || COMMAND_LINE_REFUSALS.has(error.code) ? EXIT_CONFIG : EXIT_FATAL);
  }
  process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT_FATAL);
}

/** A command line that cannot run: one `error ERR_…_USAGE: …` line and exit 2, like the other refusals. */
export function refuse(code: 'ERR_GENERATE_USAGE' | 'ERR_BACKFILL_USAGE' | 'ERR_DIFF_USAGE', message: string): never {
  fail(new StreamscoreError(code, message));
}

/**
 * For `Command.exitOverride`: commander has already printed its message (unknown option, bad
 * value, missing argument…) and would exit 1, the code of a fatal error; a command line it
 * refuses is a usage error, exit 2. Help and version (exit 0) stay as they are.
 */
export function exitOnCommanderError(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : EXIT_CONFIG);
}
