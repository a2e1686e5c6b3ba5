/**
 * A group's committed offsets read with require_stable (OffsetFetch v7+, KIP-447): while a
 * transaction that carries offsets for a partition is open, the coordinator answers
 * UNSTABLE_OFFSET_COMMIT for it instead of the last committed offset, which is about to change.
 * Reading through that window would resume a partition from an offset the open transaction is
 * about to move past, and redo its records. That answer is retried here until `deadlineMs`.
 */
import type { Admin } from '@platformatic/kafka';
import { StreamscoreError } from '../../errors.js';
import { hasProtocolError, toKafkaError } from './errors.js';

const UNSTABLE = ['UNSTABLE_OFFSET_COMMIT'];
/** A transaction normally ends within milliseconds; the deadline covers one that times out. */
export const STABLE_OFFSETS_DEADLINE_MS = 60_000;

/** `topic:partition` → committed offset; partitions without a committed offset are absent. */
export async function stableCommittedOffsets(admin: Admin, groupId: string, topics: { topic: string; partitions?: number[] }[], deadlineMs = STABLE_OFFSETS_DEADLINE_MS): Promise<Map<string, bigint>> {
  const end = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      // Without partitions, ask for the whole topic: platformatic needs the indexes, so look them up.
      const request = await Promise.all(topics.map(async (t) => ({ name: t.topic, partitionIndexes: t.partitions ?? (await partitionIndexes(admin, t.topic)) })));
      const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: request }], requireStable: true });
      const out = new Map<string, bigint>();
      for (const topic of group?.topics ?? []) {
        for (const p of topic.partitions) if (p.committedOffset >= 0n) out.set(`${topic.name}:${p.partitionIndex}`, p.committedOffset);
      }
      return out;
    } catch (error) {
      if (!hasProtocolError(error, UNSTABLE)) throw toKafkaError(error, `Fetching the committed offsets of group ${groupId}`, 'source');
      if (Date.now() >= end) {
        throw new StreamscoreError('ERR_KAFKA_TRANSIENT', `Committed offsets of group ${groupId} stayed unstable (a transaction with its offsets is open) for ${deadlineMs} ms`, { cause: error, stage: 'source' });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** attempt)));
    }
  }
}

async function partitionIndexes(admin: Admin, topic: string): Promise<number[]> {
  const metadata = await admin.metadata({ topics: [topic] });
  const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
  return Array.from({ length: count }, (_, i) => i);
}
