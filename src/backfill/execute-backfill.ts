import { systemClock } from '../clock.js';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import type { GroupOffsetsStore } from '../kafka/types.js';
import { startService, type RunningService, type ServiceOptions } from '../pipeline/service.js';
import type { BackfillIdentity } from './identity.js';
import { planBounds, type BackfillPlan } from './plan.js';
import { createProgressDisplay, type ProgressDisplay } from './progress-display.js';
import { BackfillProgress, type ProgressSnapshot } from './progress.js';
import { TokenBucket } from './rate-limit.js';
import type { BackfillIo } from './run-backfill.js';
import { backfillState } from './state.js';

/** How often the display is refreshed, and how often the group's committed offsets are read back. */
const TICK_MS = 1_000;
const POLL_MS = 5_000;
/** Below this, the limiter's debt is carried rather than held: a timer per record would cost more than it limits. */
const MIN_HOLD_MS = 50;
/** A pipeline with the rate-limit hook consults it within seconds of its first commit; this long without is a pipeline without. */

export interface ExecuteInputs {
  plan: BackfillPlan;
  /** The group's committed offsets before the run. */
  committed: Map<number, bigint>;
  /** The backfill's configuration (backfill-config.ts). */
  config: StreamscoreConfig;
  identity: BackfillIdentity;
  maxRate?: number;
  perPartition: boolean;
  groups: GroupOffsetsStore;
}

export interface ExecuteResult {
  outcome: 'finished' | 'interrupted';
  snapshot: ProgressSnapshot;
  stoppedCleanly: boolean;
}

type Ending = 'finished' | 'interrupted' | 'crashed' | 'failed';

const partitionOf = (key: string): number => Number(key.slice(key.lastIndexOf(':') + 1));

/**
 * Runs a plan as a bounded pipeline until every partition has committed its end, or until the
 * signal: then the window in flight commits (service.stop()) and the rest waits for a resume.
 */
export function executeBackfill(inputs: ExecuteInputs, io: BackfillIo): Promise<ExecuteResult> {
  return new BackfillRun(inputs, io).run();
}

/**
 * Progress comes from the pipeline's events, checked against the group's committed offsets every
 * few seconds: that also catches the end when `finished` fired before we listened, or when other
 * processes of the same backfill (same group) own some of the partitions.
 */
class BackfillRun {
  private readonly progress: BackfillProgress;
  private readonly display: ProgressDisplay;
  private readonly bucket: TokenBucket | undefined;
  private crash: string | undefined;
  /** A window could not be scored (the pipeline's fatal error): the backfill stops, resumable. */
  private failure: StreamscoreError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private service: RunningService | undefined;

  constructor(private readonly inputs: ExecuteInputs, private readonly io: BackfillIo) {
    this.progress = new BackfillProgress(inputs.plan, inputs.committed, systemClock);
    this.display = createProgressDisplay({ tty: io.tty, perPartition: inputs.perPartition, logger: io.logger, router: io.router });
    this.bucket = inputs.maxRate ? new TokenBucket(inputs.maxRate, systemClock) : undefined;
  }

  async run(): Promise<ExecuteResult> {
    const { config, identity, plan } = this.inputs;
    // --max-rate reaches the pipeline as its rateLimit hook (records → ms to hold the fetch loop).
    const options: ServiceOptions = { bounds: planBounds(plan), rateLimit: this.bucket ? (records) => this.limit(records) : undefined };
    this.io.logger.info({ backfill: identity.id, group: identity.group, window: config.window, maxRate: this.inputs.maxRate ?? 'none', output: config.output.topic, model: config.model.path }, 'backfill starting');
    try {
      if (!this.io.signal.aborted) this.service = await startService(config, this.io.logger, options);
      const ending: Ending = this.service ? await this.untilEnd(this.service) : 'interrupted';
      clearInterval(this.timer);
      const stoppedCleanly = this.service ? await this.service.stop() : true;
      this.service = undefined;
      // The last word is Kafka's: what the group has committed now.
      for (const [partition, offset] of await this.readCommitted()) this.progress.committedTo(partition, offset);
      const snapshot = this.progress.snapshot();
      this.display.stop(snapshot);
      if (ending === 'crashed') throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `the consumer stopped and will not restart (${this.crash}); run the same command again to resume`);
      if (ending === 'failed') throw this.failure!;
      return { outcome: this.progress.finished ? 'finished' : 'interrupted', snapshot, stoppedCleanly };
    } catch (error) {
      clearInterval(this.timer);
      await this.service?.stop().catch(() => undefined);
      this.display.stop(this.progress.snapshot());
      throw error;
    }
  }

  private limit(records: number): number {
    const wait = this.bucket!.take(records);
    return wait >= MIN_HOLD_MS ? wait : 0;
  }

  private untilEnd(service: RunningService): Promise<Ending> {
    const { pipeline } = service;
    return new Promise<Ending>((resolve) => {
      pipeline.on('committed', (e) => {
        this.progress.recordCommit(partitionOf(e.partition), BigInt(e.nextOffset), e);
        this.display.update(this.progress.snapshot());
      });
      pipeline.on('partitionReady', (e) => {
        if (e.committedOffset !== undefined) this.progress.committedTo(partitionOf(e.partition), BigInt(e.committedOffset));
      });
      pipeline.on('partitionDone', (e) => this.progress.partitionDone(partitionOf(e.partition)));
      pipeline.on('finished', () => resolve('finished'));
      pipeline.on('failed', () => {
        this.failure = pipeline.failed;
        resolve('failed');
      });
      pipeline.on('consumerCrash', ({ message, restarting }) => {
        if (restarting) return;
        this.crash = message;
        resolve('crashed');
      });
      if (this.io.signal.aborted) resolve('interrupted');
      this.io.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
      let lastPoll = Date.now();
      let polling = false;
      this.timer = setInterval(() => {
        this.display.update(this.progress.snapshot());
        if (polling || Date.now() - lastPoll < POLL_MS) return;
        polling = true;
        lastPoll = Date.now();
        this.readCommitted()
          .then((committed) => {
            for (const [partition, offset] of committed) this.progress.committedTo(partition, offset);
            if (backfillState(this.inputs.plan, committed).status === 'done') resolve('finished');
          })
          .catch((error) => this.io.logger.warn({ err: error }, 'reading the backfill\'s committed offsets failed; will try again'))
          .finally(() => { polling = false; });
      }, TICK_MS);
    });
  }

  private async readCommitted(): Promise<Map<number, bigint>> {
    const offsets = await this.inputs.groups.fetch(this.inputs.identity.group, this.inputs.plan.topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
  }
}
