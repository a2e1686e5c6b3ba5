/**
 * One generator run against a real cluster: check the topic, plan the event times, register the
 * schema, produce, report. Used by `streamscore generate` and by the demo.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { Registry } from '../codec/registry.js';
import { StreamscoreError } from '../errors.js';
import { openKafkaClient, toolKafkaSettings } from '../kafka/open-client.js';
import { planEventTimes } from './event-times.js';
import { produceRecords, type ProduceProgress, type ProduceSummary } from './produce.js';
import { createScenarioEncoder, type SchemaVersion } from './record-encoder.js';
import { createScenarioGenerator, type ScenarioName, type ScenarioOptions } from './scenarios.js';

/** Default input topic of each scenario (the names config/*.yaml and docker-compose.yml use). */
export const DEFAULT_TOPICS = { iot: 'iot.readings', fraud: 'card.transactions' } as const satisfies Record<ScenarioName, string>;

/** Keeps a margin to the broker's future-timestamp limit while an endless run goes on. */
const TIMESTAMP_LIMIT_MARGIN_MS = 10_000;

export interface GenerateOptions {
  scenario: ScenarioName;
  topic: string;
  brokers: string[];
  registryUrl: string;
  /** Records to produce; 0 = until `signal` aborts. */
  count: number;
  /** Records per second; 0 = as fast as possible. */
  rate: number;
  seed: number;
  /** Anomaly rate (iot) or fraud rate (fraud); the scenario's default when absent. */
  positiveRate?: number;
  /** Devices (iot) or cards (fraud). */
  entities?: number;
  /** Event time of the first record; default: a bounded run ends about now, an endless one starts now. */
  startTime?: number;
  /** `event`: message timestamp = event time; `now`: the producer stamps the send time. */
  timestamp: 'event' | 'now';
  schemaVersion: SchemaVersion;
  batchSize?: number;
}

export interface GenerateHooks {
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: ProduceProgress) => void;
  /** A problem that does not stop the run (e.g. records older than the topic's retention). */
  onWarning?: (message: string) => void;
  /** Called once the run is planned, before the first record is sent. */
  onStart?: (plan: GeneratePlan) => void;
}

export interface GeneratePlan {
  startTime: number;
  schemaId: number;
  partitions: number;
}

export type GenerateResult =
  | { ok: true; plan: GeneratePlan; summary: ProduceSummary }
  | { ok: false; refusal: string; plan?: GeneratePlan; summary?: ProduceSummary };

export async function runGenerate(options: GenerateOptions, hooks: GenerateHooks): Promise<GenerateResult> {
  const kafka = openKafkaClient(toolKafkaSettings(options.brokers, `streamscore-generate-${options.scenario}`), hooks.logger);
  const admin = kafka.topicAdmin();
  const producer = kafka.recordProducer();
  try {
    await admin.connect();
    if (!(await admin.existingTopics()).has(options.topic)) {
      throw new StreamscoreError('ERR_TOPIC_MISSING', `Topic ${options.topic} does not exist; create it first (e.g. kafka-topics.sh --create --topic ${options.topic} --partitions 6) — streamscore generate does not auto-create topics`);
    }
    const partitions = await admin.partitionCount(options.topic);
    const policy = await admin.timestampPolicy(options.topic);

    const stamp = options.timestamp === 'event';
    const now = systemClock.now();
    const scenarioOptions: Omit<ScenarioOptions, 'startTime'> = { seed: options.seed, rate: options.positiveRate, entities: options.entities };
    let startTime = options.startTime ?? now;
    let timestampLimit: (() => number) | undefined;
    if (stamp && options.count > 0) {
      const plan = planEventTimes({ scenario: options.scenario, options: scenarioOptions, count: options.count, startTime: options.startTime }, policy, options.topic, now);
      if (plan.refusal) return { ok: false, refusal: plan.refusal };
      if (plan.warning) hooks.onWarning?.(plan.warning);
      startTime = plan.startTime;
    } else if (stamp && policy.type === 'CreateTime') {
      timestampLimit = () => systemClock.now() + policy.afterMaxMs - TIMESTAMP_LIMIT_MARGIN_MS;
    }

    const registry = new Registry({ url: options.registryUrl });
    const encoder = await createScenarioEncoder(options.scenario, options.schemaVersion, registry, `${options.topic}-value`);
    await producer.connect();
    const plan: GeneratePlan = { startTime, schemaId: encoder.schemaId, partitions };
    hooks.onStart?.(plan);
    const summary = await produceRecords({
      scenario: options.scenario,
      generator: createScenarioGenerator(options.scenario, { ...scenarioOptions, startTime }),
      encode: (value) => encoder.encode(value),
      count: options.count,
      rate: options.rate,
      batchSize: options.batchSize,
      stampEventTime: stamp,
      send: async (messages) => { await producer.send(options.topic, messages); },
      clock: systemClock,
      sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
      signal: hooks.signal,
      timestampLimit,
      onProgress: hooks.onProgress,
    });
    if (summary.refusal) return { ok: false, refusal: `${summary.refusal}; for an endless stream stamp records with the time they are sent (--timestamp now)`, plan, summary };
    return { ok: true, plan, summary };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}
