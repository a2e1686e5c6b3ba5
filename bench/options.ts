import { Command, InvalidArgumentError, Option } from 'commander';
import type { KafkaClientName } from '../src/kafka/types.js';

export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'platformatic'];

export const CASE_GROUPS = ['copy-raw', 'copy-eos', 'pipeline', 'kafka-tools', 'latency'] as const;
export type CaseGroup = (typeof CASE_GROUPS)[number];

/** Other processes' CPU below which the machine counts as quiet (see quiet.ts). */
export const QUIET_CORES = 0.2;

export interface BenchOptions {
  quick: boolean;
  /** The Kafka clients every case runs with, side by side (config kafka.client). */
  clients: KafkaClientName[];
  records: number;
  partitions: number;
  reps: number;
  windows: number[];
  /** Window sizes of the copy baselines: 1,000 (compared with pipeline@1000) and the shipped configs' window. */
  copyWindows: number[];
  window1Records: number;
  lingerMs: number;
  latencySeconds: number;
  latencyReps: number;
  /** Input rates of the latency case, as fractions of pipeline@1000's drain rate (targets: 0.5). */
  latencyFractions: number[];
  /** Use this as the maximum rate of the latency case instead of measuring pipeline@1000. */
  latencyMaxRate?: number;
  /** Before each case, wait up to this long for other work on the machine to stop. */
  quietWaitS: number;
  cases: CaseGroup[];
  seed: number;
  freshData: boolean;
  profile: boolean;
  docs: boolean;
  outDir: string;
  caseTimeoutS: number;
}

/** Full run defaults; `--quick` replaces the ones below it for a smoke run under 3 minutes. */
const FULL = { records: 200_000, reps: 3, windows: [1, 1_000, 2_000, 5_000], copyWindows: [2_000], window1Records: 2_000, latencySeconds: 20, latencyReps: 3, latencyFractions: [0.5, 0.25], quietWaitS: 120 };
const QUICK = { records: 20_000, reps: 1, windows: [1, 1_000, 2_000, 5_000], copyWindows: [2_000], window1Records: 500, latencySeconds: 8, latencyReps: 1, latencyFractions: [0.5], quietWaitS: 0 };

function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function intList(value: string): number[] {
  return value.split(',').map((v) => positiveInt(v.trim()));
}

function fractionList(value: string): number[] {
  return value.split(',').map((v) => {
    const n = Number(v.trim());
    if (!(n > 0 && n <= 2)) throw new InvalidArgumentError('expected fractions in (0, 2], e.g. 0.5,0.25');
    return n;
  });
}

function caseList(value: string): CaseGroup[] {
  const cases = value.split(',').map((v) => v.trim());
  const unknown = cases.filter((c) => !(CASE_GROUPS as readonly string[]).includes(c));
  if (unknown.length) throw new InvalidArgumentError(`unknown case(s) ${unknown.join(', ')}; known: ${CASE_GROUPS.join(', ')}`);
  return cases as CaseGroup[];
}

