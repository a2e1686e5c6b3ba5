/** Shared by the scenario tests (not a test file itself): configs, golden records, reading predictions. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { parse as parseYaml } from 'yaml';
import { readTopic, type ReadMessage } from '../../support/kafka-fixtures.js';

export const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';

export const SCENARIOS = {
  iot: { config: 'config/iot-anomaly.yaml', golden: 'models/golden/iot-anomaly.jsonl', key: 'device_id', v1: 'schemas/iot/sensor-reading.avsc', v2: 'schemas/iot/sensor-reading-v2.avsc', newField: 'firmware_version' },
  fraud: { config: 'config/fraud-flags.yaml', golden: 'models/golden/fraud.jsonl', key: 'card_id', v1: 'schemas/fraud/card-transaction.avsc', v2: 'schemas/fraud/card-transaction-v2.avsc', newField: 'merchant_id' },
} as const;
export type Scenario = keyof typeof SCENARIOS;

export interface Names {
  appId: string;
  input: string;
  output: string;
  dlq: string;
}

/** The shipped configuration file, as is except for this test's topics and appId (and no metrics server). */
export function scenarioConfig(scenario: Scenario, names: Names): Record<string, any> {
  const config = parseYaml(readFileSync(SCENARIOS[scenario].config, 'utf8'));
  config.appId = names.appId;
  config.input.topics = [names.input];
  config.output.topic = names.output;
  config.output.deadLetterTopic = names.dlq;
  config.observability.metricsPort = 0;
  // Short session: a test that fails does not leave a member holding partitions for long.
  config.kafka.sessionTimeoutMs = 10_000;
  config.kafka.heartbeatIntervalMs = 1_000;
  return config;
}

export interface GoldenRecord {
  value: Record<string, unknown>;
  score: number;
}

export function goldenRecords(scenario: Scenario): GoldenRecord[] {
  return readFileSync(SCENARIOS[scenario].golden, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as GoldenRecord);
}

export function schemaOf(file: string): object {
  return JSON.parse(readFileSync(path.resolve(file), 'utf8'));
}

const predictionType = avro.Type.forSchema(schemaOf('schemas/prediction.avsc') as avro.Schema);

/** A prediction decoded with the shipped prediction schema (the 5-byte Confluent header skipped). */
export function decodePrediction(message: ReadMessage): Record<string, any> {
  return { ...(predictionType.fromBuffer(message.value!.subarray(5)) as object) };
}

/** Input records by `partition:offset`, with their headers. */
export async function inputsBySource(topic: string): Promise<Map<string, ReadMessage>> {
  return new Map((await readTopic(brokers, topic, 'read_committed')).map((m) => [`${m.partition}:${m.offset}`, m]));
}
