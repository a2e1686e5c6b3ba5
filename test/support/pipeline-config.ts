import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { KafkaClientName } from '../../src/kafka/types.js';
import { TEST_TRANSACTION_TIMEOUT_MS } from './kafka-clients.js';

export const TINY_MODEL = path.resolve('test/fixtures/models/tiny-classifier.onnx');
export const READING_SCHEMA = path.resolve('test/fixtures/schemas/reading.avsc');

export function suffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * A complete run config for the tiny classifier; tests override what they exercise. `client`
 * picks kafka.client (kept when `extra` replaces the kafka section).
 */
export function tinyConfig(opts: { appId: string; input: string; output: string; dlq: string; brokers: string[]; registryUrl: string; window?: object; extra?: object; client?: KafkaClientName }): object {
  const config = {
    appId: opts.appId,
    kafka: { brokers: opts.brokers, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
    schemaRegistry: { url: opts.registryUrl },
    input: { topics: [opts.input], codec: 'avro', readerSchema: READING_SCHEMA, startFrom: 'earliest' },
    output: { topic: opts.output, deadLetterTopic: opts.dlq, schema: path.resolve('schemas/prediction.avsc') },
    window: opts.window ?? { maxRecords: 500, maxLingerMs: 200 },
    model: {
      path: TINY_MODEL,
      name: 'tiny',
      version: '1',
      inputs: [{ name: 'features', dtype: 'float32', columns: [
        { field: 'a', dtype: 'float32' },
        { field: 'b', dtype: 'float32' },
        { field: 'c', dtype: 'float32', default: 0 },
      ] }],
      outputs: { score: { name: 'probabilities', column: 1 }, label: { name: 'label' }, threshold: 0.5 },
    },
    observability: { metricsPort: 0, logLevel: 'info' },
    ...opts.extra,
  } as { kafka: object };
  if (opts.client) config.kafka = { transactionTimeoutMs: TEST_TRANSACTION_TIMEOUT_MS, ...config.kafka, client: opts.client };
  return config;
}
