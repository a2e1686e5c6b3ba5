import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, Timers } from '../clock.js';
import { StreamscoreError } from '../errors.js';
import type { FetchContext, OffsetsAdmin, RecordSource, TopicPartition, TransactionalSink, TransactionScope } from '../kafka/types.js';
import { partitionKey, type InputRecord } from '../records/types.js';
import { isRetriable, withRetry } from '../retry.js';
import { WindowPolicy, type ClosedWindow, type CloseReason, type WindowBounds } from '../window/window-policy.js';
import { BoundedRun, type RangeBounds } from './bounded-run.js';
import type { CommitHost, CommitPart, Committer } from './committer.js';
import type { PipelineEvents } from './events.js';
import { PartitionCommitter } from './partition-committer.js';
import { PartitionLedger, type PartitionState } from './partition-ledger.js';
import { WindowCommitter } from './window-committer.js';
import type { ScoredWindow } from './window-scorer.js';

export interface PipelineOptions {
  appId: string;
  outputTopic: string;
  deadLetterTopic: string;
  window: WindowBounds & { maxInFlight: number };
  transactionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Tries of a window whose model failure is systemic (ERR_MODEL_SYSTEMIC) before the pipeline fails. */
  systemicFailureAttempts: number;
  subscription: { topics?: string[]; topicPattern?: string };
  /**
   * A bounded run (backfill): per partition `topic:partition`, the first offset and the end
   * offset (exclusive). Records outside are never scored; partitions not listed are ignored.
   * The run finishes (event `finished`) when every listed partition has committed its end offset.
   */
  bounds?: RangeBounds;
  /**
   * A rate limit (backfill --max-rate): called for each record accepted, returns how long (ms) to
   * hold the fetch loop before the next one (0: go on). The loop heartbeats while it waits, and
   * the window being filled still closes on its linger.
   */
  rateLimit?: (records: number) => number;
}

export interface PipelineParts {
  /** How transactions are scoped: per input partition (no KIP-447) or per window (KIP-447). */
  transactionScope: TransactionScope;
  /** Creates a transactional producer (not yet initialised). */
  createProducer(transactionalId: string): TransactionalSink;
  admin: OffsetsAdmin;
  consumer: RecordSource;
  /** Scores a window off the main thread (WindowScorer); a transient fault is thrown and the window retried. */
  scoring: { score(records: readonly InputRecord[], windowId: string): Promise<ScoredWindow> };
  /** Time and every timer of the loop (linger, back-pressure waits, retries, the stop deadline). */
  clock: Clock & Timers;
  logger: Logger;
}

/** A promise with its resolve function (Promise.withResolvers needs Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

interface Item {
  record: InputRecord;
  generation: number;
}

/**
 * The loop: fetch → window → score → commit, with exactly-once per docs/exactly-once.md.
 * Windows span all owned partitions; the committer (partition-committer.ts or window-committer.ts,
 * by the client's transaction scope) writes each window's results with the input offsets.
 */
export class Pipeline extends EventEmitter<PipelineEvents> {
  private readonly ledger = new PartitionLedger();
  private readonly committer: Committer;
  /** Backfill's range, as a plug-in; undefined for the live service. */
  private readonly bounded: BoundedRun | undefined;
  private readonly window: WindowPolicy<Item>;
  /** Closed windows not yet being scored. */
  private readonly queue: ClosedWindow<Item>[] = [];
  /** Scored windows whose partition transactions have not all finished. */
  private readonly committing = new Set<Promise<void>>();
  private readonly instanceId = randomBytes(4).toString('hex');
  private windowSeq = 0;
  /** Cancels the armed linger timer, if one is armed. */
  private cancelLinger: (() => void) | undefined;
  private processing: Promise<void> | undefined;
  private queueChanged = signal();
  private memberId = '';
  private stopping = false;
  private readonly stopController = new AbortController();
  private joined = false;
  /** Set once a window could not be scored: nothing commits any more and the pipeline must stop. */
  private failure: StreamscoreError | undefined;

