import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { schemaIdOf, type WriterSchemaSource } from '../codec/avro-decoder.js';
import { StreamscoreError } from '../errors.js';
import { partitionKey, type InputRecord, type OutputMessage } from '../records/types.js';
import { deadLetterFor } from '../sink/dead-letter.js';
import type { Clock } from '../clock.js';
import { SystemicFailureJudge } from '../model/systemic-failure.js';
import type { ModelRunReport, RecordFailure, StageTimings, WindowRequest, WindowResponse, WindowWorkerInit } from './window-protocol.js';
import { WorkerPool, type RespawnPolicy } from './worker-pool.js';

export type { StageTimings } from './window-protocol.js';

export interface PartitionOutput {
  topic: string;
  partition: number;
  /** One past the last input offset of this partition in the window. */
  nextOffset: string;
  predictions: OutputMessage[];
  deadLetters: OutputMessage[];
  /** Error codes of the dead letters, for metrics. */
  deadLetterCodes: string[];
  records: number;
  /** Predictions flagged (score ≥ threshold). */
  flagged: number;
  /** The timestamps (epoch ms) of the records with a prediction, for end-to-end latency once committed. */
  sourceTimestamps: number[];
}

export interface ScoredWindow {
  partitions: PartitionOutput[];
  timings: StageTimings;
  rows: number;
  model: ModelRunReport;
}

/** Predictions carry no headers (lineage is in the value): one shared empty object for all of them. */
const NO_HEADERS: OutputMessage['headers'] = Object.freeze({});

export interface WindowScorerOptions {
  workers: number;
  /** Where writer schemas come from (Avro input only). */
  registry?: WriterSchemaSource;
  /** config `model.workerRespawns`. */
  respawns: RespawnPolicy;
  clock: Clock;
}

/**
 * Scores windows on a small supervised pool of worker threads (window-worker.ts, worker-pool.ts),
 * one onnxruntime session each. The main thread only packs the window, fetches writer schemas it
 * has not seen from the registry (I/O stays here: a registry fault is thrown, so the whole window
 * is retried and nothing is dead-lettered for it), and turns the answer into per-partition
 * outputs: every input record comes out as exactly one prediction or one dead letter, grouped by
 * partition in input order. A window whose model failure is systemic is thrown (ERR_MODEL_SYSTEMIC),
 * never dead-lettered; a worker that exits makes its windows throw ERR_MODEL_WORKER_EXITED (retried).
 */
export class WindowScorer {
  /** Writer schemas (JSON) by id, as the registry gave them. */
  private readonly writerSchemas = new Map<number, string>();
  private readonly judge: SystemicFailureJudge;

  private constructor(readonly pool: WorkerPool<WindowRequest, WindowResponse>, private readonly registry: WriterSchemaSource | undefined, private readonly systemicRatio: number) {
    this.judge = new SystemicFailureJudge(systemicRatio);
  }

  static async start(init: WindowWorkerInit, options: WindowScorerOptions): Promise<WindowScorer> {
    const pool = await WorkerPool.start<WindowRequest, WindowResponse>(options.workers, () => spawn(init), options.respawns, options.clock);
    return new WindowScorer(pool, init.codec === 'avro' ? options.registry : undefined, init.systemicRatio);
  }

