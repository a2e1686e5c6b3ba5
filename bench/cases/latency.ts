import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import avro from 'avsc';
import { WIRE_HEADER_BYTES } from '../../src/codec/registry.js';
import type { KafkaClientName, TopicReader } from '../../src/kafka/types.js';
import { startCaseChild } from '../child/run-child.js';
import { toRunRecord, type BenchContext, type RunRecord } from '../context.js';
import { IotRecords } from '../iot-records.js';
import { uniqueName } from '../kafka.js';
import { iotPipelineConfig } from '../pipeline-config.js';
import { percentile } from '../stats.js';
import { withCaseTopics } from './measure-case.js';
import { profileFlags } from './pipeline.js';

export const LATENCY_CASE = 'latency';
/** The pipeline's default window for the latency case. */
export const LATENCY_WINDOW = 1_000;

export interface LatencyRun extends RunRecord {
  latency: {
    client: KafkaClientName;
    /** The input rate as a fraction of pipeline@1000's drain rate. */
    fraction: number;
    targetRate: number;
    achievedRate: number;
    /** Predictions per second the pipeline delivered while the input ran (below the input rate: it fell behind). */
    outputRate: number;
    produced: number;
    measured: number;
    warmUpMs: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
}

/** Reads predictions as an application would (read_committed) and notes when each became visible. */
async function startReader(ctx: BenchContext, topic: string, onPrediction: (sourceTimestamp: number, visibleAt: number) => void): Promise<TopicReader> {
  const schema = JSON.parse(readFileSync(join(ctx.env.repoRoot, 'schemas', 'prediction.avsc'), 'utf8')) as avro.Schema;
  const type = avro.Type.forSchema(schema);
  const reader = ctx.kafka.topicReader({ isolation: 'read_committed', groupPrefix: 'streamscore-bench-latency-reader' });
  await reader.start([topic], (records, visibleAt) => {
    for (const m of records) {
      if (!m.value) continue;
      const prediction = type.fromBuffer(m.value.subarray(WIRE_HEADER_BYTES)) as { source_timestamp: number };
      onPrediction(Number(prediction.source_timestamp), visibleAt);
    }
  });
  const deadline = Date.now() + 60_000;
  while (!reader.joined && Date.now() < deadline) await sleep(50);
  return reader;
}

/**
 * End-to-end latency at a fixed input rate, `fraction` of the measured maximum (pipeline@1000's
 * drain rate; the targets use 0.5): the pipeline runs with the default window (1,000 records)
 * and maxLingerMs while this process produces IoT readings at that rate for `--latency-seconds`. The input topic uses LogAppendTime, so a
 * prediction's source_timestamp is when the broker appended the input; the latency is the time
 * from there until a read_committed consumer receives the prediction. The first quarter of the
 * run (at most 2 s) is warm-up and not counted.
 */
export async function runLatencyCase(ctx: BenchContext, client: KafkaClientName, maxRate: number, fraction: number, rep: number): Promise<LatencyRun> {
  const partitions = ctx.options.partitions;
  const seconds = ctx.options.latencySeconds;
  const ratePerSec = Math.max(1, Math.round(maxRate * fraction));
  // Generated before the measured frame: the generator's CPU is not the pipeline's load.
  const source = await IotRecords.register(ctx.env.repoRoot, ctx.env.registryUrl, 'streamscore-bench-latency-value', ctx.options.seed + 1);
  const total = Math.round(ratePerSec * seconds);
  const records = source.take(total);
  const topics = [
    { name: 'in', partitions, config: { 'message.timestamp.type': 'LogAppendTime' } },
    { name: 'out', partitions },
    { name: 'dlq', partitions: 1 },
  ];
  const outcome = await withCaseTopics(ctx, `latency-${client}`, topics, async ([inputTopic, outputTopic, deadLetterTopic]) => {
    const latencies: { sourceTimestamp: number; latencyMs: number }[] = [];
    const reader = await startReader(ctx, outputTopic, (sourceTimestamp, visibleAt) => latencies.push({ sourceTimestamp, latencyMs: visibleAt - sourceTimestamp }));
    const producer = ctx.kafka.recordProducer();
    await producer.connect();
    const config = iotPipelineConfig({
      repoRoot: ctx.env.repoRoot, appId: uniqueName('streamscore-bench-latency'), brokers: ctx.env.brokers, registryUrl: ctx.env.registryUrl,
      inputTopic, outputTopic, deadLetterTopic, window: { maxRecords: LATENCY_WINDOW, maxLingerMs: ctx.options.lingerMs }, client,
    });
    const child = startCaseChild(
      { kind: 'pipeline', mode: 'latency', config, baseDir: ctx.env.repoRoot, expectedRecords: total, expectedPartitions: partitions, brokerPid: ctx.env.kafkaPid },
      { timeoutMs: ctx.options.caseTimeoutS * 1000, execArgv: profileFlags(ctx, `latency-${client}-${fraction}-r${rep}`) },
    );
    try {
      await Promise.race([child.ready, child.result]);
      // Paced by absolute time: a slow send is caught up by the next one, so the mean rate holds.
      const started = Date.now();
      let sent = 0;
      while (sent < total) {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * ratePerSec));
        if (due > sent) {
          await producer.send(inputTopic, records.slice(sent, due).map((r) => ({ key: r.key, value: r.value, headers: {} })));
          sent = due;
        } else {
          await sleep(5);
        }
      }
      const producedMs = Date.now() - started;
      const visibleWhileProducing = latencies.filter((l) => l.sourceTimestamp + l.latencyMs <= started + producedMs).length;
      const deadline = Date.now() + 60_000;
      while (latencies.length < total && Date.now() < deadline) await sleep(100);
      child.stop();
      const result = await child.result;
      if (latencies.length < total) throw new Error(`latency: only ${latencies.length} of ${total} predictions became visible within 60 s after the input ended`);
      const warmUpMs = Math.min(2_000, (seconds * 1000) / 4);
      // source_timestamp is the broker's append time; the first one is close to `started`.
      const firstAppend = latencies.reduce((min, l) => Math.min(min, l.sourceTimestamp), Infinity);
      const measured = latencies.filter((l) => l.sourceTimestamp >= firstAppend + warmUpMs).map((l) => l.latencyMs);
      const latency = {
        client,
        fraction, targetRate: ratePerSec, achievedRate: total / (producedMs / 1000), outputRate: visibleWhileProducing / (producedMs / 1000),
        produced: total, measured: measured.length, warmUpMs,
        p50Ms: percentile(measured, 50), p99Ms: percentile(measured, 99), maxMs: measured.reduce((max, l) => Math.max(max, l), 0),
      };
      return { result, latency, inputTopic };
    } finally {
      child.stop();
      await child.result.catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await reader.stop().catch(() => undefined);
    }
  });
  const { result, latency, inputTopic } = outcome.value;
  return { ...toRunRecord(`${LATENCY_CASE}@${fraction} ${client}`, rep, inputTopic, result, outcome.usage), latency };
}
