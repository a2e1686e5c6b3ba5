import { performance } from 'node:perf_hooks';
import type { Decoder } from '../codec/decoder.js';
import type { ModelOutputsConfig } from '../config/types.js';
import type { StreamscoreError } from '../errors.js';
import type { FeatureMapper } from '../features/feature-mapper.js';
import { mapOutputs } from '../model/output-mapper.js';
import type { Scorer } from '../model/scorer.js';
import { partitionKey, type InputRecord, type OutputMessage } from '../records/types.js';
import { deadLetterFor } from '../sink/dead-letter.js';
import type { PredictionEncoder } from '../sink/prediction-encoder.js';

/** Predictions carry no headers (lineage is in the value): one shared empty object for all of them. */
const NO_HEADERS: OutputMessage['headers'] = Object.freeze({});

export interface ModelIdentity {
  name: string;
  version: string;
  sha256: string;
}

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
}

export interface StageTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  encodeMs: number;
}

export interface ScoredWindow {
  partitions: PartitionOutput[];
  timings: StageTimings;
  rows: number;
}

export interface WindowScorerDeps {
  decoder: Decoder;
  features: FeatureMapper;
  scorer: Scorer;
  encoder: PredictionEncoder;
  outputs: ModelOutputsConfig;
  model: ModelIdentity;
  now: () => number;
}

/**
 * decode → features → one model run → encode, for one window. Every input record comes out as
 * exactly one prediction or one dead letter, grouped by partition in input order. A transient
 * fault (registry down) is thrown: the caller retries the whole window.
 */
export async function scoreWindow(records: readonly InputRecord[], windowId: string, deps: WindowScorerDeps): Promise<ScoredWindow> {
  let mark = performance.now();
  const lap = (): number => { const t = performance.now(); const d = t - mark; mark = t; return d; };

  const decoded = await deps.decoder.decode(records);
  const decodeMs = lap();

  const failures = new Map<number, StreamscoreError>();
  const valueIndex: number[] = [];
  const values: Record<string, unknown>[] = [];
  decoded.forEach((result, i) => {
    if (result.ok) { valueIndex.push(i); values.push(result.value); } else failures.set(i, result.error);
  });
  const mapped = deps.features.map(values);
  for (const [v, error] of mapped.failures) failures.set(valueIndex[v], error);
  const featuresMs = lap();

  const scoredRows = mapped.rows.map((v) => valueIndex[v]);
  let inferenceMs = 0;
  // Indexed by record: the model's output for that record, if it was scored.
  const scores = new Array<ReturnType<typeof mapOutputs>[number] | undefined>(records.length);
  if (scoredRows.length) {
    const result = await deps.scorer.score(mapped.tensors);
    inferenceMs = result.inferenceMs;
    mapOutputs(result.outputs, scoredRows.length, deps.outputs).forEach((out, row) => { scores[scoredRows[row]] = out; });
  }
  lap();

  const scoredAt = deps.now();
  const byPartition = new Map<string, PartitionOutput>();
  const lastOffsets = new Map<PartitionOutput, string>();
  let out: PartitionOutput | undefined;
  records.forEach((record, i) => {
    // Windows hold long runs of one partition: look the partition up only when it changes.
    if (out?.partition !== record.partition || out.topic !== record.topic) {
      const key = partitionKey(record.topic, record.partition);
      out = byPartition.get(key);
      if (!out) {
        out = { topic: record.topic, partition: record.partition, nextOffset: '0', predictions: [], deadLetters: [], deadLetterCodes: [], records: 0 };
        byPartition.set(key, out);
      }
    }
    out.records++;
    lastOffsets.set(out, record.offset);
    const scored = scores[i];
    const error = failures.get(i) ?? (scored && !scored.ok ? scored.error : undefined);
    if (error || !scored || !scored.ok) {
      const failure = error ?? failures.get(i)!;
      out.deadLetters.push(deadLetterFor(record, failure));
      out.deadLetterCodes.push(failure.code);
      return;
    }
    const value = deps.encoder.encode({
      source_topic: record.topic,
      source_partition: record.partition,
      source_offset: Number(record.offset),
      source_timestamp: Number(record.timestamp),
      model_name: deps.model.name,
      model_version: deps.model.version,
      model_sha256: deps.model.sha256,
      window_id: windowId,
      score: scored.row.score,
      label: scored.row.label,
      flag: scored.row.flag,
      scored_at: scoredAt,
    });
    out.predictions.push({ key: record.key, value, headers: NO_HEADERS });
  });
  for (const [partition, offset] of lastOffsets) partition.nextOffset = (BigInt(offset) + 1n).toString();
  const encodeMs = lap();
  return { partitions: [...byPartition.values()], timings: { decodeMs, featuresMs, inferenceMs, encodeMs }, rows: scoredRows.length };
}
