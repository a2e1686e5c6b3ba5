import type { KafkaClientName } from '../../src/kafka/types.js';

/**
 * The Kafka clients every exactly-once test runs against (docs/architecture.md, "The Kafka seam").
 * Transactions of a killed instance stay open until transactionTimeoutMs with the window-scoped
 * client (its transactional id is the instance's): the tests use Kafka Streams' 10 s.
 */
export const KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'platformatic'];

export const TEST_TRANSACTION_TIMEOUT_MS = 10_000;
