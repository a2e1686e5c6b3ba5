/**
 * One round of fetching: a Fetch request per partition leader for the positioned partitions, sent
 * concurrently, each partition's answer paired with the cursor epoch it was asked at.
 *
 * It uses Consumer#fetch (one request to one node), not platformatic's MessagesStream: the stream
 * has no per-partition seek or pause and overwrites its offsets after each fetch, so a seek racing a
 * fetch is lost. A partition-level error makes platformatic reject the whole request with a
 * ResponseError that still carries the parsed `response`; the good partitions are taken from it.
 */
import { FetchIsolationLevels, type Consumer } from '@platformatic/kafka';
import type { Cursor } from './partition-cursors.js';

/** Bounded as kafkajs' FETCH_LIMITS in src/kafka/kafkajs/input-consumer.ts (docs/benchmarks.md): windows bound memory, the fetch need not. */
export const FETCH_LIMITS = { maxWaitTimeMs: 250, maxBytesPerPartition: 256 * 1024, maxBytes: 1_536 * 1024 } as const;

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
export type FetchedPartition = FetchResponse['responses'][number]['partitions'][number];

export interface PartitionFetch {
  topic: string;
  partition: number;
  /** The cursor epoch the request was built at. */
  epoch: number;
  fetchOffset: bigint;
  result: FetchedPartition;
}

/** Fetches every cursor once; rejects only when a whole request failed without a response. */
export async function fetchRound(consumer: Consumer, cursors: readonly Cursor[]): Promise<PartitionFetch[]> {
  const topics = [...new Set(cursors.map((c) => c.topic))];
  const metadata = await consumer.metadata({ topics });
  const asked = new Map<string, { cursor: Cursor; epoch: number; fetchOffset: bigint }>();
  const byLeader = new Map<number, Map<string, { topicId: string; partitions: { partition: number; currentLeaderEpoch: number; fetchOffset: bigint; lastFetchedEpoch: number; partitionMaxBytes: number }[] }>>();
  const topicNames = new Map<string, string>();
  for (const cursor of cursors) {
    const topic = metadata.topics.get(cursor.topic);
    const leader = topic?.partitions[cursor.partition]?.leader;
    if (!topic || leader === undefined || leader < 0) continue;
    topicNames.set(topic.id, cursor.topic);
    const requests = byLeader.get(leader) ?? new Map();
    byLeader.set(leader, requests);
    const request = requests.get(topic.id) ?? { topicId: topic.id, partitions: [] };
    requests.set(topic.id, request);
    // Leader epochs -1: no truncation detection (KIP-320); a fenced leader epoch refreshes metadata instead.
    request.partitions.push({ partition: cursor.partition, currentLeaderEpoch: -1, fetchOffset: cursor.position!, lastFetchedEpoch: -1, partitionMaxBytes: FETCH_LIMITS.maxBytesPerPartition });
    asked.set(`${topic.id}:${cursor.partition}`, { cursor, epoch: cursor.epoch, fetchOffset: cursor.position! });
  }
  const responses = await Promise.all([...byLeader].map(async ([node, requests]) => {
    try {
      return await consumer.fetch({ node, topics: [...requests.values()], maxWaitTime: FETCH_LIMITS.maxWaitTimeMs, minBytes: 1, maxBytes: FETCH_LIMITS.maxBytes, isolationLevel: FetchIsolationLevels.READ_COMMITTED });
    } catch (error) {
      const response = responseOf(error);
      if (!response) throw error;
      return response;
    }
  }));
  const out: PartitionFetch[] = [];
  for (const response of responses) {
    for (const topic of response.responses) {
      const name = topicNames.get(topic.topicId);
      for (const result of topic.partitions) {
        const request = asked.get(`${topic.topicId}:${result.partitionIndex}`);
        if (name === undefined || !request) continue;
        out.push({ topic: name, partition: result.partitionIndex, epoch: request.epoch, fetchOffset: request.fetchOffset, result });
      }
    }
  }
  return out;
}

/** The parsed response a ResponseError carries (the last attempt's, when platformatic retried). */
function responseOf(error: unknown): FetchResponse | undefined {
  let found: FetchResponse | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 4) return;
    const e = node as { response?: FetchResponse; errors?: unknown[] };
    if (e.response && Array.isArray(e.response.responses)) found = e.response;
    for (const child of e.errors ?? []) visit(child, depth + 1);
  };
  visit(error, 0);
  return found;
}