  constructor(private readonly options: PipelineOptions, private readonly parts: PipelineParts) {
    super();
    this.window = new WindowPolicy<Item>(options.window, parts.clock);
    const host: CommitHost = {
      appId: options.appId,
      outputTopic: options.outputTopic,
      deadLetterTopic: options.deadLetterTopic,
      clock: parts.clock,
      logger: parts.logger,
      isCurrent: (state, generation) => this.ledger.isCurrent(state, generation),
      groupMetadata: () => parts.consumer.groupMetadata(),
      onCommitted: (part, windowId, durationMs) => this.onCommitted(part, windowId, durationMs),
      onFailed: (failed, windowId, error) => this.onCommitFailed(failed, windowId, error),
    };
    this.committer = parts.transactionScope === 'window'
      ? new WindowCommitter(host, () => parts.createProducer(`${options.appId}-${this.instanceId}`))
      : new PartitionCommitter(host, (transactionalId) => parts.createProducer(transactionalId));
    this.bounded = options.bounds && new BoundedRun(options.bounds, {
      ledger: this.ledger, committer: this.committer, consumer: parts.consumer, logger: parts.logger,
      stopping: () => this.stopping,
      partitionDone: (key) => this.emit('partitionDone', { partition: key }),
      finished: () => this.emit('finished', {}),
    });
  }

  /** Ready: joined the group and every owned partition is initialised. */
  get isReady(): boolean {
    return this.joined && !this.stopping && this.ledger.states().every((s) => s.status === 'active');
  }

  /** Why the pipeline failed for good (the process must stop), if it did. */
  get failed(): StreamscoreError | undefined {
    return this.failure;
  }

  get ownedPartitions(): string[] {
    return this.ledger.keys();
  }

  async start(): Promise<void> {
    await this.parts.consumer.start(this.options.subscription, {
      onAssignment: (memberId, assignment) => this.onAssignment(memberId, assignment),
      onRecords: (topic, partition, records, context) => this.onRecords(topic, partition, records, context),
      onCrash: (error, restarting) => this.emit('consumerCrash', { message: error.message, restarting }),
      onPosition: this.bounded ? (topic, partition, firstOffset, lastOffset) => this.bounded?.onPosition(this.ledger.of(topic, partition), firstOffset, lastOffset) : undefined,
    });
    if (this.bounded?.emptyFromStart) this.emit('finished', {});
  }

  /**
   * Stops fetching, lets the window being scored and the windows being committed finish (within
   * the deadline), drops the windows not yet started (they are not committed; the next owner
   * redoes them), leaves the group.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    this.stopping = true;
    this.stopController.abort();
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    this.queue.length = 0;
    this.window.flush('shutdown');
    this.signalQueue();
    const inFlight = (this.processing ?? Promise.resolve()).then(() => Promise.all(this.committing));
    const finished = await Promise.race([inFlight.then(() => true), this.parts.clock.sleep(deadlineMs).then(() => false)]);
    await this.parts.consumer.disconnect().catch((error) => this.parts.logger.warn({ err: error }, 'consumer disconnect failed'));
    await this.committer.close();
    return finished;
  }

  private onAssignment(memberId: string, assignment: TopicPartition[]): void {
    this.memberId = memberId;
    this.joined = true;
    const next = new Set(assignment.map((tp) => partitionKey(tp.topic, tp.partition)));
    const revoked: string[] = [];
    for (const state of this.ledger.states()) {
      if (next.has(state.key)) continue;
      revoked.push(state.key);
      this.invalidate(state);
      this.ledger.delete(state.key);
      this.committer.releasePartition(state);
    }
    const added: string[] = [];
    for (const tp of assignment) {
      const key = partitionKey(tp.topic, tp.partition);
      const state = this.ledger.get(key);
      if (!state) {
        added.push(key);
        this.initialise(this.ledger.create(tp.topic, tp.partition));
      } else if (state.status === 'fenced') {
        // Given back to us after we were fenced: take it over again from its committed offset.
        this.reset(state);
      }
    }
    this.emit('assigned', { added, revoked, owned: this.ledger.keys() });
  }

  /** Drops the partition's buffered work: items of an older generation are skipped everywhere. */
  private invalidate(state: PartitionState): void {
    this.ledger.bumpGeneration(state);
    this.window.remove((item) => item.record.topic === state.topic && item.record.partition === state.partition, (item) => item.record.size);
  }

