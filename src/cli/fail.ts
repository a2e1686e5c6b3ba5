import { isStreamscoreError, type ErrorCode } from '../errors.js';

/** Exit codes: 1 a fatal runtime error, 2 a configuration the tool refuses. */
export const EXIT_FATAL = 1;
export const EXIT_CONFIG = 2;

/** Refusals of what the command line asks for, not failures of the run: exit 2, like a refused configuration. */
const COMMAND_LINE_REFUSALS: ReadonlySet<ErrorCode> = new Set(['ERR_GENERATE_USAGE', 'ERR_GENERATE_TIMESTAMP_REFUSED']);

/** Prints one clear error (code and message, no stack trace for known errors) and exits. */
export function fail(error: unknown): never {
  if (isStreamscoreError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    process.exit(error.code.startsWith('ERR_CONFIG') || COMMAND_LINE_REFUSALS.has(error.code) ? EXIT_CONFIG : EXIT_FATAL);
  }
  process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(EXIT_FATAL);
}
