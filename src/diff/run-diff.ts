import avro from 'avsc';
import type { Logger } from 'pino';
import { planBackfill } from '../backfill/planner.js';
import { planTotal, type BackfillPlan } from '../backfill/plan.js';
import type { LogRouter } from '../backfill/progress-display.js';
import { createProgressDisplay } from '../backfill/progress-display.js';
import { BackfillProgress } from '../backfill/progress.js';
import { checkBounds, type Bound } from '../backfill/range.js';
import { systemClock } from '../clock.js';
import { AvroDecoder } from '../codec/avro-decoder.js';
import { Registry } from '../codec/registry.js';
import type { StreamscoreConfig } from '../config/types.js';
import { isStreamscoreError, StreamscoreError } from '../errors.js';
import { asKafkaError } from '../kafka/errors.js';
import { openKafkaClient } from '../kafka/open-client.js';
import type { KafkaClient } from '../kafka/types.js';
import { checkModel, type ModelFacts } from '../model/model-check.js';
import { preflight } from '../pipeline/service.js';
import type { InputRecord } from '../records/types.js';
import { DiffStats, type SideResult } from './diff-stats.js';
import type { DiffReport } from './diff-report.js';
import { Gate } from './gate.js';
import { ModelScorer } from './model-scorer.js';
import { RangeReader, type OffsetRange } from './range-reader.js';
import { ScoreJoin, type Joined } from './score-join.js';
import { truthOf } from './truth.js';

export interface DiffRequest {
  config: StreamscoreConfig;
  topic: string;
  from: Bound;
  to: Bound;
  /** The candidate model file; the champion is the config's model.path. */
  candidateModel: string;
  /** The candidate's flag threshold (default: the config's model.outputs.threshold). */
  candidateThreshold?: number;
  /** The predictions topic holding the champion's recorded predictions. */
  against?: string;
  windowRecords: number;
  /** Records held by the join on either side before that side's reader waits (memory bound). */
  maxPending?: number;
}

export interface DiffIo {
  logger: Logger;
  router: LogRouter;
  tty: boolean;
  print(text: string): void;
  /** Aborted on SIGINT/SIGTERM: stop reading, finish the window in flight, report what was done. */
  signal: AbortSignal;
}

export const DIFF_WINDOW_RECORDS = 5_000;
const DEFAULT_MAX_PENDING = 100_000;
const TICK_MS = 1_000;

interface Pending {
  record: InputRecord;
  truth: ReturnType<typeof truthOf>;
}

/** A refused range is the diff's own refusal (ERR_DIFF_RANGE), not a backfill's. */
function asDiffRange(error: unknown): unknown {
  if (isStreamscoreError(error) && error.code === 'ERR_BACKFILL_RANGE') return new StreamscoreError('ERR_DIFF_RANGE', error.message, { cause: error });
  return error;
}

