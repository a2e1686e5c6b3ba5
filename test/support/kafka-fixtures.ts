import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import pino from 'pino';
import { openKafkaClient, toolKafkaSettings } from '../../src/kafka/open-client.js';
import type { InspectedRecord, OutgoingRecord, TopicInspector } from '../../src/kafka/types.js';

/**
 * The tests' view of Kafka, through the seam's TopicInspector (src/kafka/types.ts): an observer that
 * checks what the product wrote, on the kafkajs tools whichever client the product runs with.
 */
export function inspectorFor(brokers: string[]): TopicInspector {
  return openKafkaClient({ ...toolKafkaSettings(brokers, 'streamscore-test'), client: 'kafkajs' }, pino({ level: 'silent' })).inspector();
}

/**
 * Creates the topics and waits until every partition has a leader (a freshly started broker,
 * PrivateKafka, answers UNKNOWN_TOPIC_OR_PARTITION for a moment: broker-outage.test.ts failed in its
 * set-up once in 30 runs when that was not waited out).
 */
export async function createTopics(brokers: string[], topics: { topic: string; partitions: number }[]): Promise<void> {
  await inspectorFor(brokers).createTopics(topics, 30_000);
}

/** Best effort: a test's cleanup must not hide its result. */
export async function deleteTopics(brokers: string[], topics: string[]): Promise<void> {
  await inspectorFor(brokers).deleteTopics(topics);
}

/** Best effort: deletes the consumer groups whose id `matches`. */
export async function deleteGroups(brokers: string[], matches: (groupId: string) => boolean): Promise<void> {
  await inspectorFor(brokers).deleteGroups(matches);
}

export type TestMessage = OutgoingRecord;

export async function produce(brokers: string[], topic: string, messages: TestMessage[]): Promise<void> {
  await inspectorFor(brokers).produce(topic, messages);
}

/** A connected producer for many sends (acks=all): close it when done. */
export function openProducer(brokers: string[]): ReturnType<TopicInspector['openProducer']> {
  return inspectorFor(brokers).openProducer();
}

/** Registers a schema and returns an encoder to Confluent wire format. */
export async function avroEncoder(registryUrl: string, subject: string, schema: object): Promise<(value: unknown) => Promise<Buffer>> {
  const registry = new SchemaRegistry({ host: registryUrl });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  return (value) => registry.encode(id, value);
}

export async function avroDecoder(registryUrl: string): Promise<(buffer: Buffer) => Promise<any>> {
  const registry = new SchemaRegistry({ host: registryUrl });
  return (buffer) => registry.decode(buffer);
}

export async function endOffsets(brokers: string[], topic: string): Promise<Map<number, string>> {
  return inspectorFor(brokers).endOffsets(topic);
}

export async function committedOffsets(brokers: string[], groupId: string, topic: string): Promise<Map<number, string>> {
  return inspectorFor(brokers).committedOffsets(groupId, topic);
}

/** Polls until the group has committed the topic's end offsets on every partition. */
export async function waitForCommittedToEnd(brokers: string[], groupId: string, topic: string, timeoutMs: number, isAlive?: () => void): Promise<void> {
  const ends = await endOffsets(brokers, topic);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    isAlive?.();
    const committed = await committedOffsets(brokers, groupId, topic);
    const behind = [...ends].filter(([p, end]) => committed.get(p) !== end);
    if (!behind.length) return;
    last = behind.map(([p, end]) => `${p}: ${committed.get(p)}/${end}`).join(', ');
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not commit to the end of ${topic} within ${timeoutMs} ms (partition: committed/end ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export type ReadMessage = InspectedRecord;

/** The whole topic, up to the end offsets it has when called (TopicInspector.readTopic). */
export async function readTopic(brokers: string[], topic: string, isolation: 'read_committed' | 'read_uncommitted', timeoutMs = 60_000): Promise<ReadMessage[]> {
  return inspectorFor(brokers).readTopic(topic, isolation, timeoutMs);
}
