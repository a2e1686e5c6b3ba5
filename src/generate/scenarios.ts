/**
 * The scenarios by name, for callers that choose one at run time (the dump
 * script, a CLI): one factory signature, and where each scenario's schemas live.
 */
import { createFraudGenerator, type CardTransaction, type FraudTruth } from './fraud.js';
import { createIotGenerator, type IotTruth, type SensorReading } from './iot.js';
import type { RecordGenerator } from './generated-record.js';

export const SCENARIO_NAMES = ['iot', 'fraud'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Options common to both scenarios; `entities` and `rate` map to devices/anomalyRate or cards/fraudRate. */
export interface ScenarioOptions {
  seed: number;
  /** Devices (iot) or cards (fraud); the scenario's default when absent. */
  entities?: number;
  /** Anomaly rate (iot) or fraud rate (fraud); the scenario's default when absent. */
  rate?: number;
  startTime?: number;
  intervalMs?: number;
}

export type ScenarioRecordGenerator = RecordGenerator<SensorReading, IotTruth> | RecordGenerator<CardTransaction, FraudTruth>;

/** Avro schema files of each scenario, relative to the package root; v2 adds one optional field. */
export const SCENARIO_SCHEMAS = {
  iot: { v1: 'schemas/iot/sensor-reading.avsc', v2: 'schemas/iot/sensor-reading-v2.avsc' },
  fraud: { v1: 'schemas/fraud/card-transaction.avsc', v2: 'schemas/fraud/card-transaction-v2.avsc' },
} as const satisfies Record<ScenarioName, { v1: string; v2: string }>;

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

export function createScenarioGenerator(name: ScenarioName, options: ScenarioOptions): ScenarioRecordGenerator {
  const { seed, entities, rate, startTime, intervalMs } = options;
  return name === 'iot'
    ? createIotGenerator({ seed, devices: entities, anomalyRate: rate, startTime, intervalMs })
    : createFraudGenerator({ seed, cards: entities, fraudRate: rate, startTime, intervalMs });
}
