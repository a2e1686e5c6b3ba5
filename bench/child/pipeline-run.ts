import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { validateConfig } from '../../src/config/load.js';
import { startService } from '../../src/pipeline/service.js';
import { LogTally } from './log-tally.js';
import { Meter, peakRssMb } from './meter.js';
import type { CaseResult, PipelineSpec } from './protocol.js';
import { StageRecorder } from './stage-recorder.js';

export interface PipelineControl {
  /** Tell the parent the pipeline owns every partition and is ready for input (latency mode). */
  ready(): void;
  /** Resolves when the parent asks the case to end (latency mode). */
  stopRequested: Promise<void>;
}

/**
 * Case 3 and the latency case: streamscore's pipeline exactly as `streamscore run` starts it
 * (startService), in this child process. Drain mode measures from the first fetched batch to
 * the commit that completes the topic; latency mode from "ready" to the parent's stop.
 */
export async function runPipeline(spec: PipelineSpec, control: PipelineControl): Promise<CaseResult> {
  const meter = new Meter(spec.brokerPid);
  const config = validateConfig(spec.config, {}, spec.baseDir);
  const tally = new LogTally();
  const logger = pino({ level: 'warn', base: null }, tally.pinoDestination());
  const service = await startService(config, logger);
  const recorder = new StageRecorder();
  let drained!: () => void;
  const done = new Promise<void>((resolve) => { drained = resolve; });
  recorder.attach(service.pipeline, () => {
    if (spec.mode === 'drain' && recorder.committedRecords >= spec.expectedRecords) {
      meter.stop();
      drained();
    }
  });
  let metricsEventLoopP99Ms: number;
  try {
    if (spec.mode === 'drain') {
      // The first records reach the pipeline right after its partitions are initialised.
      service.pipeline.once('lag', () => meter.start());
      service.pipeline.once('windowClosed', () => meter.start());
      await done;
    } else {
      while (!(service.pipeline.isReady && service.pipeline.ownedPartitions.length === spec.expectedPartitions)) await sleep(50);
      meter.start();
      control.ready();
      await control.stopRequested;
      meter.stop();
    }
    metricsEventLoopP99Ms = service.metrics.eventLoopP99Ms();
  } finally {
    await service.stop();
  }
  const measured = meter.read();
  if (spec.mode === 'drain' && recorder.deadLetters > 0) {
    throw new Error(`${recorder.deadLetters} of ${recorder.committedRecords} records were dead-lettered: the input does not decode (a wiped registry? rerun with --fresh-data)`);
  }
  return {
    records: recorder.committedRecords,
    ...measured,
    peakRssMb: peakRssMb(),
    metricsEventLoopP99Ms,
    ...recorder.summarise(measured.drainMs),
    deadLetters: recorder.deadLetters,
    logged: tally.counts,
  };
}
