/**
 * The generator's produce loop: scenario records → Avro → Kafka, in batches, as fast as possible
 * or at a fixed rate. Kafka itself stays behind `send` (src/kafka/record-producer.ts), time behind
 * `clock`/`sleep`, so the loop is tested without a broker and without sleeping.
 *
 * Each record: key = the device or card id, value = Confluent-framed Avro, timestamp = the event
 * time (unless `stampEventTime` is off: then the producer stamps it with the time it is sent),
 * headers = the ground truth (src/generate/truth-headers.ts), never in the value.
 * While one batch is being sent the next one is generated and encoded; one send is in flight at a
 * time (the idempotent producer's order guarantee).
 */
import type { Clock } from '../clock.js';
import type { OutputMessage } from '../records/types.js';
import type { ScenarioName, ScenarioRecordGenerator } from './scenarios.js';
import { normaliseTruth, truthHeaders } from './truth-headers.js';

/** Records per send when producing as fast as possible. */
export const DEFAULT_BATCH_SIZE = 1000;
/** At a fixed rate, about this many sends per second (so a batch holds rate/SENDS_PER_SECOND records). */
const SENDS_PER_SECOND = 20;

export interface ProduceLoopOptions {
  scenario: ScenarioName;
  generator: ScenarioRecordGenerator;
  encode: (value: ReturnType<ScenarioRecordGenerator['next']>['value']) => Buffer;
  /** Records to produce; 0 = until `signal` aborts. */
  count: number;
  /** Records per second; 0 = as fast as possible. */
  rate: number;
  batchSize?: number;
  /** Message timestamp = event time (default), or left to the producer (send time). */
  stampEventTime?: boolean;
  send: (messages: OutputMessage[]) => Promise<void>;
  clock: Clock;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /**
   * The latest message timestamp the topic accepts right now (for runs that are not scanned in
   * advance): records up to it are sent, then the run stops with `refusal`.
   */
  timestampLimit?: () => number;
  /** After each acknowledged batch. */
  onProgress?: (progress: ProduceProgress) => void;
}

export interface ProduceProgress {
  /** Records acknowledged by the broker. */
  produced: number;
  positives: number;
  elapsedMs: number;
}

export interface ProduceSummary extends ProduceProgress {
  /** Acknowledged records per truth kind (`none` for negatives). */
  byKind: Record<string, number>;
  firstEventTime?: number;
  lastEventTime?: number;
  /** Why the run ended before `count`: the signal, or a timestamp the topic would refuse. */
  stopped?: 'signal' | 'timestamp-limit';
  refusal?: string;
}

interface Batch {
  messages: OutputMessage[];
  positives: number;
  kinds: Map<string, number>;
  firstEventTime: number;
  lastEventTime: number;
  /** The event time of the record that crossed the timestamp limit (not in the batch). */
  limited?: number;
}

/** Records per batch: full batches flat out; at a fixed rate, small enough to pace smoothly. */
export function batchSizeFor(rate: number, batchSize = DEFAULT_BATCH_SIZE): number {
  if (rate <= 0) return batchSize;
  return Math.max(1, Math.min(batchSize, Math.ceil(rate / SENDS_PER_SECOND)));
}

export async function produceRecords(options: ProduceLoopOptions): Promise<ProduceSummary> {
  const { scenario, generator, encode, count, rate, clock, signal } = options;
  const size = batchSizeFor(rate, options.batchSize);
  const stamp = options.stampEventTime ?? true;
  const started = clock.now();
  const summary: ProduceSummary = { produced: 0, positives: 0, elapsedMs: 0, byKind: {} };

  /** Up to n records; fewer when a record's timestamp is beyond `limit` (that record is dropped, the run ends). */
  const build = (n: number, limit: number): Batch => {
    const batch: Batch = { messages: [], positives: 0, kinds: new Map(), firstEventTime: 0, lastEventTime: 0 };
    for (let i = 0; i < n; i++) {
      const record = generator.next();
      if (record.timestamp > limit) {
        batch.limited = record.timestamp;
        break;
      }
      const truth = normaliseTruth(record.truth);
      if (truth.positive) batch.positives++;
      batch.kinds.set(truth.kind, (batch.kinds.get(truth.kind) ?? 0) + 1);
      if (i === 0) batch.firstEventTime = record.timestamp;
      batch.lastEventTime = record.timestamp;
      batch.messages.push({
        key: Buffer.from(record.key),
        value: encode(record.value),
        headers: truthHeaders(scenario, truth),
        timestamp: stamp ? String(record.timestamp) : undefined,
      });
    }
    return batch;
  };

  const acknowledge = (batch: Batch): void => {
    summary.produced += batch.messages.length;
    summary.positives += batch.positives;
    for (const [kind, n] of batch.kinds) summary.byKind[kind] = (summary.byKind[kind] ?? 0) + n;
    summary.firstEventTime ??= batch.firstEventTime;
    summary.lastEventTime = batch.lastEventTime;
    summary.elapsedMs = clock.now() - started;
    options.onProgress?.({ produced: summary.produced, positives: summary.positives, elapsedMs: summary.elapsedMs });
  };

  let built = 0;
  let inFlight: Promise<void> | undefined;
  try {
    while (count === 0 || built < count) {
      if (signal?.aborted) {
        summary.stopped = 'signal';
        break;
      }
      const limit = stamp ? options.timestampLimit?.() ?? Infinity : Infinity;
      const batch = build(count === 0 ? size : Math.min(size, count - built), limit);
      if (batch.limited !== undefined) {
        summary.stopped = 'timestamp-limit';
        summary.refusal = `event time ${new Date(batch.limited).toISOString()} is beyond the latest timestamp the topic accepts now (${new Date(limit).toISOString()}); the simulated clock outran the wall clock`;
        if (batch.messages.length === 0) break;
      }
      if (rate > 0) {
        const due = started + (built * 1000) / rate;
        const wait = due - clock.now();
        if (wait > 0) await options.sleep(wait, signal);
        if (signal?.aborted) {
          summary.stopped = 'signal';
          break;
        }
      }
      if (inFlight) await inFlight;
      built += batch.messages.length;
      inFlight = options.send(batch.messages).then(() => acknowledge(batch));
      // Handled here so a failure during the next batch's pacing is not an unhandled rejection;
      // it is still thrown by the next `await inFlight`.
      inFlight.catch(() => undefined);
      if (summary.stopped) break;
    }
  } finally {
    // The batch in flight is acknowledged (or its error thrown) before the summary is returned.
    if (inFlight) await inFlight;
  }
  summary.elapsedMs = clock.now() - started;
  return summary;
}
