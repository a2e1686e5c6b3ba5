import { Admin, Consumer, type ConsumerGroupJoinPayload } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { InputRecord } from '../../records/types.js';
import type { FetchContext, GroupMetadata, RecordSource, SourceHandlers, SourceOptions, Subscription, TopicPartition } from '../types.js';
import { baseOptions, backoff, type KafkaConfig } from './client-options.js';
import { stableCommittedOffsets } from './committed-offsets.js';
import { fetchRound, FETCH_LIMITS, type PartitionFetch } from './fetch-round.js';
import { toInputRecords } from './input-records.js';
import { PartitionCursors } from './partition-cursors.js';
import { committedBatches, lastOffsetOf } from './read-committed.js';
import { Wakeup } from './wakeup.js';

/** Broker error codes of a fetched partition (protocol/errors.js). */
const OFFSET_OUT_OF_RANGE = 1;
/** Consecutive failed rounds before the failure is reported through onCrash (earlier ones are logged at debug). */
const CRASH_AFTER_FAILURES = 5;

type SourceState =
  | { kind: 'new' }
  | { kind: 'running'; handlers: SourceHandlers; loop: Promise<void> }
  | { kind: 'stopped' };

/**
 * A consumer-group member on @platformatic/kafka, read_committed, nothing committed (offsets only
 * ever go into the sink's transactions). platformatic's Consumer does the group protocol (join,
 * sync, heartbeats on its own timer, rejoining after a rebalance); the fetch loop is ours
 * (fetch-round.ts says why), with the Java consumer's read_committed filter (read-committed.ts).
 *
 * As kafkajs' InputConsumer: onAssignment after every join, before any record of the new
 * generation; one onRecords per partition and fetch, in offset order, awaited (back-pressure);
 * after seek() nothing fetched before it is delivered (partition-cursors.ts). Differences: the
 * heartbeat runs on platformatic's timer whatever the handlers do, so ctx.heartbeat() has nothing
 * to do; a new partition starts at the group's committed offset read with require_stable.
 */
export class PlatformaticRecordSource implements RecordSource {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly cursors = new PartitionCursors();
  private readonly wakeup = new Wakeup();
  private state: SourceState = { kind: 'new' };
  private membership: GroupMetadata | undefined;
  /** Between a rebalance notice and the join that ends it: fetch nothing (as the Java consumer's poll). */
  private rebalancing = false;
  private readonly rebalanceTimeoutMs: number;

  constructor(config: KafkaConfig, clientIdSuffix: string, private readonly options: SourceOptions, private readonly logger: Logger) {
    this.rebalanceTimeoutMs = Math.max(60_000, options.sessionTimeoutMs);
    this.consumer = new Consumer({
      // JoinGroup is answered only when every member rejoined: up to the rebalance timeout.
      ...baseOptions(config, clientIdSuffix, { requestTimeoutMs: this.rebalanceTimeoutMs + 5_000 }),
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: this.rebalanceTimeoutMs,
      autocommit: false,
      maxWaitTime: FETCH_LIMITS.maxWaitTimeMs,
      maxBytes: FETCH_LIMITS.maxBytes,
    });
    this.admin = new Admin(baseOptions(config, `${clientIdSuffix}-source-admin`));
  }

  async start(subscription: Subscription, handlers: SourceHandlers): Promise<void> {
    if (this.state.kind !== 'new') throw new Error('a record source starts once');
    const topics = await this.subscribedTopics(subscription);
    this.consumer.topics.trackAll(...topics);
    this.consumer.on('consumer:group:join', (payload) => this.onJoin(payload, handlers));
    this.consumer.on('consumer:group:rebalance', () => {
      this.rebalancing = true;
    });
    // platformatic emits 'error' when rejoining after a rebalance failed; it does not try again.
    this.consumer.on('error', (error: Error) => this.rejoin(error, handlers));
    const running = { kind: 'running' as const, handlers, loop: Promise.resolve() };
    this.state = running;
    await this.consumer.joinGroup({ sessionTimeout: this.options.sessionTimeoutMs, heartbeatInterval: this.options.heartbeatIntervalMs, rebalanceTimeout: this.rebalanceTimeoutMs });
    running.loop = this.run(handlers);
  }