  /**
   * Settle the previous owner's transaction FIRST (per-partition scope: init the partition's
   * producer, fencing the previous owner; window scope: the committed offset is read with
   * require_stable), THEN read the committed offset and seek there. In the other order a commit
   * still in flight from the previous owner would be missed and its records redone.
   */
  private initialise(state: PartitionState): void {
    const generation = state.generation;
    state.status = 'initialising';
    state.ready = (async () => {
      const what = `initialising ${state.key}`;
      try {
        await this.retrying(what, async () => {
          if (state.generation !== generation) return;
          await this.committer.preparePartition(state);
        });
        const committed = this.guardCommitted(state.key, await this.retrying(what, () => this.parts.admin.committedOffset(this.options.appId, state.topic, state.partition)));
        if (state.generation !== generation || this.stopping) return;
        // Without a committed offset, go back to the first offset this process accepted (if any):
        // kafkajs' own position may be past records that were buffered but never committed.
        const start = committed ?? this.bounded?.startOffset(state.key) ?? this.ledger.firstOffset(state.key)?.toString();
        if (start !== undefined) this.parts.consumer.seek(state.topic, state.partition, start);
        state.nextOffset = start === undefined ? undefined : BigInt(start);
        state.committed = committed === undefined ? undefined : BigInt(committed);
        state.status = 'active';
        this.emit('partitionReady', { partition: state.key, committedOffset: committed });
        void this.bounded?.maybeFinish(state);
      } catch (error) {
        if (this.stopping) return;
        this.parts.logger.error({ err: error, partition: state.key }, 'partition initialisation failed');
        state.status = 'fenced';
        this.watchOwnership(state);
      }
    })();
  }

  /** The group's committed offset, or the one the broker acknowledged to us if that is higher. */
  private guardCommitted(key: string, committed: string | undefined): string | undefined {
    return this.ledger.guardCommitted(key, committed, (acknowledged) =>
      this.emit('committedOffsetBehind', { partition: key, committedOffset: committed, acknowledgedOffset: acknowledged.toString() }));
  }

  private reset(state: PartitionState): void {
    this.invalidate(state);
    this.initialise(state);
  }

  private async onRecords(topic: string, partition: number, records: InputRecord[], context: FetchContext): Promise<void> {
    const key = partitionKey(topic, partition);
    let state = this.ledger.get(key);
    if (!state && !this.joined) {
      // Records before the first assignment event: treat them as assigned.
      state = this.ledger.create(topic, partition);
      this.initialise(state);
    }
    if (!state || this.stopping || this.failure) return;
    await state.ready;
    if (state.status !== 'active' || this.stopping || this.failure) return;
    const last = records[records.length - 1];
    this.emit('lag', { partition: key, lag: Math.max(0, Number(context.highWatermark) - Number(last.offset) - 1) });
    if (this.bounded && !this.bounded.covers(key)) return;
    const generation = state.generation;
    let complete = true;
    for (const record of records) {
      if (context.isStale() || this.stopping) {
        complete = false;
        break;
      }
      const offset = BigInt(record.offset);
      if (this.bounded && !this.bounded.inRange(key, offset)) continue;
      if (state.nextOffset !== undefined && offset < state.nextOffset) continue;
      this.ledger.accepted(state, offset);
      const reason = this.window.add({ record, generation: state.generation }, record.size);
      if (reason) this.closeWindow(reason);
      const wait = this.options.rateLimit?.(1) ?? 0;
      if (wait > 0) {
        this.armLinger();
        await this.holdFor(wait, context);
        // While held, the partition may have been reset or revoked: the rest of this batch is not ours to add.
        if (state.generation !== generation || state.status !== 'active') {
          complete = false;
          break;
        }
      }
    }
    this.bounded?.afterBatch(state, context, complete);
    this.armLinger();
    await this.waitForRoom(context);
  }

  /** Rate limit: holds the fetch loop for `ms`, heartbeating meanwhile. */
  private async holdFor(ms: number, context: FetchContext): Promise<void> {
    const until = this.parts.clock.now() + ms;
    for (let left = ms; left > 0 && !this.stopping; left = until - this.parts.clock.now()) {
      await this.parts.clock.sleep(Math.min(left, this.options.heartbeatIntervalMs), this.stopController.signal);
      await context.heartbeat().catch(() => undefined);
    }
  }

