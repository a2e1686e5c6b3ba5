import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../config/types.js';
import { createKafkajsClient } from './kafkajs/kafkajs-client.js';
import { createPlatformaticClient } from './platformatic/platformatic-client.js';
import type { KafkaClient } from './types.js';

/** The connection settings a client needs: the config's `kafka` section (kafka.client picks the library). */
export type KafkaSettings = StreamscoreConfig['kafka'];

/**
 * The Kafka client the configuration asks for (kafka.client). `clientIdSuffix` tells the broker
 * which tool connects (e.g. `-backfill`).
 */
export function openKafkaClient(settings: KafkaSettings, logger: Logger, clientIdSuffix = ''): KafkaClient {
  switch (settings.client) {
    case 'kafkajs':
      return createKafkajsClient(settings, logger, clientIdSuffix);
    case 'platformatic':
    default:
      return createPlatformaticClient(settings, logger, clientIdSuffix);
  }
}

/** Settings for a tool that only knows the brokers (generate, the demo's observers): defaults otherwise. */
export function toolKafkaSettings(brokers: string[], clientId: string): KafkaSettings {
  return { brokers, client: 'kafkajs', clientId, ssl: false, connectionTimeoutMs: 3000, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000, transactionTimeoutMs: 10_000 };
}
