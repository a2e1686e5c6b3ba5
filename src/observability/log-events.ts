import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { transactionChannel, type TransactionEvent } from '../kafka/diagnostics.js';
import type { PipelineEvents } from '../pipeline/events.js';
import type { WorkerPoolEvents } from '../pipeline/worker-pool.js';

/** Logging as one more subscriber of the pipeline's events (house style §7). */
export function logPipelineEvents(events: EventEmitter<PipelineEvents>, logger: Logger): void {
  events.on('assigned', ({ added, revoked, owned }) => logger.info({ added, revoked, owned }, 'partitions assigned'));
  events.on('partitionReady', ({ partition, committedOffset }) => logger.info({ partition, committedOffset: committedOffset ?? 'none' }, 'partition ready'));
  events.on('windowScored', ({ windowId, records, rows, modelRuns, modelFailedRows, timings }) => {
    if (modelRuns > 1) logger.warn({ windowId, rows, modelRuns, modelFailedRows }, `the model run threw; bisecting isolated ${modelFailedRows} row(s) it fails on (dead-lettered as ERR_MODEL_RUN) in ${modelRuns} runs`);
    else logger.debug({ windowId, records, rows, ...timings }, 'window scored');
  });
  events.on('committed', ({ sourceTimestamps: _timestamps, ...e }) => logger.debug(e, 'partition committed'));
  events.on('aborted', ({ partition, windowId, code, message }) => logger.warn({ partition, windowId, code }, `transaction aborted, will redo from the committed offset: ${message}`));
  events.on('fenced', ({ partition }) => logger.warn({ partition }, 'fenced: another instance owns this partition now; dropped its work'));
  events.on('retrying', ({ what, attempt, delayMs, message }) => logger.warn({ attempt, delayMs }, `${what} failed, retrying: ${message}`));
  events.on('failed', ({ code, message }) => logger.error({ code }, `pipeline failed, nothing more is committed: ${message}`));
  events.on('committedOffsetBehind', ({ partition, committedOffset, acknowledgedOffset }) => logger.warn(
    { partition, committedOffset: committedOffset ?? 'none', acknowledgedOffset },
    'the group\'s committed offset is below one the broker acknowledged to this process: the broker lost an offset commit (docs/exactly-once.md, "Broker versions"); resuming from the acknowledged offset. If the outputs of that range were lost too, backfill it',
  ));
  events.on('consumerCrash', ({ message, restarting }) => logger.error({ restarting }, `consumer crashed: ${message}`));
}

/** The scoring workers' supervision, logged. */
export function logWorkerEvents(events: EventEmitter<WorkerPoolEvents>, logger: Logger): void {
  events.on('notice', ({ notice, message }) => logger.warn({ notice }, `the model run threw for a window; bisecting it to isolate the rows it fails on: ${message}`));
  events.on('workerExited', ({ threadId, reason, heldRequests, recentExits }) => logger.error({ threadId, heldRequests, recentExits }, `scoring worker exited (${reason}); replacing it and scoring its windows again`));
  events.on('workerReplaced', ({ threadId }) => logger.info({ threadId }, 'scoring worker replaced'));
  events.on('failed', ({ code, message }) => logger.error({ code }, message));
}

/**
 * Transactions at trace level (one line per phase: too many for debug). The subscription lives as
 * long as the process: one per process is enough, however many pipelines it runs.
 */
let transactionsLogged = false;
export function logKafkaTransactions(logger: Logger): void {
  if (transactionsLogged || !logger.isLevelEnabled('trace')) return;
  transactionsLogged = true;
  transactionChannel.subscribe((event) => {
    const { transactionalId, phase, partitions } = event as TransactionEvent;
    logger.trace({ transactionalId, partitions }, `transaction ${phase}`);
  });
}
