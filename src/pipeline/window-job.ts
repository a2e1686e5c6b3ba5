import { performance } from 'node:perf_hooks';
import avro from 'avsc';
import { AvroDecoder } from '../codec/avro-decoder.js';
import type { DecodableRecord, Decoder } from '../codec/decoder.js';
import { JsonDecoder } from '../codec/json-decoder.js';
import { StreamscoreError } from '../errors.js';
import { FeatureMapper } from '../features/feature-mapper.js';
import { runIsolatingFailures } from '../model/isolating-run.js';
import { bisectionBudget } from '../model/systemic-failure.js';
import { ModelSession } from '../model/model-session.js';
import { mapOutputs, type MappedOutput } from '../model/output-mapper.js';
import { PredictionEncoder } from '../sink/prediction-encoder.js';
import type { ModelRunReport, RecordFailure, WindowRequest, WindowResponse, WindowWorkerInit } from './window-protocol.js';

/**
 * The CPU work of one window, on a scoring worker thread: decode → features → one model run →
 * encode. Every record comes back as one encoded prediction or one failure (a dead letter to be).
 * Nothing here does I/O: the main thread has already fetched the writer schemas the window needs.
 */
export class WindowJob {
  private readonly writerTypes = new Map<number, avro.Type>();
  private readonly decoder: Decoder;
  private readonly features: FeatureMapper;
  private readonly encoder: PredictionEncoder;

  private constructor(private readonly init: WindowWorkerInit, private readonly model: ModelSession) {
    this.decoder = init.codec === 'avro'
      ? new AvroDecoder(avro.Type.forSchema(init.readerSchema as avro.Schema), { writerType: async (id) => this.writerTypes.get(id) })
      : new JsonDecoder();
    this.features = new FeatureMapper(init.features);
    this.encoder = PredictionEncoder.forRegistered(init.prediction.schema as avro.Schema, init.prediction.schemaId);
  }

  static async create(init: WindowWorkerInit): Promise<WindowJob> {
    const model = await ModelSession.create({
      modelBytes: init.modelBytes, intraOpThreads: init.intraOpThreads, outputNames: init.outputNames,
      maxBatch: init.maxBatch, fixedBatch: init.fixedBatch, inputs: init.inputShapes,
    });
    return new WindowJob(init, model);
  }

  /** `onBisect` is called when the window's model run throws, before bisecting it (for logs). */
  async run(request: WindowRequest, onBisect: (message: string) => void = () => undefined): Promise<WindowResponse> {
    let mark = performance.now();
    const lap = (): number => { const t = performance.now(); const d = t - mark; mark = t; return d; };

    for (const [id, schema] of request.writerSchemas) {
      if (schema !== null && !this.writerTypes.has(id)) this.writerTypes.set(id, avro.Type.forSchema(JSON.parse(schema) as avro.Schema));
    }
    const records = unpackRecords(request);
    const decoded = await this.decoder.decode(records);
    const decodeMs = lap();

    const failures = new Map<number, StreamscoreError>();
    const valueIndex: number[] = [];
    const values: Record<string, unknown>[] = [];
    decoded.forEach((result, i) => {
      if (result.ok) { valueIndex.push(i); values.push(result.value); } else failures.set(i, result.error);
    });
    const mapped = this.features.map(values);
    for (const [v, error] of mapped.failures) failures.set(valueIndex[v], error);
    const featuresMs = lap();

    const scoredRows = mapped.rows.map((v) => valueIndex[v]);
    // Indexed by record: the model's output for that record, if it was scored.
    const scores = new Array<MappedOutput | undefined>(records.length);
    const model: ModelRunReport = { runs: 0, failedRows: 0, gaveUp: false };
    if (scoredRows.length) {
      let bisecting = false;
      const run = this.model.score.bind(this.model);
      const isolated = await runIsolatingFailures(async (tensors) => {
        try {
          return await run(tensors);
        } catch (error) {
          model.firstError ??= (error as Error).message;
          if (!bisecting) onBisect(model.firstError);
          bisecting = true;
          throw error;
        }
      }, mapped.tensors, bisectionBudget(scoredRows.length, this.init.systemicRatio));
      Object.assign(model, { runs: isolated.runs, failedRows: isolated.failedRows.size, gaveUp: isolated.gaveUp });
      if (isolated.gaveUp) return { id: request.id, ok: true, predictions: new Uint8Array(0), predictionEnds: new Int32Array(records.length), flags: new Uint8Array(records.length), failures: [], rows: scoredRows.length, model, timings: { decodeMs, featuresMs, inferenceMs: lap(), encodeMs: 0 } };
      for (const part of isolated.parts) {
        mapOutputs(part.outputs, part.end - part.start, this.init.outputs).forEach((out, i) => { scores[scoredRows[part.start + i]] = out; });
      }
      for (const [row, message] of isolated.failedRows) {
        failures.set(scoredRows[row], new StreamscoreError('ERR_MODEL_RUN', `The model run throws for this record: ${message}`, { stage: 'model' }));
      }
    }
    const inferenceMs = lap();

    const scoredAt = Date.now();
    const encoded: Buffer[] = [];
    const predictionEnds = new Int32Array(records.length);
    const flags = new Uint8Array(records.length);
    let end = 0;
    records.forEach((record, i) => {
      const scored = scores[i];
      if (scored?.ok && !failures.has(i)) {
        const value = this.encoder.encode({
          source_topic: record.topic,
          source_partition: record.partition,
          source_offset: request.offsets[i],
          source_timestamp: request.timestamps[i],
          model_name: this.init.model.name,
          model_version: this.init.model.version,
          model_sha256: this.init.model.sha256,
          window_id: request.windowId,
          score: scored.row.score,
          label: scored.row.label,
          flag: scored.row.flag,
          scored_at: scoredAt,
        });
        encoded.push(value);
        end += value.length;
        if (scored.row.flag) flags[i] = 1;
      } else if (scored && !scored.ok && !failures.has(i)) {
        failures.set(i, scored.error);
      }
      predictionEnds[i] = end;
    });
    const predictions = Buffer.concat(encoded, end);
    const encodeMs = lap();

    const failed: RecordFailure[] = [...failures].map(([index, error]) => ({ index, code: error.code, message: error.message, stage: error.stage }));
    return { id: request.id, ok: true, predictions, predictionEnds, flags, failures: failed, rows: scoredRows.length, model, timings: { decodeMs, featuresMs, inferenceMs, encodeMs } };
  }
}

function unpackRecords(request: WindowRequest): DecodableRecord[] {
  const records: DecodableRecord[] = [];
  let start = 0;
  for (let i = 0; i < request.valueEnds.length; i++) {
    const end = request.valueEnds[i];
    records.push({
      topic: request.topics[request.topicIndex[i]],
      partition: request.partitions[i],
      offset: String(request.offsets[i]),
      value: request.nullValue[i] ? null : Buffer.from(request.values.buffer, request.values.byteOffset + start, end - start),
    });
    start = end;
  }
  return records;
}