  async score(records: readonly InputRecord[], windowId: string): Promise<ScoredWindow> {
    const started = performance.now();
    const writerSchemas = await this.writerSchemasOf(records);
    const lookupMs = performance.now() - started;
    const response = await this.pool.request(pack(records, windowId, writerSchemas));
    if (!response.ok) throw new StreamscoreError('ERR_PIPELINE_WINDOW_FAILED', `Scoring window ${windowId} failed: ${response.message}`);
    const { model } = response;
    if (model.gaveUp || this.judge.isSystemic(response.rows, model.failedRows)) {
      throw new StreamscoreError('ERR_MODEL_SYSTEMIC', `The model run failed for ${model.failedRows}${model.gaveUp ? '+' : ''} of ${response.rows} rows of window ${windowId}, more than model.failures.systemicRatio=${this.systemicRatio} (of the rows scored lately): the model looks broken, not the data. First error: ${model.firstError}`);
    }
    this.judge.accept(response.rows, model.failedRows);
    const timings = { ...response.timings, decodeMs: response.timings.decodeMs + lookupMs };
    return { partitions: unpack(records, response.predictions, response.predictionEnds, response.flags, response.failures), timings, rows: response.rows, model };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Throws on a transient registry fault (the caller retries the window); a 404 is sent as null. */
  private async writerSchemasOf(records: readonly InputRecord[]): Promise<[number, string | null][]> {
    if (!this.registry) return [];
    const ids = new Set<number>();
    for (const record of records) {
      const id = schemaIdOf(record.value);
      if (id !== undefined) ids.add(id);
    }
    const schemas: [number, string | null][] = [];
    for (const id of ids) {
      let schema = this.writerSchemas.get(id);
      if (schema === undefined) {
        const type = await this.registry.writerType(id);
        if (type !== undefined) {
          schema = JSON.stringify(type.schema({ exportAttrs: true }));
          this.writerSchemas.set(id, schema);
        }
      }
      schemas.push([id, schema ?? null]);
    }
    return schemas;
  }
}

function spawn(init: WindowWorkerInit): Promise<Worker> {
  // A small young generation: the worker's garbage is short-lived (one window at a time), and
  // V8's default (up to 48 MB) added that much to the process's peak RSS for no speed (docs/benchmarks.md).
  const worker = new Worker(new URL('./window-worker.js', import.meta.url), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited with code ${code} before it was ready`)));
  });
}

/** The window as flat arrays (see window-protocol.ts): cheap to clone to the worker. */
function pack(records: readonly InputRecord[], windowId: string, writerSchemas: [number, string | null][]): Omit<WindowRequest, 'id'> {
  const n = records.length;
  const topics: string[] = [];
  const topicIndex = new Uint16Array(n);
  const partitions = new Int32Array(n);
  const offsets = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const valueEnds = new Int32Array(n);
  const nullValue = new Uint8Array(n);
  const values: Buffer[] = [];
  let end = 0;
  records.forEach((record, i) => {
    let topic = topics.indexOf(record.topic);
    if (topic < 0) topic = topics.push(record.topic) - 1;
    topicIndex[i] = topic;
    partitions[i] = record.partition;
    offsets[i] = Number(record.offset);
    timestamps[i] = Number(record.timestamp);
    if (record.value) {
      values.push(record.value);
      end += record.value.length;
    } else {
      nullValue[i] = 1;
    }
    valueEnds[i] = end;
  });
  return { windowId, topics, topicIndex, partitions, offsets, timestamps, values: Buffer.concat(values, end), valueEnds, nullValue, writerSchemas };
}

/** The worker's answer → one prediction or one dead letter per record, grouped by partition in input order. */
function unpack(records: readonly InputRecord[], predictions: Uint8Array, predictionEnds: Int32Array, flags: Uint8Array, failures: RecordFailure[]): PartitionOutput[] {
  const failed = new Map(failures.map((f) => [f.index, f]));
  const byPartition = new Map<string, PartitionOutput>();
  const lastOffsets = new Map<PartitionOutput, string>();
  let out: PartitionOutput | undefined;
  let start = 0;
  records.forEach((record, i) => {
    // Windows hold long runs of one partition: look the partition up only when it changes.
    if (out?.partition !== record.partition || out.topic !== record.topic) {
      const key = partitionKey(record.topic, record.partition);
      out = byPartition.get(key);
      if (!out) {
        out = { topic: record.topic, partition: record.partition, nextOffset: '0', predictions: [], deadLetters: [], deadLetterCodes: [], records: 0, flagged: 0, sourceTimestamps: [] };
        byPartition.set(key, out);
      }
    }
    out.records++;
    lastOffsets.set(out, record.offset);
    const end = predictionEnds[i];
    const failure = failed.get(i);
    if (failure) {
      const error = new StreamscoreError(failure.code, failure.message, { record: { topic: record.topic, partition: record.partition, offset: record.offset }, stage: failure.stage });
      out.deadLetters.push(deadLetterFor(record, error));
      out.deadLetterCodes.push(failure.code);
    } else {
      out.predictions.push({ key: record.key, value: Buffer.from(predictions.buffer, predictions.byteOffset + start, end - start), headers: NO_HEADERS });
      out.flagged += flags[i];
      out.sourceTimestamps.push(Number(record.timestamp));
    }
    start = end;
  });
  for (const [partition, offset] of lastOffsets) partition.nextOffset = (BigInt(offset) + 1n).toString();
  return [...byPartition.values()];
}
