import type { KafkaClientName } from '../src/kafka/types.js';
import type { StageTimes } from './child/protocol.js';
import type { RunRecord } from './context.js';
import type { LatencyRun } from './cases/latency.js';
import { median, sum } from './stats.js';

/** The medians of one case over its repetitions. */
export interface CaseSummary {
  caseId: string;
  runs: number;
  records: number;
  recordsPerSec: number;
  /** Every run's records/s, in run order (shows the spread). */
  recordsPerSecRuns: number[];
  cpuSecPer1k: number;
  brokerCpuSecPer1k?: number;
  /** Cores the whole machine kept busy while the case drained (median). */
  machineBusyCores?: number;
  /** The most foreign load (cores busy with other people's work) seen in any run of the case. */
  maxForeignCores?: number;
  peakRssMb: number;
  eventLoopP99Ms?: number;
  metricsEventLoopP99Ms?: number;
  meanWindowRecords?: number;
  commitP50Ms?: number;
  commitP99Ms?: number;
  /** Share of the drain time per stage (0..1), from all runs' stage times together. */
  stageShares?: StageTimes;
}

export interface LatencySummary {
  client: KafkaClientName;
  /** Input rate as a fraction of pipeline@1000's drain rate (of the same client). */
  fraction: number;
  runs: number;
  targetRate: number;
  achievedRate: number;
  outputRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  commitP50Ms: number;
  commitP99Ms: number;
  metricsEventLoopP99Ms: number;
  eventLoopP99Ms: number;
  cpuSecPer1k: number;
  meanWindowRecords: number;
  maxForeignCores?: number;
  stageShares?: StageTimes;
}

function optionalMedian(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length ? median(present) : undefined;
}

function maxOf(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length ? Math.max(...present) : undefined;
}

function stageShares(runs: RunRecord[]): StageTimes | undefined {
  const withStages = runs.filter((r) => r.stages);
  if (!withStages.length) return undefined;
  const wall = sum(withStages.map((r) => r.drainMs));
  const keys = Object.keys(withStages[0].stages!) as (keyof StageTimes)[];
  return Object.fromEntries(keys.map((k) => [k, sum(withStages.map((r) => r.stages![k])) / wall])) as unknown as StageTimes;
}

export function summariseCase(caseId: string, runs: RunRecord[]): CaseSummary {
  return {
    caseId,
    runs: runs.length,
    records: median(runs.map((r) => r.records)),
    recordsPerSec: median(runs.map((r) => r.recordsPerSec)),
    recordsPerSecRuns: runs.map((r) => r.recordsPerSec),
    cpuSecPer1k: median(runs.map((r) => r.cpuSecPer1k)),
    brokerCpuSecPer1k: optionalMedian(runs.map((r) => r.brokerCpuSecPer1k)),
    machineBusyCores: optionalMedian(runs.map((r) => r.machineBusyCores)),
    maxForeignCores: maxOf(runs.map((r) => r.foreignCores)),
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    eventLoopP99Ms: optionalMedian(runs.map((r) => r.eventLoopP99Ms)),
    metricsEventLoopP99Ms: optionalMedian(runs.map((r) => r.metricsEventLoopP99Ms)),
    meanWindowRecords: optionalMedian(runs.map((r) => r.windows?.meanRecords)),
    commitP50Ms: optionalMedian(runs.map((r) => r.commitMs?.p50)),
    commitP99Ms: optionalMedian(runs.map((r) => r.commitMs?.p99)),
    stageShares: stageShares(runs),
  };
}

export function summariseLatency(client: KafkaClientName, fraction: number, runs: LatencyRun[]): LatencySummary | undefined {
  if (!runs.length) return undefined;
  return {
    client,
    fraction,
    runs: runs.length,
    targetRate: median(runs.map((r) => r.latency.targetRate)),
    achievedRate: median(runs.map((r) => r.latency.achievedRate)),
    outputRate: median(runs.map((r) => r.latency.outputRate)),
    p50Ms: median(runs.map((r) => r.latency.p50Ms)),
    p99Ms: median(runs.map((r) => r.latency.p99Ms)),
    maxMs: median(runs.map((r) => r.latency.maxMs)),
    commitP50Ms: median(runs.map((r) => r.commitMs?.p50 ?? Number.NaN)),
    commitP99Ms: median(runs.map((r) => r.commitMs?.p99 ?? Number.NaN)),
    metricsEventLoopP99Ms: median(runs.map((r) => r.metricsEventLoopP99Ms ?? Number.NaN)),
    eventLoopP99Ms: median(runs.map((r) => r.eventLoopP99Ms ?? Number.NaN)),
    cpuSecPer1k: median(runs.map((r) => r.cpuSecPer1k)),
    meanWindowRecords: median(runs.map((r) => r.windows?.meanRecords ?? Number.NaN)),
    maxForeignCores: maxOf(runs.map((r) => r.foreignCores)),
    stageShares: stageShares(runs),
  };
}
