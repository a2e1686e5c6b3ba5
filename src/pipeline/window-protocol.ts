import type { InputTensorConfig, ModelOutputsConfig, TensorDtype } from '../config/types.js';
import type { ErrorCode } from '../errors.js';

/**
 * Messages between the pipeline (main thread) and its scoring worker threads. A window crosses
 * as a few flat arrays rather than as record objects: cloning 1,000 objects would cost the main
 * thread about what decoding them does, and the main thread is the pipeline's bottleneck
 * (docs/benchmarks.md).
 */
export interface WindowWorkerInit {
  modelBytes: Uint8Array;
  intraOpThreads: number;
  outputNames: string[];
  maxBatch?: number;
  fixedBatch: boolean;
  /** Shapes of the model inputs, for the warm-up run. */
  inputShapes: { name: string; dtype: TensorDtype; columns: number }[];
  features: InputTensorConfig[];
  outputs: ModelOutputsConfig;
  codec: 'avro' | 'json';
  /** The configured reader schema (Avro input). */
  readerSchema?: object;
  /** The prediction schema and the id the registry gave it at start. */
  prediction: { schema: object; schemaId: number };
  model: { name: string; version: string; sha256: string };
  /** config `model.failures.systemicRatio`: bisection stops once the window alone proves the failure systemic. */
  systemicRatio: number;
}

export interface WindowRequest {
  id: number;
  windowId: string;
  /** Per record: index into `topics`, partition, offset, timestamp (for lineage and error coordinates). */
  topics: string[];
  topicIndex: Uint16Array;
  partitions: Int32Array;
  offsets: Float64Array;
  timestamps: Float64Array;
  /** Every record's value, back to back; record i ends at valueEnds[i]; nullValue[i] = 1 for a null value. */
  values: Uint8Array;
  valueEnds: Int32Array;
  nullValue: Uint8Array;
  /** The writer schemas (JSON) of the schema ids in this window; null where the registry has none. */
  writerSchemas: [id: number, schema: string | null][];
}

/** Sent before the answer when the window's model run threw and the worker starts bisecting it. */
export interface BisectNotice {
  id: number;
  notice: 'bisecting';
  message: string;
}

/** What the model runs of a window came to. */
export interface ModelRunReport {
  /** onnxruntime runs made: 1 unless the first threw and the window was bisected. */
  runs: number;
  /** Rows the run throws on by themselves (dead-lettered as ERR_MODEL_RUN unless systemic). */
  failedRows: number;
  /** The runtime's message of the first failed run, if any. */
  firstError?: string;
  /** Bisection stopped early: the window alone proved the failure systemic. Nothing of it is usable. */
  gaveUp: boolean;
}

/** A record that cannot be scored: it becomes a dead letter. */
export interface RecordFailure {
  index: number;
  code: ErrorCode;
  message: string;
  stage?: string;
}

export interface StageTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  encodeMs: number;
}

export type WindowResponse =
  | {
    id: number;
    ok: true;
    /** Every scored record's prediction (Confluent wire format), back to back; record i ends at predictionEnds[i] (empty for a failure). */
    predictions: Uint8Array;
    predictionEnds: Int32Array;
    /** Per record: 1 if its prediction is flagged (score ≥ threshold), else 0. */
    flags: Uint8Array;
    failures: RecordFailure[];
    rows: number;
    model: ModelRunReport;
    timings: StageTimings;
  }
  | { id: number; ok: false; message: string };