async function candidateFacts(config: StreamscoreConfig, path: string): Promise<ModelFacts> {
  try {
    return await checkModel({ ...config.model, path });
  } catch (error) {
    if (isStreamscoreError(error) && error.code === 'ERR_MODEL_MISMATCH') {
      throw new StreamscoreError('ERR_DIFF_MODEL_MISMATCH', `--model ${path} does not fit the config's model contract (model.inputs / model.outputs): ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * `streamscore diff`: rescores a fixed range of the input topic with a candidate model and compares
 * each score with the champion's, recorded in a predictions topic (`--against`) or scored in the
 * same run. Writes to no topic and commits no offset; memory is bounded (see score-join.ts).
 */
export async function runDiff(request: DiffRequest, io: DiffIo): Promise<{ report: DiffReport; empty: boolean }> {
  const { config, topic } = request;
  try {
    checkBounds(topic, request.from, request.to);
  } catch (error) {
    throw asDiffRange(error);
  }
  if (request.against === topic) throw new StreamscoreError('ERR_DIFF_USAGE', `--against ${topic} is the input topic; name the topic holding the champion's predictions (e.g. ${config.output.topic})`);
  const { model: championFacts, readerSchema, predictionSchema } = await preflight(config);
  const candidate = await candidateFacts(config, request.candidateModel);

  const kafka = openKafkaClient(config.kafka, io.logger, '-diff');
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw asKafkaError(error, `Connecting to ${config.kafka.brokers.join(',')}`);
  }
  try {
    await admin.requireTopics([topic]);
    let predictionRanges: OffsetRange[] = [];
    if (request.against) {
      if (!(await admin.listTopics()).includes(request.against)) {
        throw new StreamscoreError('ERR_TOPIC_MISSING', `--against ${request.against}: the predictions topic does not exist (the config's output topic is ${config.output.topic})`);
      }
      predictionRanges = (await admin.partitionOffsets(request.against)).map((o) => ({ partition: o.partition, start: BigInt(o.low), end: BigInt(o.high) }));
    }
    let planned;
    try {
      planned = await planBackfill(admin, topic, request.from, request.to, Date.now());
    } catch (error) {
      throw asDiffRange(error);
    }
    for (const warning of planned.warnings) io.print(`warning: ${warning}`);
    const run = new DiffRun(request, io, kafka, planned.plan, predictionRanges, { champion: championFacts, candidate, readerSchema, predictionSchema });
    return await run.run();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

interface Models {
  champion: ModelFacts;
  candidate: ModelFacts;
  readerSchema?: avro.Schema;
  predictionSchema: avro.Schema;
}

class DiffRun {
  private readonly registry: Registry;
  private readonly stats: DiffStats;
  private readonly join: ScoreJoin<Pending> | undefined;
  private readonly gate = new Gate();
  private readonly queue: InputRecord[] = [];
  private readonly championQueue: Joined<Pending>[] = [];
  private readonly progress: BackfillProgress;
  private readonly recordedModels = new Set<string>();
  private candidateScorer: ModelScorer | undefined;
  private championScorer: ModelScorer | undefined;
  private inputDone = false;
  /** Each reader is waiting for room (see widenIfStuck). */
  private inputWaits = false;
  private recordedWaits = false;
  private recordedDone = false;
  private maxPending: number;
  private recordsRead = 0;
  private failure: unknown;
  private readonly startedAt = Date.now();

  constructor(private readonly request: DiffRequest, private readonly io: DiffIo, private readonly kafka: KafkaClient, private readonly plan: BackfillPlan, private readonly predictionRanges: OffsetRange[], private readonly models: Models) {
    const { config } = request;
    this.registry = new Registry({ url: config.schemaRegistry.url!, username: config.schemaRegistry.username, password: config.schemaRegistry.password });
    this.stats = new DiffStats({ champion: config.model.outputs.threshold ?? null, candidate: request.candidateThreshold ?? config.model.outputs.threshold ?? null });
    this.join = request.against ? new ScoreJoin(plan.topic, plan.partitions, predictionRanges.map((r) => r.partition)) : undefined;
    this.progress = new BackfillProgress(plan, new Map(), systemClock);
    this.maxPending = request.maxPending ?? DEFAULT_MAX_PENDING;
  }

  async run(): Promise<{ report: DiffReport; empty: boolean }> {
    const { plan, io } = this;
    const total = planTotal(plan);
    io.print(`diff: ${plan.topic} from ${plan.from} to ${plan.to}: ${total.toLocaleString('en-US')} offsets in ${plan.partitions.length} partition(s); champion ${this.request.against ? `recorded in ${this.request.against} (scored here where it has none)` : 'scored here'}`);
    if (total === 0n || io.signal.aborted) return { report: this.report(io.signal.aborted), empty: total === 0n };

    const scoring = { readerSchema: this.models.readerSchema, predictionSchema: this.models.predictionSchema, registry: this.registry };
    const { config } = this.request;
    this.candidateScorer = await ModelScorer.start('candidate', config, this.models.candidate, { ...scoring, threshold: this.request.candidateThreshold ?? config.model.outputs.threshold });
    if (!this.join) this.championScorer = await ModelScorer.start('champion', config, this.models.champion, { ...scoring, threshold: config.model.outputs.threshold });

    const display = createProgressDisplay({ tty: io.tty, perPartition: false, logger: io.logger, router: io.router });
    const timer = setInterval(() => display.update(this.progress.snapshot()), TICK_MS);
    const readerOptions = { sessionTimeoutMs: config.kafka.sessionTimeoutMs, heartbeatIntervalMs: config.kafka.heartbeatIntervalMs };
    const input = new RangeReader(this.kafka, { ...readerOptions, topic: plan.topic, ranges: plan.partitions, groupPrefix: `${config.appId}.diff` });
    const recorded = this.request.against
      ? new RangeReader(this.kafka, { ...readerOptions, topic: this.request.against, ranges: this.predictionRanges, groupPrefix: `${config.appId}.diff.against` }, (q) => { this.join!.predictionPartitionDone(q); this.gate.notify(); })
      : undefined;
    const onAbort = () => this.gate.release();
    io.signal.addEventListener('abort', onAbort, { once: true });
    try {
      void input.done.then(() => { this.inputDone = true; this.gate.notify(); }, (error) => this.fatal(error));
      if (recorded) void recorded.done.then(() => { this.recordedDone = true; this.gate.notify(); }, (error) => this.fatal(error));
      else this.recordedDone = true;
      const decoder = new AvroDecoder(avro.Type.forSchema(this.models.predictionSchema), this.registry);
      await Promise.all([
        input.start((records) => this.onInput(records)),
        recorded?.start((records) => this.onRecorded(records, decoder)),
      ]);
      await this.scoreLoop();
      if (this.failure) throw this.failure;
      const interrupted = io.signal.aborted;
      if (!interrupted) {
        this.join?.finish();
        await this.drainJoin(true);
      }
      return { report: this.report(interrupted), empty: false };
    } finally {
      io.signal.removeEventListener('abort', onAbort);
      clearInterval(timer);
      display.stop(this.progress.snapshot());
      await Promise.all([input.stop(), recorded?.stop()]);
      await this.candidateScorer?.close();
      await this.championScorer?.close();
    }
  }

  private fatal(error: unknown): void {
    this.failure ??= error;
    this.gate.release();
  }

  private get stopping(): boolean {
    return this.io.signal.aborted || this.failure !== undefined;
  }

  /** The input reader's batches: queued for scoring; the reader waits while the queue or the join is full. */
  private async onInput(records: InputRecord[]): Promise<void> {
    this.queue.push(...records);
    this.recordsRead += records.length;
    this.gate.notify();
    this.inputWaits = true;
    this.widenIfStuck();
    await this.gate.until(() => this.stopping || (this.queue.length < 2 * this.request.windowRecords && (this.recordedDone || (this.join?.pendingCandidates ?? 0) < this.maxPending)));
    this.inputWaits = false;
  }

  /** The predictions topic's batches: decoded and joined; the reader waits while the join holds too many. */
  private async onRecorded(records: InputRecord[], decoder: AvroDecoder): Promise<void> {
    const join = this.join!;
    const decoded = await decoder.decode(records);
    decoded.forEach((result, i) => {
      if (!result.ok) {
        join.counts.recordedOutsideRange++;
        this.io.logger.warn({ partition: records[i]!.partition, offset: records[i]!.offset, code: result.error.code }, 'a record of the predictions topic is not a prediction; skipped');
        return;
      }
      const p = result.value as { source_topic: string; source_partition: number; source_offset: number; score: number; flag: boolean | null; model_sha256: string };
      if (this.recordedModels.size < 10) this.recordedModels.add(p.model_sha256);
      join.addRecorded(records[i]!.partition, p.source_topic, p.source_partition, BigInt(p.source_offset), { score: p.score, flag: p.flag, modelSha256: p.model_sha256 });
    });
    this.gate.notify();
    this.recordedWaits = true;
    this.widenIfStuck();
    await this.gate.until(() => this.stopping || this.inputDone || join.pendingRecorded < this.maxPending);
    this.recordedWaits = false;
  }

  /**
   * Both readers waiting on the join at once: the predictions topic is ordered far from the input
   * (e.g. one source partition's predictions all before another's). Neither side can drain the
   * other, so the bound is doubled, with a warning, rather than stopping.
   */
  private widenIfStuck(): void {
    if (!this.join || !this.inputWaits || !this.recordedWaits) return;
    if (this.join.pendingCandidates >= this.maxPending && this.join.pendingRecorded >= this.maxPending) {
      this.maxPending *= 2;
      this.io.logger.warn({ maxPending: this.maxPending }, 'the predictions topic is far out of step with the input: the join holds more records in memory');
      this.gate.notify();
    }
  }

  private async scoreLoop(): Promise<void> {
    const size = this.request.windowRecords;
    for (;;) {
      await this.gate.until(() => this.stopping || this.queue.length >= size || this.inputDone);
      if (this.stopping || (this.inputDone && this.queue.length === 0)) break;
      const window = this.queue.splice(0, size);
      this.gate.notify();
      await this.scoreWindow(window);
    }
    if (this.stopping) return;
    // The input is read: what the join still waits for comes from the predictions topic alone.
    await this.gate.until(() => this.stopping || this.recordedDone);
    await this.drainJoin(false);
  }

  private async scoreWindow(records: InputRecord[]): Promise<void> {
    const [candidate, champion] = await Promise.all([this.candidateScorer!.score(records), this.championScorer && !this.join ? this.championScorer.score(records) : undefined]);
    const perPartition = new Map<number, { next: bigint; records: number; scored: number }>();
    records.forEach((record, i) => {
      const truth = truthOf(record);
      if (champion) this.stats.add({ partition: record.partition, offset: record.offset, candidate: candidate[i]!, champion: champion[i]!, championSource: 'recomputed', truth });
      else this.join!.addCandidate(record.partition, BigInt(record.offset), candidate[i]!, { record, truth });
      const counts = perPartition.get(record.partition) ?? { next: 0n, records: 0, scored: 0 };
      counts.next = BigInt(record.offset) + 1n;
      counts.records++;
      if (candidate[i]!.ok) counts.scored++;
      perPartition.set(record.partition, counts);
    });
    // Progress counts offsets rescored by the candidate (what the bar and its ETA follow).
    for (const [partition, c] of perPartition) this.progress.recordCommit(partition, c.next, { records: c.records, predictions: c.scored, deadLetters: c.records - c.scored });
    if (this.join) await this.drainJoin(false);
    this.io.logger.debug({ records: records.length, pendingCandidates: this.join?.pendingCandidates, pendingRecorded: this.join?.pendingRecorded }, 'diff window scored');
    this.gate.notify();
  }

  /** Joined records into the statistics; those without a recorded prediction get the champion scored here, a window at a time. */
  private async drainJoin(final: boolean): Promise<void> {
    if (!this.join) return;
    for (const joined of this.join.take()) {
      if (joined.recorded) {
        const { score, flag } = joined.recorded;
        this.addRow(joined, { ok: true, score, flag }, 'recorded');
      } else {
        this.championQueue.push(joined);
      }
    }
    while (this.championQueue.length >= this.request.windowRecords || (final && this.championQueue.length > 0)) {
      const batch = this.championQueue.splice(0, this.request.windowRecords);
      const { config } = this.request;
      this.championScorer ??= await ModelScorer.start('champion', config, this.models.champion, {
        readerSchema: this.models.readerSchema, predictionSchema: this.models.predictionSchema, registry: this.registry, threshold: config.model.outputs.threshold,
      });
      // Scored in offset order per partition, as the pipeline would.
      const results = await this.championScorer.score(batch.map((j) => j.payload.record));
      batch.forEach((joined, i) => this.addRow(joined, results[i]!, 'recomputed'));
    }
    this.gate.notify();
  }

  private addRow(joined: Joined<Pending>, champion: SideResult, source: 'recorded' | 'recomputed'): void {
    this.stats.add({ partition: joined.partition, offset: joined.offset.toString(), candidate: joined.candidate, champion, championSource: source, truth: joined.payload.truth });
  }

  private report(interrupted: boolean): DiffReport {
    const { config, against, candidateModel, candidateThreshold } = this.request;
    return {
      reportVersion: 1,
      createdAt: new Date().toISOString(),
      topic: this.plan.topic,
      range: { from: this.plan.from, to: this.plan.to, partitions: this.plan.partitions.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString() })) },
      recordsRead: this.recordsRead,
      champion: { path: config.model.path, sha256: this.models.champion.sha256, threshold: config.model.outputs.threshold ?? null, recordedIn: against ?? null, recordedModelSha256: [...this.recordedModels] },
      candidate: { path: candidateModel, sha256: this.models.candidate.sha256, threshold: candidateThreshold ?? config.model.outputs.threshold ?? null },
      join: this.join ? { ...this.join.counts } : null,
      ...this.stats.summary(),
      interrupted,
      elapsedMs: Date.now() - this.startedAt,
    };
  }
}
