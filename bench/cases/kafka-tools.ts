import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureKafkaClasspath } from '../../src/stack/artifacts.js';
import { stackPaths } from '../../src/stack/index.js';
import { toRunRecord, type BenchContext, type RunRecord } from '../context.js';
import { uniqueName } from '../kafka.js';
import { withCaseTopics } from './measure-case.js';

const run = promisify(execFile);

export const CONSUMER_PERF = 'kafka-consumer-perf';
export const PRODUCER_PERF = 'kafka-producer-perf';

let classpath: Promise<string> | undefined;

/** The broker's classpath as the local stack caches it (kafka-tools is on it, for StorageTool). */
function kafkaClasspath(): Promise<string> {
  classpath ??= ensureKafkaClasspath(stackPaths(), []);
  return classpath;
}

interface TimedRun {
  stdout: string;
  elapsedSec: number;
  cpuSec: number;
  maxRssMb: number;
}

/** Runs a kafka-tools class under /usr/bin/time: CPU (user+sys) and max RSS of the JVM, JIT and GC included. */
async function timedJava(ctx: BenchContext, mainClass: string, args: string[], timeoutMs: number): Promise<TimedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'streamscore-bench-'));
  const timeFile = join(dir, 'time');
  try {
    const javaArgs = ['-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', '-cp', await kafkaClasspath(), mainClass, ...args];
    const { stdout } = await run('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', ctx.javaPath, ...javaArgs], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    const [elapsed, user, system, maxRssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    return { stdout, elapsedSec: elapsed, cpuSec: user + system, maxRssMb: maxRssKb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * kafka-consumer-perf-test on the preloaded topic, read_committed like the pipeline. Its
 * `fetch.nMsg.sec` excludes the group join, as the Node cases' drain time does.
 */
export async function runConsumerPerf(ctx: BenchContext, rep: number): Promise<RunRecord> {
  const dataset = ctx.datasets.full;
  const { value: timed, usage } = await withCaseTopics(ctx, 'consumer-perf', [], async () => timedJava(ctx, 'org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', ctx.env.brokers.join(','), '--topic', dataset.topic, '--num-records', String(dataset.records),
    '--group', uniqueName('streamscore-bench-consumer-perf'), '--timeout', '60000', '--command-property', 'isolation.level=read_committed',
  ], ctx.options.caseTimeoutS * 1000));
  const lines = timed.stdout.trim().split('\n').filter((line) => line.includes(','));
  const header = lines.find((line) => line.includes('nMsg.sec'));
  const values = lines.at(-1);
  if (!header || !values || values === header) throw new Error(`kafka-consumer-perf-test printed no result:\n${timed.stdout}`);
  const stats = Object.fromEntries(header.split(',').map((name, i) => [name.trim(), values.split(',')[i]?.trim() ?? '']));
  const consumed = Number(stats['data.consumed.in.nMsg']);
  const rate = Number(stats['fetch.nMsg.sec']);
  if (consumed < dataset.records || !(rate > 0)) throw new Error(`kafka-consumer-perf-test consumed ${consumed} of ${dataset.records} records:\n${timed.stdout}`);
  return toRunRecord(CONSUMER_PERF, rep, dataset.topic, {
    records: consumed, drainMs: (consumed / rate) * 1000, totalMs: timed.elapsedSec * 1000, cpuMs: timed.cpuSec * 1000, processCpuMs: timed.cpuSec * 1000, peakRssMb: timed.maxRssMb,
  }, usage, { tool: stats });
}

/**
 * kafka-producer-perf-test: the same number of records of the dataset's mean value size, acks=all,
 * producer defaults otherwise, no keys (`--key-distribution` came after Kafka 4.2, the version the
 * stack pins).
 */
export async function runProducerPerf(ctx: BenchContext, rep: number): Promise<RunRecord> {
  const dataset = ctx.datasets.full;
  const size = Math.round(dataset.meanValueBytes);
  const { value: timed, usage } = await withCaseTopics(ctx, 'producer-perf', [{ name: 'out', partitions: dataset.partitions }], async ([topic]) => timedJava(ctx, 'org.apache.kafka.tools.ProducerPerformance', [
    '--bootstrap-server', ctx.env.brokers.join(','), '--topic', topic, '--num-records', String(dataset.records), '--record-size', String(size),
    '--throughput', '-1', '--command-property', 'acks=all',
  ], ctx.options.caseTimeoutS * 1000));
  // "200000 records sent, 123456.7 records/sec (17.07 MB/sec), 12.3 ms avg latency, 345.0 ms max latency, 5 ms 50th, …"
  const summary = timed.stdout.trim().split('\n').reverse().find((line) => /records sent, [\d.]+ records\/sec/.test(line));
  const match = summary ? /^(\d+) records sent, ([\d.]+) records\/sec/.exec(summary) : null;
  if (!match) throw new Error(`kafka-producer-perf-test printed no summary:\n${timed.stdout}`);
  const sent = Number(match[1]);
  const rate = Number(match[2]);
  return toRunRecord(PRODUCER_PERF, rep, dataset.topic, {
    records: sent, drainMs: (sent / rate) * 1000, totalMs: timed.elapsedSec * 1000, cpuMs: timed.cpuSec * 1000, processCpuMs: timed.cpuSec * 1000, peakRssMb: timed.maxRssMb,
  }, usage, { tool: summary, recordSize: size });
}
