/**
 * The demo's subscriber to one pipeline's events (src/pipeline/events.ts): windows and why they
 * closed, what was committed, and anything that went wrong.
 */
import type { EventEmitter } from 'node:events';
import type { PipelineEvents } from '../pipeline/events.js';

export interface WindowStats {
  count: number;
  records: number;
  reasons: Record<string, number>;
}

export class PipelineWatch {
  readonly windows: WindowStats = { count: 0, records: 0, reasons: {} };
  /** Input records committed (with their predictions or dead letters). */
  committedRecords = 0;
  committedPredictions = 0;
  committedDeadLetters = 0;
  readonly deadLetterCodes = new Map<string, number>();
  aborted = 0;
  readonly problems: string[] = [];
  /** Sums over windows: time per stage of scoring, and the slowest partition commit of each window. */
  readonly stageMs = { decode: 0, features: 0, inference: 0, encode: 0, commit: 0 };
  private readonly openWindows = new Map<string, number>();

  constructor(events: EventEmitter<PipelineEvents>) {
    events.on('windowClosed', ({ windowId, records, reason }) => {
      this.windows.count++;
      this.windows.records += records;
      this.windows.reasons[reason] = (this.windows.reasons[reason] ?? 0) + 1;
      this.settleWindows();
      this.openWindows.set(windowId, 0);
    });
    events.on('windowScored', ({ timings }) => {
      this.stageMs.decode += timings.decodeMs;
      this.stageMs.features += timings.featuresMs;
      this.stageMs.inference += timings.inferenceMs;
      this.stageMs.encode += timings.encodeMs;
    });
    events.on('committed', ({ windowId, records, predictions, deadLetters, deadLetterCodes, durationMs }) => {
      this.committedRecords += records;
      this.committedPredictions += predictions;
      this.committedDeadLetters += deadLetters;
      for (const code of deadLetterCodes) this.deadLetterCodes.set(code, (this.deadLetterCodes.get(code) ?? 0) + 1);
      const slowest = this.openWindows.get(windowId);
      if (slowest !== undefined) this.openWindows.set(windowId, Math.max(slowest, durationMs));
    });
    events.on('aborted', () => { this.aborted++; });
    events.on('fenced', ({ partition }) => this.problems.push(`fenced on ${partition}`));
    events.on('failed', ({ code, message }) => this.problems.push(`pipeline failed: ${code}: ${message}`));
    events.on('consumerCrash', ({ message, restarting }) => this.problems.push(`consumer crashed${restarting ? ' (restarted)' : ''}: ${message}`));
  }

  /**
   * A window's partitions commit in parallel; its commit time is the slowest of them. Windows are
   * processed one after another, so a window is done once the next one is taken up (or the run ends).
   */
  settleWindows(): void {
    for (const [id, slowestCommitMs] of this.openWindows) {
      this.stageMs.commit += slowestCommitMs;
      this.openWindows.delete(id);
    }
  }
}
