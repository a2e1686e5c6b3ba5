import type { EventEmitter } from 'node:events';
import type { PipelineEvents } from '../pipeline/events.js';
import type { WorkerPoolEvents } from '../pipeline/worker-pool.js';

export type ModelRole = 'live' | 'shadow';

export interface ModelFacts {
  name: string;
  version: string;
  sha256: string;
}

/** One entry of the status page's "last errors". */
export interface StatusError {
  /** Epoch milliseconds. */
  at: number;
  kind: 'aborted' | 'fenced' | 'retrying' | 'consumerCrash' | 'failed' | 'committedOffsetBehind' | 'workerExited' | 'workerPoolFailed';
  code?: string;
  partition?: string;
  message: string;
}

/** How many errors the status page keeps: enough to see a pattern, bounded whatever happens. */
export const LAST_ERRORS = 20;

/**
 * What the status page shows beside the metrics: the partitions this instance owns, the models
 * and the last errors, kept from the pipeline's events (house style §7) in bounded memory.
 */
export class StatusTracker {
  readonly models: Partial<Record<ModelRole, ModelFacts>> = {};
  owned: string[] = [];
  readonly lastErrors: StatusError[] = [];
  readonly startedAt = Date.now();

  subscribe(events: EventEmitter<PipelineEvents>): void {
    events.on('assigned', ({ owned }) => { this.owned = [...owned].sort(); });
    events.on('aborted', ({ partition, code, message }) => this.error({ kind: 'aborted', partition, code, message }));
    events.on('fenced', ({ partition }) => this.error({ kind: 'fenced', partition, code: 'ERR_KAFKA_FENCED', message: 'another instance owns this partition now' }));
    events.on('retrying', ({ what, attempt, message }) => this.error({ kind: 'retrying', message: `${what} (attempt ${attempt}): ${message}` }));
    events.on('consumerCrash', ({ message, restarting }) => this.error({ kind: 'consumerCrash', message: `${message}${restarting ? ' (restarting)' : ''}` }));
    events.on('failed', ({ code, message }) => this.error({ kind: 'failed', code, message }));
    events.on('committedOffsetBehind', ({ partition, committedOffset, acknowledgedOffset }) => this.error({
      kind: 'committedOffsetBehind', partition, message: `committed offset ${committedOffset ?? 'none'} below acknowledged ${acknowledgedOffset}`,
    }));
  }

  subscribeWorkers(events: EventEmitter<WorkerPoolEvents>): void {
    events.on('workerExited', ({ threadId, reason }) => this.error({ kind: 'workerExited', message: `scoring worker ${threadId} exited: ${reason}` }));
    events.on('failed', ({ code, message }) => this.error({ kind: 'workerPoolFailed', code, message }));
  }

  private error(error: Omit<StatusError, 'at'>): void {
    this.lastErrors.push({ at: Date.now(), ...error });
    if (this.lastErrors.length > LAST_ERRORS) this.lastErrors.shift();
  }
}
