import type { StageTimes } from '../child/protocol.js';
import type { Dataset } from '../dataset.js';
import type { MachineDescription } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { round } from '../stats.js';
import type { CaseSummary, LatencySummary } from '../summary.js';
import type { TargetResult } from './targets.js';

export interface ReportInput {
  startedAt: string;
  durationS: number;
  options: BenchOptions;
  machine: MachineDescription;
  datasets: { full: Dataset; small: Dataset };
  cases: CaseSummary[];
  latency: LatencySummary[];
  targets: TargetResult[];
  resultsFile: string;
  /** Where the pipeline cases' configuration came from. */
  pipelineConfig: string;
  /** window.maxInFlight of every case. */
  maxInFlight: number;
}

const num = (v: number | undefined, digits?: number): string => {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (digits !== undefined) return v.toFixed(digits);
  return round(v).toLocaleString('en-US');
};
const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)} %`);
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;

const STAGES: [keyof StageTimes, string][] = [
  ['fetch', 'fetch (wait)'], ['decode', 'decode'], ['features', 'features'], ['inference', 'inference'],
  ['scoringOther', 'scoring other'], ['encode', 'encode'], ['commit', 'commit'],
];

/** The generated results section of docs/benchmarks.md (and the console summary). */
export function renderReport(input: ReportInput): string {
  const { machine: m, options: o, datasets } = input;
  // Each case against its own client's copy-raw at the shipped window.
  const rawOf = (caseId: string): number | undefined => {
    const client = caseId.split(' ')[1];
    return input.cases.find((c) => c.caseId === `copy-raw@${o.copyWindows[o.copyWindows.length - 1]} ${client}`)?.recordsPerSec;
  };
  const lines: string[] = [];
  lines.push(`Run ${input.startedAt}, ${o.quick ? '**quick** (smoke: not a result)' : 'full'}, ${Math.round(input.durationS)} s; raw data: \`${input.resultsFile}\`.`, '');
  lines.push('#### Machine', '');
  lines.push(row(['CPU', 'cores', 'memory', 'OS', 'Node', 'Java', 'Kafka', 'kafkajs', '@platformatic/kafka', 'onnxruntime-node']));
  lines.push(row(Array(10).fill('---')));
  lines.push(row([m.cpuModel, m.cores, `${m.memoryGb} GB`, m.os, m.node, m.java, m.kafka, m.kafkajs, m.platformaticKafka, m.onnxruntimeNode]));
  lines.push('', `Load average at start: ${m.loadAverageAtStart.join(', ')}. Broker, registry and the case under test share the ${m.cores} cores.`, '');
  lines.push('#### Workload', '');
  lines.push(`- Input: ${datasets.full.records.toLocaleString('en-US')} IoT readings (Avro, Confluent wire format, mean value ${num(datasets.full.meanValueBytes)} B, key ${num(datasets.full.meanKeyBytes)} B) over ${datasets.full.partitions} partitions, seed ${o.seed}; window 1 drains the first ${datasets.small.records.toLocaleString('en-US')} of them (topic \`${datasets.small.topic}\`).`);
  lines.push(`- Pipeline: \`startService\` in a child process with the configuration of \`${input.pipelineConfig}\` (only group, endpoints, topics, window.maxRecords and maxLingerMs, metrics port and log level replaced).`);
  lines.push(`- Each throughput case drains the topic from its start with a fresh group, ${o.reps} run(s) interleaved; medians shown. Records/s = records ÷ (first record fetched → last output committed). Every case uses maxLingerMs ${o.lingerMs} and at most ${input.maxInFlight} windows in flight (window.maxInFlight), each partition committing its windows in order while other partitions' commits and the next window's scoring overlap; the copy baselines run at windows ${o.copyWindows.map((w) => w.toLocaleString('en-US')).join(' and ')}.`);
  lines.push('- CPU s / 1k: user+system CPU of the case\'s own process (a child; all threads) over the same interval, per 1,000 records; kafka-tools: the whole JVM run (start-up and JIT included). Broker CPU: the broker process over the same interval (kafka-tools: over the whole case, set-up included). Machine busy: CPU the whole machine spent over the interval (all processes: the case, the broker, the registry, the kernel, anyone else) in cores; at the core count the machine was saturated and CPU, not waiting, set the pace.');
  lines.push('- Foreign load: CPU the machine spent during a case outside the case, the broker, the registry and the bench (other people\'s work), in cores; above ~0.2 the run competed for the 2 cores and its numbers are low.', '');
  lines.push('#### Throughput', '');
  lines.push(row(['case', 'records', 'records/s', `× copy-raw@${o.copyWindows[o.copyWindows.length - 1]} (same client)`, 'CPU s / 1k rec', 'broker CPU s / 1k rec', `machine busy (cores of ${m.cores})`, 'peak RSS MB', 'event-loop p99 ms', 'mean window', 'runs (records/s)', 'foreign load (cores, max)']));
  lines.push(row(Array(12).fill('---')));
  for (const c of input.cases) {
    lines.push(row([
      c.caseId, num(c.records), `**${num(c.recordsPerSec)}**`, rawOf(c.caseId) ? num(c.recordsPerSec / rawOf(c.caseId)!, 2) : '–', num(c.cpuSecPer1k, 3), num(c.brokerCpuSecPer1k, 3), num(c.machineBusyCores, 2),
      num(c.peakRssMb), num(c.eventLoopP99Ms), num(c.meanWindowRecords), c.recordsPerSecRuns.map((r) => num(r)).join(' / '), num(c.maxForeignCores, 2),
    ]));
  }
  lines.push(row(['pipeline-alo', '–', 'not run', '–', '–', '–', '–', '–', '–', '–', 'streamscore has no at-least-once mode', '–']));
  const staged = input.cases.filter((c) => c.stageShares);
  if (staged.length || input.latency.length) {
    lines.push('', '#### Where the pipeline\'s time goes (share of drain time)', '');
    lines.push(row(['case', ...STAGES.map(([, label]) => label), 'commit p50 / p99 ms per transaction']));
    lines.push(row(Array(STAGES.length + 2).fill('---')));
    for (const c of staged) lines.push(row([c.caseId, ...STAGES.map(([k]) => pct(c.stageShares![k])), `${num(c.commitP50Ms)} / ${num(c.commitP99Ms)}`]));
    for (const l of input.latency) {
      if (l.stageShares) lines.push(row([`latency@${l.fraction} ${l.client}`, ...STAGES.map(([k]) => pct(l.stageShares![k])), `${num(l.commitP50Ms)} / ${num(l.commitP99Ms)}`]));
    }
    lines.push('', 'fetch (wait): nothing was being scored or committed (waiting for the consumer, or for the linger); decode, features, inference, encode: on the scoring worker thread (decode includes the registry lookups, made on the main thread); scoring other: the hand-off to and from the worker (packing the window, cloning it across, turning the answer into per-partition outputs) and waiting for the main thread to take the answer; commit: some window was committing and none was being scored (commit time that scoring did not hide).');
  }
  if (input.latency.length) {
    lines.push('', `#### End-to-end latency (window 1,000, maxLingerMs ${o.lingerMs}, ${o.latencySeconds} s of input at a fraction of pipeline@1000's drain rate, medians of ${input.latency[0].runs} run(s))`, '');
    lines.push(row(['client', 'input rate', 'achieved in / out rec/s', 'e2e p50 ms', 'e2e p99 ms', 'e2e max ms', 'commit p50 / p99 ms', 'event-loop p99 ms (metrics / measured)', 'mean window', 'CPU s / 1k rec', 'foreign load (cores, max)']));
    lines.push(row(Array(11).fill('---')));
    for (const l of input.latency) {
      lines.push(row([l.client, `${l.fraction} × = ${num(l.targetRate)} rec/s`, `${num(l.achievedRate)} / ${num(l.outputRate)}`, num(l.p50Ms), `**${num(l.p99Ms)}**`, num(l.maxMs), `${num(l.commitP50Ms)} / ${num(l.commitP99Ms)}`,
        `${num(l.metricsEventLoopP99Ms)} / ${num(l.eventLoopP99Ms)}`, num(l.meanWindowRecords), num(l.cpuSecPer1k, 3), num(l.maxForeignCores, 2)]));
    }
    lines.push('', 'Latency: input append time (LogAppendTime on the input topic) → the prediction received by a read_committed consumer; the first quarter of the run (≤ 2 s) is warm-up. "out" is the rate at which predictions became visible while the input ran: below "in", the pipeline fell behind and latency grew with the backlog.');
  }
  lines.push('', '#### Targets', '');
  lines.push(row(['target', 'measured', 'result']));
  lines.push(row(['---', '---', '---']));
  for (const t of input.targets) lines.push(row([t.target, t.measured, t.status === 'PASS' ? 'PASS' : t.status === 'MISS' ? '**MISS**' : 'n/a']));
  return lines.join('\n');
}
