import avro from 'avsc';
import { systemClock } from '../clock.js';
import { schemaIdOf } from '../codec/avro-decoder.js';
import { WIRE_HEADER_BYTES, type Registry } from '../codec/registry.js';
import type { StreamscoreConfig } from '../config/types.js';
import type { ModelFacts } from '../model/model-check.js';
import { WindowScorer } from '../pipeline/window-scorer.js';
import type { InputRecord } from '../records/types.js';
import type { SideResult } from './diff-stats.js';

/**
 * One model scoring records for the diff through the pipeline's own scoring path (WindowScorer: a
 * worker thread doing decode → features → one model run → encode, exactly as `run` does), with the
 * answers turned back into one SideResult per record.
 *
 * The worker encodes predictions with the prediction schema; nothing registers it or sends them
 * anywhere: they are decoded again right here (schema id 0 in the frame is never looked up).
 */
export class ModelScorer {
  private windows = 0;

  private constructor(private readonly scorer: WindowScorer, private readonly predictionType: avro.Type, readonly facts: ModelFacts, readonly threshold: number | null, private readonly role: string) {}

  static async start(role: string, config: StreamscoreConfig, facts: ModelFacts, options: { threshold: number | undefined; readerSchema?: avro.Schema; predictionSchema: avro.Schema; registry: Registry }): Promise<ModelScorer> {
    const outputs = { ...config.model.outputs, threshold: options.threshold };
    const scorer = await WindowScorer.start({
      modelBytes: facts.bytes,
      outputNames: [outputs.score.name, ...(outputs.label ? [outputs.label.name] : [])],
      intraOpThreads: config.model.intraOpThreads,
      maxBatch: facts.fixedBatch ?? config.model.maxBatch,
      fixedBatch: facts.fixedBatch !== undefined,
      inputShapes: config.model.inputs.map((i) => ({ name: i.name, dtype: i.dtype, columns: i.columns.length })),
      features: config.model.inputs,
      outputs,
      codec: config.input.codec,
      readerSchema: options.readerSchema as object | undefined,
      prediction: { schema: options.predictionSchema as object, schemaId: 0 },
      model: { name: config.model.name, version: `${config.model.version}-${role}`, sha256: facts.sha256 },
      systemicRatio: config.model.failures.systemicRatio,
    }, { workers: 1, registry: options.registry, respawns: config.model.workerRespawns, clock: systemClock });
    return new ModelScorer(scorer, avro.Type.forSchema(options.predictionSchema), facts, options.threshold ?? null, role);
  }

  /** Scores the records; the answers are in the records' order. Throws what WindowScorer throws (systemic failure, worker limit). */
  async score(records: readonly InputRecord[]): Promise<SideResult[]> {
    const windowId = `diff-${this.role}-${this.windows++}`;
    const scored = await this.scorer.score(records, windowId);
    const byRecord = new Map<string, SideResult>();
    for (const output of scored.partitions) {
      for (const prediction of output.predictions) {
        const value = prediction.value!;
        if (schemaIdOf(value) === undefined) throw new Error('a prediction without the wire-format header');
        const p = this.predictionType.fromBuffer(value.subarray(WIRE_HEADER_BYTES)) as { source_partition: number; source_offset: number; score: number; flag: boolean | null };
        byRecord.set(`${p.source_partition}:${p.source_offset}`, { ok: true, score: p.score, flag: p.flag });
      }
      for (const letter of output.deadLetters) {
        const header = (name: string) => String(letter.headers[name]);
        byRecord.set(`${header('streamscore.error.partition')}:${header('streamscore.error.offset')}`, { ok: false, code: header('streamscore.error.code') });
      }
    }
    return records.map((r) => byRecord.get(`${r.partition}:${r.offset}`) ?? { ok: false, code: 'ERR_PIPELINE_WINDOW_FAILED' });
  }

  async close(): Promise<void> {
    await this.scorer.close();
  }
}