  /** Closed windows not yet committed: waiting, being scored, or committing. */
  private get windowsInFlight(): number {
    return this.queue.length + (this.processing ? 1 : 0) + this.committing.size;
  }

  /** Back-pressure: hold the fetch loop while too many windows are in flight, heartbeating meanwhile. */
  private async waitForRoom(context: FetchContext): Promise<void> {
    while (!this.stopping && this.windowsInFlight >= this.options.window.maxInFlight) {
      // No abort signal here: the race often ends on queueChanged, and each sleep still pending would
      // keep a listener on the stop signal until its timer fires (MaxListenersExceededWarning).
      await Promise.race([this.queueChanged.promise, this.parts.clock.sleep(this.options.heartbeatIntervalMs)]);
      await context.heartbeat().catch(() => undefined);
    }
  }

  private armLinger(): void {
    if (this.cancelLinger) return;
    const wait = this.window.untilLinger();
    if (wait === undefined) return;
    this.cancelLinger = this.parts.clock.after(wait, () => {
      this.cancelLinger = undefined;
      const reason = this.window.due();
      if (reason) this.closeWindow(reason);
      else this.armLinger();
    });
  }

  private closeWindow(reason: CloseReason): void {
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    const closed = this.window.flush(reason);
    if (!closed) return;
    this.queue.push(closed);
    this.signalQueue();
    this.startDrain();
  }

  private startDrain(): void {
    if (this.processing) return;
    this.processing = this.drain().finally(() => {
      this.processing = undefined;
      // A window closed between the loop's last check and now would otherwise wait for the next one.
      if (this.queue.length && !this.stopController.signal.aborted) this.startDrain();
    });
  }

  private signalQueue(): void {
    this.queueChanged.resolve();
    this.queueChanged = signal();
  }

  /**
   * Scores one window at a time, in order, and hands its results to the partitions' commit
   * chains without waiting for them: the next window is scored while this one commits. Each
   * partition commits its windows one after another, so its outputs commit in offset order
   * (DESIGN.md §3); different partitions' transactions overlap.
   */
  private async drain(): Promise<void> {
    while (this.queue.length && !this.stopController.signal.aborted) {
      const window = this.queue.shift()!;
      let commits: Promise<void>;
      try {
        ({ commits } = await this.processWindow(window));
      } catch (error) {
        if (this.stopController.signal.aborted) return;
        this.fail(error);
        return;
      }
      this.committing.add(commits);
      void commits.finally(() => {
        this.committing.delete(commits);
        this.signalQueue();
      });
    }
  }

