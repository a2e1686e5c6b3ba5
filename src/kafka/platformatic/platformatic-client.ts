import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../../config/types.js';
import { createKafkajsClient } from '../kafkajs/kafkajs-client.js';
import type { KafkaClient } from '../types.js';
import { PlatformaticOffsetsAdmin } from './offsets-admin.js';
import { PlatformaticRecordProducer } from './record-producer.js';
import { PlatformaticRecordSource } from './record-source.js';
import { PlatformaticTransactionalSink } from './transactional-sink.js';
import { checkPlatformaticVersion } from './version-guard.js';

/**
 * @platformatic/kafka 1.35.0 behind the seam. Its TxnOffsetCommit carries the group metadata
 * (KIP-447), so one transactional producer per instance commits a whole window, every partition,
 * in one transaction, and zombies are fenced by generation (docs/exactly-once.md).
 *
 * Logging: platformatic has no logger hooks (it reports through `debug` and diagnostics channels);
 * what this folder logs itself is at debug, failures reach the pipeline as catalogued errors.
 *
 * The tools around the pipeline (topic admin, group offsets store, topic reader) are not on the
 * exactly-once path: they are kafkajs' implementations, on a kafkajs client made with the same
 * settings. The plain record producer is platformatic's (the benchmark's copy-raw baseline).
 */
export function createPlatformaticClient(config: StreamscoreConfig['kafka'], logger: Logger, clientIdSuffix = ''): KafkaClient {
  checkPlatformaticVersion();
  const log = logger.child({ component: 'platformatic' });
  let tools: KafkaClient | undefined;
  const kafkajsTools = (): KafkaClient => (tools ??= createKafkajsClient(config, logger, clientIdSuffix));
  return {
    name: 'platformatic',
    transactionScope: 'window',
    source: (options) => new PlatformaticRecordSource(config, clientIdSuffix, options, log),
    transactionalSink: (transactionalId, transactionTimeoutMs) => new PlatformaticTransactionalSink(config, clientIdSuffix, transactionalId, transactionTimeoutMs),
    admin: () => new PlatformaticOffsetsAdmin(config, clientIdSuffix),
    topicAdmin: () => kafkajsTools().topicAdmin(),
    groupOffsets: () => kafkajsTools().groupOffsets(),
    recordProducer: () => new PlatformaticRecordProducer(config, clientIdSuffix),
    topicReader: (options) => kafkajsTools().topicReader(options),
    inspector: () => kafkajsTools().inspector(),
  };
}
