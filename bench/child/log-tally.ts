import { Writable } from 'node:stream';

/**
 * Counts warnings and errors by message instead of printing them: the case's stderr stays
 * readable, and the counts (e.g. a client retrying CONCURRENT_TRANSACTIONS) go into the result,
 * where they explain a slow case.
 */
export class LogTally {
  readonly counts: Record<string, number> = {};

  note(message: string, error?: unknown): void {
    const text = `${message}${error ? `: ${String(error)}` : ''}`.slice(0, 160);
    this.counts[text] = (this.counts[text] ?? 0) + 1;
  }

  /** A pino destination that tallies each JSON line (the pipeline logs at warn and above). */
  pinoDestination(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; error?: unknown; err?: { message?: string } };
            this.note(entry.msg ?? '(no message)', entry.error ?? entry.err?.message);
          } catch {
            this.note(line);
          }
        }
        callback();
      },
    });
  }
}