  /**
   * A window could not be scored and may not be skipped (docs/exactly-once.md): its partitions'
   * later windows would commit offsets past records that have no output. So nothing commits any
   * more: every partition's buffered and scored work is dropped (the next owner redoes it from the
   * committed offsets), fetching stops, and `failed` tells the service to stop the process.
   */
  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof StreamscoreError && error.fatal
      ? error
      : new StreamscoreError('ERR_PIPELINE_WINDOW_FAILED', `Scoring a window failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    for (const state of this.ledger.states()) this.invalidate(state);
    this.queue.length = 0;
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    this.signalQueue();
    this.emit('failed', { code: this.failure.code, message: this.failure.message });
  }

  /** The window's items whose partition is still ours in the same generation, and those generations. */
  private currentItems(items: Item[]): { current: Item[]; generations: Map<string, number> } {
    const current: Item[] = [];
    const generations = new Map<string, number>();
    let last: Item['record'] | undefined;
    let state: PartitionState | undefined;
    for (const item of items) {
      // Windows hold long runs of one partition: look the partition up only when it changes.
      if (last?.partition !== item.record.partition || last.topic !== item.record.topic) {
        last = item.record;
        state = this.ledger.of(last.topic, last.partition);
      }
      if (state === undefined || state.status !== 'active' || state.generation !== item.generation) continue;
      current.push(item);
      generations.set(state.key, item.generation);
    }
    return { current, generations };
  }

  /** Scores the window; resolves once scored (not committed), with the promise of its partition commits. */
  private async processWindow(window: ClosedWindow<Item>): Promise<{ commits: Promise<void> }> {
    const { current: items, generations } = this.currentItems(window.items);
    if (!items.length) return { commits: Promise.resolve() };
    const windowId = `${this.instanceId}-${this.windowSeq++}`;
    this.emit('windowClosed', { windowId, records: items.length, bytes: window.bytes, reason: window.reason });
    const systemicAttempts = this.options.systemicFailureAttempts;
    const scored = await this.retrying(`scoring window ${windowId}`, () => this.parts.scoring.score(items.map((i) => i.record), windowId), true,
      (error, attempt) => error instanceof StreamscoreError && error.code === 'ERR_MODEL_SYSTEMIC' && attempt + 1 < systemicAttempts);
    if (this.failure) throw this.failure;
    this.emit('windowScored', { windowId, records: items.length, rows: scored.rows, modelRuns: scored.model.runs, modelFailedRows: scored.model.failedRows, timings: scored.timings });
    const parts: CommitPart[] = [];
    for (const output of scored.partitions) {
      const key = partitionKey(output.topic, output.partition);
      const state = this.ledger.get(key);
      if (state) parts.push({ state, generation: generations.get(key)!, output });
    }
    return { commits: this.committer.commitWindow(windowId, parts) };
  }

  private async onCommitted({ state, output }: CommitPart, windowId: string, durationMs: number): Promise<void> {
    this.ledger.acknowledge(state, BigInt(output.nextOffset));
    this.emit('committed', {
      partition: state.key, windowId, records: output.records, predictions: output.predictions.length, flagged: output.flagged,
      deadLetters: output.deadLetters.length, deadLetterCodes: output.deadLetterCodes, nextOffset: output.nextOffset, durationMs,
      committedAt: this.parts.clock.now(), sourceTimestamps: output.sourceTimestamps,
    });
    await this.bounded?.maybeFinish(state);
  }

  /** The transaction was aborted: nothing of it is visible, and the partitions' work is redone or dropped. */
  private onCommitFailed(parts: CommitPart[], windowId: string, failure: StreamscoreError): void {
    for (const { state } of parts) {
      this.emit('aborted', { partition: state.key, windowId, code: failure.code, message: failure.message });
      if (failure.code === 'ERR_KAFKA_FENCED') {
        // Another instance initialised this transactional id, or the group no longer has us in its
        // generation: it owns the partition now, or our own transaction timed out. Drop the work;
        // the ownership watch tells which.
        this.invalidate(state);
        state.status = 'fenced';
        this.emit('fenced', { partition: state.key });
        this.watchOwnership(state);
      } else {
        // The transaction was aborted; seek back to the committed offset and redo, with a fresh
        // producer so a transaction stuck after a broker outage cannot block us.
        this.reset(state);
      }
    }
  }

  /** After being fenced, re-initialise only if the group still gives us this partition. */
  private watchOwnership(state: PartitionState): void {
    const generation = state.generation;
    void (async () => {
      while (!this.stopping && this.ledger.get(state.key) === state && state.status === 'fenced' && state.generation === generation) {
        await this.parts.clock.sleep(this.options.heartbeatIntervalMs, this.stopController.signal);
        if (this.stopping || state.status !== 'fenced' || state.generation !== generation) return;
        const ownership = await this.parts.admin.ownsPartition(this.options.appId, this.memberId, state.topic, state.partition).catch(() => 'unsettled' as const);
        if (ownership === 'owned' && this.ledger.get(state.key) === state) {
          this.reset(state);
          return;
        }
      }
    })();
  }

  /** `alsoRetry`: errors retried besides the retriable ones, e.g. a systemic model failure a few times. */
  private retrying<T>(what: string, operation: () => Promise<T>, forever = false, alsoRetry?: (error: unknown, attempt: number) => boolean): Promise<T> {
    return withRetry(operation, {
      shouldRetry: (error, attempt) => isRetriable(error) || (alsoRetry?.(error, attempt) ?? false),
      initialDelayMs: 200,
      maxDelayMs: 5_000,
      deadlineMs: forever ? Infinity : 60_000,
      signal: this.stopController.signal,
      now: () => this.parts.clock.now(),
      sleep: (ms, signal) => this.parts.clock.sleep(ms, signal),
      onRetry: (error, attempt, delayMs) => this.emit('retrying', { what, attempt, delayMs, message: (error as Error).message }),
    });
  }
}
