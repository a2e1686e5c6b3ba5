/**
 * The offsets of every input partition of a transaction in ONE TxnOffsetCommit (v3+), carrying the
 * consumer's group metadata (KIP-447). platformatic's Transaction#addOffset sends one request per
 * partition and takes generation and member from a consumed message's metadata; this sends the
 * window's offsets at once, the way the Java producer's sendOffsetsToTransaction does.
 *
 *   TxnOffsetCommit Request (Version: 3+) => transactional_id group_id producer_id producer_epoch
 *     generation_id member_id group_instance_id [topics]
 *       topics => name [partitions]
 *         partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *
 * Without group metadata (generation -1, member ''), the coordinator accepts the commit from anyone
 * (ClassicGroup.validateOffsetCommit: transactional commits without member are the pre-KIP-447 form).
 */
import type { Producer } from '@platformatic/kafka';
import type { GroupMetadata, OffsetToCommit } from '../types.js';
import { callApi, findGroupCoordinator } from './broker-api.js';
import { hasProtocolError } from './errors.js';

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  groupMetadata?: GroupMetadata;
  offsets: readonly OffsetToCommit[];
}

/** Errors after which the Java client retries the same commit (TxnOffsetCommitHandler); the coordinator ones re-look it up. */
const COORDINATOR_MOVED = ['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'REQUEST_TIMED_OUT'];
const RETRIABLE = [...COORDINATOR_MOVED, 'COORDINATOR_LOAD_IN_PROGRESS', 'UNKNOWN_TOPIC_OR_PARTITION', 'CONCURRENT_TRANSACTIONS', 'NETWORK_EXCEPTION'];
const ATTEMPTS = 8;

export async function commitTransactionalOffsets(producer: Producer, request: TxnOffsetCommitRequest): Promise<void> {
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: null }[]>();
  for (const o of request.offsets) {
    const partitions = byTopic.get(o.topic) ?? [];
    // Leader epoch -1: unknown. It only lets a later consumer detect log truncation; the pipeline seeks itself.
    partitions.push({ partitionIndex: o.partition, committedOffset: BigInt(o.nextOffset), committedLeaderEpoch: -1, committedMetadata: null });
    byTopic.set(o.topic, partitions);
  }
  const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  const metadata = request.groupMetadata;
  let coordinator: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      coordinator ??= await findGroupCoordinator(producer, request.groupId);
      await callApi(producer, 'TxnOffsetCommit', coordinator, [
        request.transactionalId, request.groupId, request.producerId, request.producerEpoch,
        metadata?.generationId ?? -1, metadata?.memberId ?? '', null, topics,
      ]);
      return;
    } catch (error) {
      const transient = hasProtocolError(error, RETRIABLE) || (error as { code?: string }).code === 'PLT_KFK_NETWORK';
      if (!transient || attempt >= ATTEMPTS) throw error;
      if (hasProtocolError(error, COORDINATOR_MOVED)) coordinator = undefined;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
    }
  }
}
