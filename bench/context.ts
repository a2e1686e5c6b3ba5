import type { KafkaClient, OffsetsAdmin, TopicAdmin } from '../src/kafka/types.js';
import type { CaseUsage } from './cases/measure-case.js';
import type { CaseResult } from './child/protocol.js';
import type { Dataset } from './dataset.js';
import type { BenchEnvironment } from './environment.js';
import type { BenchOptions } from './options.js';

/** What every case runner gets: endpoints, a shared admin client, the preloaded topics. */
export interface BenchContext {
  options: BenchOptions;
  env: BenchEnvironment;
  /** The bench's own client for set-up (topics, preloading, the latency case's reader and producer): the seam's kafkajs tools. */
  kafka: KafkaClient;
  admin: TopicAdmin;
  offsets: OffsetsAdmin;
  /** The full topic (`--records`) and the small one for window 1 (its first `--window1-records`). */
  datasets: { full: Dataset; small: Dataset };
  /** java for kafka-tools (the broker's Java when it is the local stack). */
  javaPath: string;
  /** Where `--profile` writes the pipeline children's CPU profiles. */
  profileDir?: string;
  log(line: string): void;
}

/** One measured run of one case, as written to the JSON results. */
export interface RunRecord extends CaseResult {
  caseId: string;
  rep: number;
  inputTopic: string;
  recordsPerSec: number;
  /** CPU seconds of the case's process per 1,000 records. */
  cpuSecPer1k: number;
  /** CPU seconds the broker spent per 1,000 records: over the measured interval (whole case with setup if unknown). */
  brokerCpuSecPer1k?: number;
  /** Cores the whole machine kept busy over the measured interval (2 = saturated on 2 cores). */
  machineBusyCores?: number;
  /** CPU around the case (see withCaseTopics). */
  usage: CaseUsage;
  /**
   * Cores' worth of CPU used during the case by processes that are not part of it (neither the
   * case, the broker, the registry nor the bench itself): other people's work on the machine.
   */
  foreignCores?: number;
  /** Extra facts of this case (tool output, chosen rates). */
  details?: Record<string, unknown>;
}

/** Derived per-run numbers from a case result. */
export function toRunRecord(caseId: string, rep: number, inputTopic: string, result: CaseResult, usage: CaseUsage, details?: Record<string, unknown>): RunRecord {
  const known = [usage.brokerCpuSec, usage.registryCpuSec, usage.parentCpuSec, result.processCpuMs / 1000];
  const foreign = usage.systemBusySec === undefined || known.some((v) => v === undefined)
    ? undefined
    : Math.max(0, usage.systemBusySec - known.reduce<number>((sum, v) => sum + (v ?? 0), 0)) / usage.wallSec;
  // The broker's CPU over the measured interval where the child could read it; else over the whole case.
  const brokerCpuSec = result.brokerDrainCpuMs !== undefined ? result.brokerDrainCpuMs / 1000 : usage.brokerCpuSec;
  return {
    caseId, rep, inputTopic, ...result,
    recordsPerSec: result.records / (result.drainMs / 1000),
    cpuSecPer1k: result.cpuMs / 1000 / (result.records / 1000),
    brokerCpuSecPer1k: brokerCpuSec === undefined ? undefined : brokerCpuSec / (result.records / 1000),
    machineBusyCores: result.machineBusyMs === undefined ? undefined : result.machineBusyMs / result.drainMs,
    usage,
    foreignCores: foreign,
    ...(details ? { details } : {}),
  };
}
