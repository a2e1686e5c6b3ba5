/**
 * Small kafkajs checks that the local stack (src/stack) and the test environment use to decide
 * that a broker is really ready: it answers metadata, and it can run a transaction end to end.
 * They live here because only src/kafka may talk to kafkajs (DESIGN.md §1).
 */
import { randomBytes } from 'node:crypto';
import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The broker's answer to a metadata request. */
export interface KafkaClusterInfo {
  clusterId: string;
  brokerCount: number;
  controllerId: number | null;
}

function client(brokers: string[], retries: number): Kafka {
  return new Kafka({
    clientId: 'streamscore-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/** One metadata request (DescribeCluster through the admin client), no retries: the caller polls. */
export async function probeKafkaMetadata(brokers: string[]): Promise<KafkaClusterInfo> {
  const admin = client(brokers, 0).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { clusterId: cluster.clusterId, brokerCount: cluster.brokers.length, controllerId: cluster.controller };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Errors a fresh broker answers while it is still creating `__consumer_offsets` and
 * `__transaction_state`: the coordinator for the group or transactional id is not there yet.
 */
const WARM_UP_ERRORS = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'CONCURRENT_TRANSACTIONS',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
]);

/** True when `error`, or one of its causes, is a kafkajs error a warming broker may answer. */
function isWarmUpError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && WARM_UP_ERRORS.has(type)) return true;
    if (current.name === 'KafkaJSConnectionError' || current.name === 'KafkaJSRequestTimeoutError') return true;
    if (current.name === 'KafkaJSNumberOfRetriesExceeded' || current.name === 'KafkaJSNonRetriableError') continue;
    if ((current as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

/** What the warm-up did, for the caller's log. */
export interface WarmUpResult {
  attempts: number;
  elapsedMs: number;
}

/**
 * Runs one transaction that writes a record and commits a consumer offset (`sendOffsets`), retrying
 * the coordinator errors above until `deadlineMs`. Right after a fresh broker start the first
 * transactional `sendOffsets` fails with NOT_COORDINATOR, because the internal topics are still being
 * created; after this returns, the first real transaction works at once. The scratch topic and group
 * are deleted afterwards.
 */
export async function warmUpTransactions(brokers: string[], deadlineMs: number): Promise<WarmUpResult> {
  const started = Date.now();
  const end = started + deadlineMs;
  const suffix = randomBytes(4).toString('hex');
  const topic = `streamscore-stack-warmup-${suffix}`;
  const group = `streamscore-stack-warmup-${suffix}`;
  const kafka = client(brokers, 3);
  const admin: Admin = kafka.admin();
  await admin.connect();
  let attempts = 0;
  try {
    // A broker that has just started may still answer UNKNOWN_TOPIC_OR_PARTITION while it waits for
    // the new topic's leader: that is warming up too, not a failure.
    for (;;) {
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
        break;
      } catch (error) {
        if (!isWarmUpError(error) || Date.now() > end) throw new Error(`the warm-up topic could not be created within ${deadlineMs} ms: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        await pause(250);
      }
    }
    for (;;) {
      attempts += 1;
      const producer: Producer = kafka.producer({ transactionalId: topic, idempotent: true, maxInFlightRequests: 1 });
      try {
        await producer.connect();
        const transaction = await producer.transaction();
        try {
          await transaction.send({ topic, messages: [{ value: 'warm-up' }] });
          await transaction.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition: 0, offset: '1' }] }] });
          await transaction.commit();
          return { attempts, elapsedMs: Date.now() - started };
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
      } catch (error) {
        if (!isWarmUpError(error) || Date.now() > end) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`the warm-up transaction did not commit within ${deadlineMs} ms after ${attempts} attempts: ${reason}`, { cause: error });
        }
        await pause(250);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
  } finally {
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
