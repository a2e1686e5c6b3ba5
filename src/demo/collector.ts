/**
 * What a downstream read_committed consumer sees of one scenario: the input records (their ground
 * truth headers and append times) and the predictions (score, flag, lineage, and when they became
 * visible). Predictions join inputs by source partition and offset (DESIGN.md §6, lineage).
 */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { WIRE_HEADER_BYTES } from '../codec/registry.js';
import { readTruth, type Truth } from '../generate/truth-headers.js';
import type { ScenarioName } from '../generate/scenarios.js';
import type { InputRecord } from '../records/types.js';
import type { Prediction } from '../sink/prediction-encoder.js';

export interface SeenInput extends Truth {
  /** The input's Kafka timestamp (append time on the demo's topics). */
  timestamp: number;
}

export interface SeenPrediction {
  score: number;
  flag: boolean;
  sourceTimestamp: number;
  /** Wall-clock time the prediction reached the read_committed consumer. */
  visibleAt: number;
}

export class ScenarioCollector {
  readonly inputs = new Map<string, SeenInput>();
  readonly predictions = new Map<string, SeenPrediction>();
  deadLetters = 0;
  /** Predictions for a source record that already had one: must stay 0 (exactly once). */
  duplicates = 0;
  /** Input records without truth headers, or predictions that could not be decoded: must stay 0. */
  malformed = 0;
  /** Told of each first prediction of a record (the demo feeds the status page's flag rate and end-to-end latency). */
  onPrediction: ((prediction: SeenPrediction) => void) | undefined;
  private readonly predictionType: avro.Type;

  constructor(readonly scenario: ScenarioName, readonly topics: { input: string; output: string; deadLetters: string }, predictionSchemaFile: string) {
    this.predictionType = avro.Type.forSchema(JSON.parse(readFileSync(predictionSchemaFile, 'utf8')) as avro.Schema);
  }

  owns(topic: string): boolean {
    return topic === this.topics.input || topic === this.topics.output || topic === this.topics.deadLetters;
  }

  add(records: readonly InputRecord[], receivedAt: number): void {
    for (const record of records) {
      if (record.topic === this.topics.input) this.addInput(record);
      else if (record.topic === this.topics.output) this.addPrediction(record, receivedAt);
      else if (record.topic === this.topics.deadLetters) this.deadLetters++;
    }
  }

  /** Inputs that have a prediction or went to the dead-letter topic. */
  get accountedFor(): number {
    return this.predictions.size + this.deadLetters;
  }

  private addInput(record: InputRecord): void {
    const truth = readTruth(this.scenario, record.headers);
    if (!truth) {
      this.malformed++;
      return;
    }
    this.inputs.set(`${record.partition}:${record.offset}`, { ...truth, timestamp: Number(record.timestamp) });
  }

  private addPrediction(record: InputRecord, receivedAt: number): void {
    let prediction: Prediction;
    try {
      // The pipeline writes exactly this schema (config output.schema): the registry id can be skipped.
      prediction = this.predictionType.fromBuffer(record.value!.subarray(WIRE_HEADER_BYTES)) as Prediction;
    } catch {
      this.malformed++;
      return;
    }
    const source = `${prediction.source_partition}:${prediction.source_offset}`;
    if (this.predictions.has(source)) {
      this.duplicates++;
      return;
    }
    const seen: SeenPrediction = { score: prediction.score, flag: prediction.flag === true, sourceTimestamp: prediction.source_timestamp, visibleAt: receivedAt };
    this.predictions.set(source, seen);
    this.onPrediction?.(seen);
  }
}
