import type { CloseReason } from '../window/window-policy.js';
import type { StageTimings } from './window-scorer.js';

/**
 * What the pipeline tells the world. Logs and metrics subscribe to these (house style §7)
 * instead of being sprinkled through the loop.
 */
export interface PipelineEvents {
  assigned: [{ added: string[]; revoked: string[]; owned: string[] }];
  partitionReady: [{ partition: string; committedOffset: string | undefined }];
  windowClosed: [{ windowId: string; records: number; bytes: number; reason: CloseReason }];
  /** `modelRuns` > 1: the first run threw and the window was bisected; `modelFailedRows` were dead-lettered (ERR_MODEL_RUN). */
  windowScored: [{ windowId: string; records: number; rows: number; modelRuns: number; modelFailedRows: number; timings: StageTimings }];
  /** `sourceTimestamps`: the input records' timestamps (epoch ms), for end-to-end latency; `committedAt` the clock's time of the commit. */
  committed: [{ partition: string; windowId: string; records: number; predictions: number; flagged: number; deadLetters: number; deadLetterCodes: string[]; nextOffset: string; durationMs: number; committedAt: number; sourceTimestamps: readonly number[] }];
  aborted: [{ partition: string; windowId: string; code: string; message: string }];
  fenced: [{ partition: string }];
  lag: [{ partition: string; lag: number }];
  retrying: [{ what: string; attempt: number; delayMs: number; message: string }];
  consumerCrash: [{ message: string; restarting: boolean }];
  /** A window could not be scored (fatal error): nothing commits any more; the process must stop. */
  failed: [{ code: string; message: string }];
  /**
   * The group's committed offset read at (re)initialisation is below one the broker acknowledged to
   * this process: the broker lost an offset commit. The partition resumes from the acknowledged one.
   */
  committedOffsetBehind: [{ partition: string; committedOffset: string | undefined; acknowledgedOffset: string }];
  /** Bounded runs: a partition committed the end of its range. */
  partitionDone: [{ partition: string }];
  /** Bounded runs: every partition of the range is done. */
  finished: [Record<string, never>];
}
