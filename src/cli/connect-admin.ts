import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import { openKafkaClient } from '../kafka/open-client.js';
import type { KafkaClient, TopicAdmin } from '../kafka/types.js';
import { toolLogger } from './option-parsers.js';

/** Where a user of the local stack finds the endpoints the commands read. */
export const LOCAL_STACK_ENV_HINT = 'for the local stack: set -a; . .stack/env; set +a';

/**
 * A Kafka client and a connected TopicAdmin for a one-shot command (`topics`, `tail`). A broker that
 * does not answer is reported with the brokers tried and where the local stack's endpoints are.
 */
export async function connectAdmin(config: StreamscoreConfig, command: string): Promise<{ kafka: KafkaClient; admin: TopicAdmin }> {
  const kafka = openKafkaClient(config.kafka, toolLogger(), `-${command}`);
  const admin = kafka.topicAdmin();
  try {
    await admin.connect();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `${message} (brokers ${config.kafka.brokers.join(',')}; ${LOCAL_STACK_ENV_HINT})`, { cause: error });
  }
  return { kafka, admin };
}