  groupMetadata(): GroupMetadata | undefined {
    return this.membership;
  }

  seek(topic: string, partition: number, offset: string): void {
    this.cursors.seek(topic, partition, BigInt(offset));
    this.wakeup.notify();
  }

  pause(partitions: TopicPartition[]): void {
    this.cursors.setPaused(partitions, true);
  }

  resume(partitions: TopicPartition[]): void {
    this.cursors.setPaused(partitions, false);
    this.wakeup.notify();
  }

  /** Stops fetching (waiting up to a session timeout for the batch being handled), leaves the group, closes. */
  async disconnect(): Promise<void> {
    const previous = this.state;
    this.state = { kind: 'stopped' };
    this.wakeup.notify();
    if (previous.kind === 'running') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([previous.loop, new Promise((resolve) => { timer = setTimeout(resolve, this.options.sessionTimeoutMs); })]);
      clearTimeout(timer);
    }
    this.membership = undefined;
    this.cursors.clear();
    await this.consumer.close().catch((error: unknown) => this.logger.debug({ err: error }, 'leaving the group failed'));
    await this.admin.close().catch(() => undefined);
  }

  private get running(): boolean {
    return this.state.kind === 'running';
  }

  /** Topic names, or the existing topics matching the pattern at start (as kafkajs subscribes to a RegExp). */
  private async subscribedTopics(subscription: Subscription): Promise<string[]> {
    if (!subscription.topicPattern) return subscription.topics ?? [];
    const pattern = new RegExp(subscription.topicPattern);
    const all = await this.admin.listTopics({ includeInternals: false });
    return all.filter((topic) => pattern.test(topic)).sort();
  }

  /** A join completed: the generation and assignment change together, then the pipeline hears of it. */
  private onJoin(payload: ConsumerGroupJoinPayload, handlers: SourceHandlers): void {
    if (!this.running) return;
    this.rebalancing = false;
    const assignment: TopicPartition[] = (payload.assignments ?? []).flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    this.membership = { groupId: payload.groupId, generationId: payload.generationId ?? this.consumer.generationId, memberId: payload.memberId };
    this.cursors.assign(assignment);
    handlers.onAssignment(payload.memberId, assignment);
    this.wakeup.notify();
  }

  private rejoin(error: Error, handlers: SourceHandlers): void {
    if (!this.running) return;
    this.rebalancing = true;
    handlers.onCrash(error, true);
    setTimeout(() => {
      if (!this.running) return;
      this.consumer.joinGroup({ sessionTimeout: this.options.sessionTimeoutMs, heartbeatInterval: this.options.heartbeatIntervalMs, rebalanceTimeout: this.rebalanceTimeoutMs })
        .catch((again: Error) => this.rejoin(again, handlers));
    }, backoff(undefined, 'rejoin', 4));
  }

  private async run(handlers: SourceHandlers): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (this.rebalancing) {
          await this.wakeup.wait(this.options.heartbeatIntervalMs);
          continue;
        }
        await this.positionNewPartitions();
        const cursors = this.cursors.fetchable();
        if (!cursors.length) {
          await this.wakeup.wait(this.options.heartbeatIntervalMs);
          continue;
        }
        const fetched = await fetchRound(this.consumer, cursors);
        failures = 0;
        let refused = 0;
        for (const partition of fetched) {
          if (!this.running || this.rebalancing) break;
          if (!(await this.deliver(partition, handlers))) refused++;
        }
        // Every partition refused (leaders moving): do not spin.
        if (refused && refused === fetched.length) await this.wakeup.wait(backoff(undefined, 'fetch', 2));
      } catch (error) {
        if (!this.running) break;
        failures++;
        this.logger.debug({ err: error, failures }, 'fetch failed; retrying');
        if (failures >= CRASH_AFTER_FAILURES) handlers.onCrash(error instanceof Error ? error : new Error(String(error)), true);
        this.consumer.clearMetadata();
        await this.wakeup.wait(backoff(undefined, 'fetch', failures));
      }
    }
  }

  /**
   * Hands one partition's fetch to the pipeline, read_committed-filtered; false when the broker
   * refused the partition. Nothing is delivered, and the position does not move, once the fetch is
   * stale or the partition paused.
   */
  private async deliver(fetch: PartitionFetch, handlers: SourceHandlers): Promise<boolean> {
    const { topic, partition, epoch, fetchOffset, result } = fetch;
    if (result.errorCode !== 0) {
      if (result.errorCode === OFFSET_OUT_OF_RANGE) this.cursors.reset(topic, partition, epoch);
      else this.consumer.clearMetadata();
      this.logger.debug({ topic, partition, errorCode: result.errorCode }, 'fetch refused for partition');
      return false;
    }
    const cursor = this.cursors.get(topic, partition);
    const batches = result.records ?? [];
    if (!cursor || cursor.paused || cursor.epoch !== epoch || !batches.length) return true;
    const lastOffset = lastOffsetOf(batches[batches.length - 1]);
    if (lastOffset < fetchOffset) return true;
    const records: InputRecord[] = [];
    for (const batch of committedBatches(batches, result.abortedTransactions)) toInputRecords(topic, partition, batch, fetchOffset, records);
    if (records.length) {
      const context: FetchContext = {
        highWatermark: result.highWatermark.toString(),
        lastOffset: lastOffset.toString(),
        isStale: () => !this.running || this.cursors.isStale(topic, partition, epoch),
        // platformatic heartbeats on its own timer, however long the handler takes.
        heartbeat: async () => undefined,
      };
      await handlers.onRecords(topic, partition, records, context);
    } else {
      const first = batches[0].firstOffset > fetchOffset ? batches[0].firstOffset : fetchOffset;
      handlers.onPosition?.(topic, partition, first.toString(), lastOffset.toString());
    }
    this.cursors.advance(topic, partition, epoch, lastOffset + 1n);
    return true;
  }

  /**
   * New partitions start at the group's committed offset, read with require_stable (a transaction
   * still carrying offsets for them is waited for), else per fromBeginning; partitions the broker
   * put out of range go by fromBeginning directly (the Java consumer's auto.offset.reset).
   */
  private async positionNewPartitions(): Promise<void> {
    const waiting = this.cursors.unpositioned().map((c) => ({ topic: c.topic, partition: c.partition, epoch: c.epoch, reset: c.resetNeeded }));
    if (!waiting.length) return;
    const fromCommitted = waiting.filter((w) => !w.reset);
    const committed = fromCommitted.length
      ? await stableCommittedOffsets(this.admin, this.options.groupId, groupByTopic(fromCommitted).map(([topic, partitions]) => ({ topic, partitions })))
      : new Map<string, bigint>();
    const rest = waiting.filter((w) => !committed.has(`${w.topic}:${w.partition}`));
    const reset = rest.length ? await this.resetOffsets(rest) : new Map<string, bigint>();
    for (const w of waiting) {
      const key = `${w.topic}:${w.partition}`;
      const offset = committed.get(key) ?? reset.get(key);
      if (offset !== undefined) this.cursors.position(w.topic, w.partition, w.epoch, offset);
    }
  }

  private async resetOffsets(partitions: { topic: string; partition: number }[]): Promise<Map<string, bigint>> {
    const timestamp = this.options.fromBeginning ? -2n : -1n;
    const listed = await this.admin.listOffsets({
      topics: groupByTopic(partitions).map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
    });
    const out = new Map<string, bigint>();
    for (const topic of listed) for (const p of topic.partitions) out.set(`${topic.name}:${p.partitionIndex}`, p.offset);
    return out;
  }
}

function groupByTopic(partitions: readonly { topic: string; partition: number }[]): [string, number[]][] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic];
}
