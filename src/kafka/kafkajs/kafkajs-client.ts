import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../../config/types.js';
import type { KafkaClient } from '../types.js';
import { KafkaAdmin } from './admin.js';
import { createKafka } from './client.js';
import { GroupOffsets } from './group-offsets.js';
import { InputConsumer } from './input-consumer.js';
import { PartitionProducer } from './partition-producer.js';
import { RecordProducer } from './record-producer.js';
import { TopicAdmin } from './topic-admin.js';
import { TopicInspector } from './topic-inspector.js';
import { TopicReader } from './topic-reader.js';

/**
 * kafkajs 2.2.4 behind the seam. Its TxnOffsetCommit (v0/v1) carries no group metadata, so the
 * pipeline commits one transaction per input partition, fenced by transactional id.
 */
export function createKafkajsClient(config: StreamscoreConfig['kafka'], logger: Logger, clientIdSuffix = ''): KafkaClient {
  const kafka = createKafka(config, logger, clientIdSuffix);
  return {
    name: 'kafkajs',
    transactionScope: 'partition',
    source: (options) => new InputConsumer(kafka, options),
    transactionalSink: (transactionalId, transactionTimeoutMs) => new PartitionProducer(kafka, transactionalId, transactionTimeoutMs),
    admin: () => new KafkaAdmin(kafka),
    topicAdmin: () => new TopicAdmin(kafka),
    groupOffsets: () => new GroupOffsets(kafka),
    recordProducer: () => new RecordProducer(kafka),
    topicReader: (options) => new TopicReader(kafka, options),
    inspector: () => new TopicInspector(kafka),
  };
}
