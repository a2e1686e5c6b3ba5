/**
 * SIGTERM and SIGINT for every command, caught from the moment the CLI's own code runs.
 *
 * Until a process listens for SIGTERM, Node's default handler ends it (exit by signal, nothing
 * logged), and loading the commands (kafkajs, onnxruntime, the pipeline) takes about half a second.
 * So main.ts installs these listeners before it loads anything else, and a command takes the signals
 * over once it can act on them: a signal that came earlier is handed to it then.
 *
 * The first signal asks the command to stop, once; any later one exits at once with 130 (README:
 * "a second signal exits at once"). Keeping that count here, not in each command, means a command
 * cannot mistake its own replayed first signal for a second one.
 */

/** Exit code of a process stopped by a second signal, or of a command that reports being interrupted. */
export const EXIT_INTERRUPTED = 130;

export interface StopSignalHandlers {
  /** The first SIGTERM or SIGINT, also one received before the command took the signals over. */
  stop(signal: NodeJS.Signals): void;
  /** A later signal, just before the process exits with 130 (e.g. to say so in the log). */
  quit?(signal: NodeJS.Signals): void;
}

let installed = false;
let first: NodeJS.Signals | undefined;
let handlers: StopSignalHandlers | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (first === undefined) {
    first = signal;
    handlers?.stop(signal);
    return;
  }
  handlers?.quit?.(signal);
  process.exit(EXIT_INTERRUPTED);
}

/** Listens for SIGTERM and SIGINT (once); main.ts calls it before it loads the commands. */
export function installStopSignals(): void {
  if (installed) return;
  installed = true;
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Hands SIGTERM and SIGINT to a command; a first signal received before this call is delivered now. */
export function onStopSignals(next: StopSignalHandlers): void {
  installStopSignals();
  handlers = next;
  if (first !== undefined) next.stop(first);
}
