import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { PipelineEvents } from '../pipeline/events.js';

/** Logging as one more subscriber of the pipeline's events (house style §7). */
export function logPipelineEvents(events: EventEmitter<PipelineEvents>, logger: Logger): void {
  events.on('assigned', ({ added, revoked, owned }) => logger.info({ added, revoked, owned }, 'partitions assigned'));
  events.on('partitionReady', ({ partition, committedOffset }) => logger.info({ partition, committedOffset: committedOffset ?? 'none' }, 'partition ready'));
  events.on('windowScored', ({ windowId, records, rows, timings }) => logger.debug({ windowId, records, rows, ...timings }, 'window scored'));
  events.on('committed', (e) => logger.debug(e, 'partition committed'));
  events.on('aborted', ({ partition, windowId, code, message }) => logger.warn({ partition, windowId, code }, `transaction aborted, will redo from the committed offset: ${message}`));
  events.on('fenced', ({ partition }) => logger.warn({ partition }, 'fenced: another instance owns this partition now; dropped its work'));
  events.on('retrying', ({ what, attempt, delayMs, message }) => logger.warn({ attempt, delayMs }, `${what} failed, retrying: ${message}`));
  events.on('consumerCrash', ({ message, restarting }) => logger.error({ restarting }, `consumer crashed: ${message}`));
}
