export { createRandom, normaliseSeed, type Random } from './random.js';
export { DEFAULT_START_TIME, roundTo, type GeneratedRecord, type RecordGenerator } from './generated-record.js';
export {
  createIotGenerator,
  IOT_ANOMALY_KINDS,
  IOT_EWMA_ALPHA,
  IOT_ROLLING_WINDOW,
  IOT_SITES,
  type IotAnomalyKind,
  type IotGenerator,
  type IotGeneratorOptions,
  type IotTruth,
  type SensorReading,
} from './iot.js';
export {
  CARD_AMOUNT_EWMA_ALPHA,
  createFraudGenerator,
  FRAUD_KINDS,
  MERCHANT_CATEGORIES,
  type CardTransaction,
  type FraudGenerator,
  type FraudGeneratorOptions,
  type FraudKind,
  type FraudTruth,
  type MerchantCategory,
} from './fraud.js';
export {
  createScenarioGenerator,
  isScenarioName,
  SCENARIO_NAMES,
  SCENARIO_SCHEMAS,
  type ScenarioName,
  type ScenarioOptions,
  type ScenarioRecordGenerator,
} from './scenarios.js';
