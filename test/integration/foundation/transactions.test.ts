/**
 * Foundation: the broker's transactions behave as the exactly-once design assumes (DESIGN.md §3).
 * One record is committed in a transaction and one aborted; a read_committed consumer must see only the
 * first, a read_uncommitted consumer both. No sleeps: each consumer reads until its position reaches the
 * partition's high watermark (which also covers the two transaction markers), with a deadline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { resolveTestEnvironment, uniqueName, waitFor, type TestEnvironment } from '../../support/environment.js';

const DEADLINE_MS = 30_000;

describe('foundation: Kafka transactions', () => {
  let environment: TestEnvironment;
  let kafka: Kafka;
  let admin: Admin;
  const topic = uniqueName('foundation-txn');
  const groups: string[] = [];

  before(async () => {
    environment = await resolveTestEnvironment();
    kafka = new Kafka({ clientId: 'foundation-txn', brokers: environment.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  });

  after(async () => {
    if (admin !== undefined) {
      await admin.deleteGroups(groups).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
      await admin.disconnect();
    }
    await environment?.stop();
  });

  /** Reads partition 0 from the beginning until the consumer's position reaches `highWatermark`. */
  async function readAll(isolation: 'read_committed' | 'read_uncommitted', highWatermark: number): Promise<string[]> {
    const groupId = uniqueName(`foundation-txn-${isolation}`);
    groups.push(groupId);
    const consumer = kafka.consumer({ groupId, readUncommitted: isolation === 'read_uncommitted', maxWaitTimeInMs: 100 });
    const values: string[] = [];
    let position = 0;
    // END_BATCH_PROCESS reports the batch's last offset including control records and filtered
    // (aborted) records, so the position passes the markers even when no message is delivered.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      position = Math.max(position, Number(event.payload.lastOffset) + 1);
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '<null>');
        },
      });
      await waitFor(() => position >= highWatermark, { timeoutMs: DEADLINE_MS, what: `the ${isolation} consumer to reach offset ${highWatermark}` });
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  it('read_committed sees only the committed record; read_uncommitted sees both', async () => {
    const producer = kafka.producer({ transactionalId: uniqueName('foundation-txn-producer'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ key: 'k', value: 'committed' }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ key: 'k', value: 'aborted' }] });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }

    // offset 0: committed record, 1: its commit marker, 2: aborted record, 3: its abort marker.
    const [partition] = await admin.fetchTopicOffsets(topic);
    const highWatermark = Number(partition.high);
    assert.equal(highWatermark, 4, 'two records and two transaction markers');

    assert.deepEqual(await readAll('read_committed', highWatermark), ['committed']);
    assert.deepEqual(await readAll('read_uncommitted', highWatermark), ['committed', 'aborted']);
  });
});
