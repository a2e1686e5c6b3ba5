import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import { TopicAdmin } from '../kafka/topic-admin.js';
import { toolLogger } from './option-parsers.js';

/** Where a user of the local stack finds the endpoints the commands read. */
export const LOCAL_STACK_ENV_HINT = 'for the local stack: set -a; . .stack/env; set +a';

/**
 * A Kafka client and a connected TopicAdmin for a one-shot command (`topics`, `tail`). A broker that
 * does not answer is reported with the brokers tried and where the local stack's endpoints are.
 */
export async function connectAdmin(config: StreamscoreConfig, command: string): Promise<{ kafka: ReturnType<typeof createKafka>; admin: TopicAdmin }> {
  const kafka = createKafka(config.kafka, toolLogger(), `-${command}`);
  const admin = new TopicAdmin(kafka);
  try {
    await admin.connect();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `${message} (brokers ${config.kafka.brokers.join(',')}; ${LOCAL_STACK_ENV_HINT})`, { cause: error });
  }
  return { kafka, admin };
}
