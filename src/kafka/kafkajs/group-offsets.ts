import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { Partitioners, type Kafka, type KafkaJSDeleteGroupsError, type PartitionOffset } from 'kafkajs';
import { AdminClient } from './admin-client.js';
import { GroupNotEmptyError } from '../errors.js';
import type { GroupOffset, GroupOffsetsStore } from '../types.js';
import { toKafkaError } from './errors.js';

/** DeleteGroups error codes (Kafka protocol, org.apache.kafka.common.protocol.Errors). */
const NON_EMPTY_GROUP = 68;
const GROUP_ID_NOT_FOUND = 69;

/**
 * Consumer-group offsets administered from outside the group, for backfills: read them with
 * their metadata, write them with metadata, delete whole groups. kafkajs' admin has no plain
 * OffsetCommit with metadata (setOffsets joins the group and drops metadata), so writes go
 * through a transaction's TxnOffsetCommit, which carries metadata and needs no group membership.
 */
export class GroupOffsets extends AdminClient implements GroupOffsetsStore {
  constructor(private readonly kafka: Kafka) {
    super(kafka);
  }

  /** The group's committed offsets on the topic; partitions without one are left out. */
  async fetch(groupId: string, topic: string): Promise<GroupOffset[]> {
    try {
      const [result] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      return (result?.partitions ?? [])
        .filter((p) => p.offset !== '-1')
        .map((p) => ({ partition: p.partition, offset: p.offset, metadata: p.metadata ?? null }));
    } catch (error) {
      throw toKafkaError(error, `Fetching the committed offsets of group ${groupId}`);
    }
  }

  /** Commits offsets with metadata for the group, in one transaction of `transactionalId`. */
  async commit(groupId: string, topic: string, offsets: GroupOffset[], transactionalId: string): Promise<void> {
    const producer = this.kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: false, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await producer.connect();
      const transaction = await producer.transaction();
      try {
        // kafkajs' types omit `metadata`, but its TxnOffsetCommit encoder writes it.
        const partitions = offsets.map((o) => ({ partition: o.partition, offset: o.offset, metadata: o.metadata }) as PartitionOffset);
        await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions }] });
        await transaction.commit();
      } catch (error) {
        if (transaction.isActive()) await transaction.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw toKafkaError(error, `Committing offsets for group ${groupId}`);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Deletes the groups (their committed offsets go with them). Groups that do not exist are fine;
   * a group with members is refused by the broker: {@link GroupNotEmptyError}.
   */
  async deleteGroups(groupIds: string[]): Promise<void> {
    try {
      await this.admin.deleteGroups(groupIds);
    } catch (error) {
      const failed = (error as KafkaJSDeleteGroupsError).groups;
      if (!Array.isArray(failed)) throw toKafkaError(error, `Deleting groups ${groupIds.join(', ')}`);
      const busy = failed.find((g) => g.errorCode === NON_EMPTY_GROUP);
      if (busy) throw new GroupNotEmptyError(busy.groupId);
      const other = failed.filter((g) => g.errorCode !== GROUP_ID_NOT_FOUND);
      if (other.length) throw toKafkaError(other[0].error ?? error, `Deleting group ${other[0].groupId}`);
    }
  }

  /** Members of the group right now (0 when it is empty, dead or unknown). */
  async memberCount(groupId: string): Promise<number> {
    try {
      const { groups } = await this.admin.describeGroups([groupId]);
      return groups[0]?.members.length ?? 0;
    } catch (error) {
      throw toKafkaError(error, `Describing group ${groupId}`);
    }
  }
}
