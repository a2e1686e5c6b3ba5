import type { KafkaClientName } from '../../src/kafka/types.js';

/**
 * What the benchmark parent and a case child say to each other over the fork() IPC channel.
 * Every measured case runs in its own Node process, so its CPU time and peak RSS are its own
 * (the parent's producer, admin client and bookkeeping do not pollute them).
 */

/** Window bounds of a case; the baselines use the same ones as the pipeline they are compared with. */
export interface CaseWindow {
  maxRecords: number;
  maxLingerMs: number;
  /** Closed windows waiting or being processed at most (the pipeline's window.maxInFlight). */
  maxInFlight: number;
}

/** A Kafka client's consume → produce the same bytes, no decode or model (seam-copy.ts). */
export interface CopySpec {
  kind: 'copy-raw' | 'copy-eos';
  client: KafkaClientName;
  brokers: string[];
  inputTopic: string;
  outputTopic: string;
  groupId: string;
  /** The input topic's partitions are 0 … partitions − 1. */
  partitions: number;
  expectedRecords: number;
  window: CaseWindow;
  /** The broker's pid when it runs on this machine: its CPU over the measured interval is reported. */
  brokerPid?: number;
}

/** streamscore's own pipeline, in-process in the child, from a raw (unvalidated) config object. */
export interface PipelineSpec {
  kind: 'pipeline';
  /** `drain`: consume a preloaded topic to its end. `latency`: run until the parent says stop. */
  mode: 'drain' | 'latency';
  config: object;
  /** The repository root: relative paths in the config resolve against it. */
  baseDir: string;
  expectedRecords: number;
  expectedPartitions: number;
  /** The broker's pid when it runs on this machine: its CPU over the measured interval is reported. */
  brokerPid?: number;
}

export type CaseSpec = CopySpec | PipelineSpec;

/** Where the pipeline's wall time went, in milliseconds summed over windows (see stage-breakdown.ts). */
export interface StageTimes {
  fetch: number;
  decode: number;
  features: number;
  inference: number;
  /** Scoring wall time not inside the four timed stages: the hand-off to and from the scoring worker. */
  scoringOther: number;
  encode: number;
  commit: number;
}

export interface CaseResult {
  /** Input records processed (and committed) in the measured interval. */
  records: number;
  /** First record fetched → last output committed. Throughput is records / drainMs. */
  drainMs: number;
  /** Process start of the case (connect, join, init) → last output committed. */
  totalMs: number;
  /** User + system CPU of the whole child (all threads) over the measured interval. */
  cpuMs: number;
  /** User + system CPU of the child over its whole life (start-up and shutdown included). */
  processCpuMs: number;
  /** VmHWM of the child at the end. */
  peakRssMb: number;
  /** The broker's user + system CPU over the measured interval (when the broker runs on this machine). */
  brokerDrainCpuMs?: number;
  /** CPU the whole machine spent over the measured interval, all processes and cores (/proc/stat). */
  machineBusyMs?: number;
  /** Event-loop delay p99 over the measured interval, from monitorEventLoopDelay in the child (Node cases). */
  eventLoopP99Ms?: number;
  /** The pipeline's own metric: PipelineMetrics.eventLoopP99Ms() (since the service started). */
  metricsEventLoopP99Ms?: number;
  windows?: { count: number; meanRecords: number };
  stages?: StageTimes;
  /** Per partition transaction (pipeline `committed` events, or copy-eos commits). */
  commitMs?: { count: number; p50: number; p99: number };
  deadLetters?: number;
  /** Warnings and errors the case logged (kafkajs retries among them), by message. */
  logged?: Record<string, number>;
}

export type ParentMessage = { type: 'run'; spec: CaseSpec } | { type: 'stop' };
export type ChildMessage = { type: 'ready' } | { type: 'result'; result: CaseResult } | { type: 'error'; message: string };
