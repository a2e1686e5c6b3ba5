import type { KafkaClientName } from '../kafka/types.js';
/** The validated configuration, defaults applied. Mirrors src/config/schema.ts. */

export type ColumnDtype = 'float32' | 'float64' | 'int64' | 'bool' | 'category';
export type TensorDtype = 'float32' | 'float64' | 'int64';

export interface FeatureColumnConfig {
  field: string;
  dtype: ColumnDtype;
  vocabulary?: string[];
  default?: number | boolean | string;
  scale?: { mean?: number; std?: number; min?: number; max?: number };
}

export interface InputTensorConfig {
  name: string;
  dtype: TensorDtype;
  columns: FeatureColumnConfig[];
}

export interface ModelOutputsConfig {
  score: { name: string; column?: number };
  label?: { name: string };
  threshold?: number;
}

export interface StreamscoreConfig {
  appId: string;
  kafka: {
    brokers: string[];
    client: KafkaClientName;
    clientId: string;
    ssl: boolean | Record<string, unknown>;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username?: string; password?: string };
    connectionTimeoutMs: number;
    sessionTimeoutMs: number;
    heartbeatIntervalMs: number;
    transactionTimeoutMs: number;
  };
  schemaRegistry: { url?: string; username?: string; password?: string };
  input: {
    topics?: string[];
    topicPattern?: string;
    startFrom: 'earliest' | 'latest';
    codec: 'avro' | 'json';
    readerSchema?: string;
  };
  output: {
    topic: string;
    deadLetterTopic: string;
    schema: string;
    subjectStrategy: 'topic' | 'record' | 'topic-record';
  };
  window: { maxRecords?: number; maxBytes?: number; maxLingerMs?: number; maxInFlight: number };
  model: {
    path: string;
    name: string;
    version: string;
    inputs: InputTensorConfig[];
    outputs: ModelOutputsConfig;
    maxBatch?: number;
    workers: number;
    intraOpThreads: number;
    failures: { systemicRatio: number; attempts: number };
    workerRespawns: { max: number; withinMs: number };
  };
  observability: { logLevel: string; prettyLogs: boolean; metricsPort: number; metricsHost: string };
  startup: { timeoutMs: number };
  shutdown: { timeoutMs: number };
}