function clientList(value: string): KafkaClientName[] {
  const clients = value.split(',').map((v) => v.trim());
  const unknown = clients.filter((c) => !(KAFKA_CLIENTS as readonly string[]).includes(c));
  if (unknown.length) throw new InvalidArgumentError(`unknown client(s) ${unknown.join(', ')}; known: ${KAFKA_CLIENTS.join(', ')}`);
  return clients as KafkaClientName[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const program = new Command('npm run bench --')
    .description('streamscore benchmark: the pipeline against kafkajs copy baselines and Kafka\'s own perf tools, on the local stack (or KAFKA_BROKERS / SCHEMA_REGISTRY_URL).')
    .option('--quick', 'smoke run: fewer records, one repetition, windows 1, 1000, 5000 (under 3 minutes)', false)
    .option('--records <n>', `records preloaded and drained by each case (default ${FULL.records}, quick ${QUICK.records})`, positiveInt)
    .option('--partitions <n>', 'partitions of the input topics', positiveInt, 6)
    .option('--reps <n>', `repetitions of each throughput case, interleaved (default ${FULL.reps}, quick ${QUICK.reps})`, positiveInt)
    .option('--windows <list>', `pipeline window sizes (maxRecords) (default ${FULL.windows.join(',')}, quick ${QUICK.windows.join(',')})`, intList)
    .option('--copy-windows <list>', `copy-raw / copy-eos window sizes (default ${FULL.copyWindows.join(',')}: the shipped configs' window, where the targets compare)`, intList)
    .option('--window1-records <n>', `records drained at window size 1, from a topic holding the first ones (default ${FULL.window1Records}, quick ${QUICK.window1Records})`, positiveInt)
    .option('--linger-ms <n>', 'window.maxLingerMs of every case', positiveInt, 100)
    .option('--latency-seconds <n>', `input duration of the latency case (default ${FULL.latencySeconds}, quick ${QUICK.latencySeconds})`, positiveInt)
    .option('--latency-reps <n>', `repetitions of the latency case (default ${FULL.latencyReps}, quick ${QUICK.latencyReps})`, positiveInt)
    .option('--latency-fractions <list>', `latency input rates as fractions of pipeline@1000's rate; targets use 0.5 (default ${FULL.latencyFractions.join(',')}, quick ${QUICK.latencyFractions.join(',')})`, fractionList)
    .option('--latency-max-rate <n>', 'records/s the latency fractions apply to, instead of pipeline@1000\'s measured rate (then pipeline@1000 is not run just for it)', positiveInt)
    .option('--quiet-wait-s <n>', `before each case, wait up to this long until other processes use < ${QUIET_CORES} cores (default ${FULL.quietWaitS}, quick ${QUICK.quietWaitS})`, (v) => (v === '0' ? 0 : positiveInt(v)))
    .option('--clients <list>', `Kafka clients to run every case with (default ${KAFKA_CLIENTS.join(',')})`, clientList)
    .addOption(new Option('--cases <list>', `case groups to run: ${CASE_GROUPS.join(',')}`).argParser(caseList).default([...CASE_GROUPS], 'all'))
    .option('--seed <n>', 'generator seed of the input records', positiveInt, 1)
    .option('--fresh-data', 'reload the input topics even when complete ones exist', false)
    .option('--profile', 'run the pipeline children with --cpu-prof (profiles under the results folder)', false)
    .option('--no-docs', 'do not rewrite the results section of docs/benchmarks.md (quick runs never do)')
    .option('--out <dir>', 'folder for the JSON results', 'bench/results')
    .option('--case-timeout-s <n>', 'kill a case child after this long', positiveInt, 900)
    .showHelpAfterError()
    .parse(argv, { from: 'user' });
  const o = program.opts<{
    quick: boolean; clients?: KafkaClientName[]; records?: number; partitions: number; reps?: number; windows?: number[]; copyWindows?: number[]; window1Records?: number; lingerMs: number;
    latencySeconds?: number; latencyReps?: number; latencyFractions?: number[]; latencyMaxRate?: number; quietWaitS?: number; cases: CaseGroup[]; seed: number; freshData: boolean; profile: boolean; docs: boolean; out: string; caseTimeoutS: number;
  }>();
  const d = o.quick ? QUICK : FULL;
  return {
    quick: o.quick,
    clients: o.clients ?? [...KAFKA_CLIENTS],
    records: o.records ?? d.records,
    partitions: o.partitions,
    reps: o.reps ?? d.reps,
    windows: o.windows ?? d.windows,
    copyWindows: o.copyWindows ?? d.copyWindows,
    window1Records: Math.min(o.window1Records ?? d.window1Records, o.records ?? d.records),
    lingerMs: o.lingerMs,
    latencySeconds: o.latencySeconds ?? d.latencySeconds,
    latencyReps: o.latencyReps ?? d.latencyReps,
    latencyFractions: o.latencyFractions ?? d.latencyFractions,
    latencyMaxRate: o.latencyMaxRate,
    quietWaitS: o.quietWaitS ?? d.quietWaitS,
    cases: o.cases,
    seed: o.seed,
    freshData: o.freshData,
    profile: o.profile,
    docs: o.docs && !o.quick,
    outDir: o.out,
    caseTimeoutS: o.caseTimeoutS,
  };
}
