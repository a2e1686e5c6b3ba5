import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { requireExisting } from '../errors.js';
import type { OffsetsAdmin, PartitionOffsets } from '../types.js';
import { toKafkaError } from './errors.js';

/** The admin calls the pipeline needs, with kafkajs kept inside src/kafka. */
export class KafkaAdmin implements OffsetsAdmin {
  private readonly admin: Admin;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await classified('Connecting the admin client', () => this.admin.connect());
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async listTopics(): Promise<string[]> {
    return classified('Listing topics', () => this.admin.listTopics());
  }

  /** Refuses to start if a topic is missing (auto-creation is an operator's decision, not ours). */
  async requireTopics(topics: string[]): Promise<void> {
    requireExisting(await this.listTopics(), topics);
  }

  /** The group's committed offset for one partition; undefined if it never committed there. */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<string | undefined> {
    try {
      const [result] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      const offset = result?.partitions.find((p) => p.partition === partition)?.offset;
      return offset === undefined || offset === '-1' ? undefined : offset;
    } catch (error) {
      throw toKafkaError(error, `Fetching the committed offset of ${topic}:${partition}`);
    }
  }

  async committedOffsets(groupId: string, topics: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const result of await this.admin.fetchOffsets({ groupId, topics })) {
      for (const p of result.partitions) if (p.offset !== '-1') out.set(`${result.topic}:${p.partition}`, p.offset);
    }
    return out;
  }

  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await classified(`Looking up the offsets of ${topic}`, () => this.admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
  }

  async offsetsForTime(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]> {
    return classified(`Looking up the offsets of ${topic} at ${new Date(timestamp).toISOString()}`, () => this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
  }

  /**
   * Whether `memberId` owns the partition in a stable group. Used after being fenced, to tell
   * "another instance took the partition" (wait for the rebalance) from "our own transaction
   * timed out" (re-initialise and go on).
   */
  async ownsPartition(groupId: string, memberId: string, topic: string, partition: number): Promise<'owned' | 'not-owned' | 'unsettled'> {
    const { groups } = await this.admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group || group.state !== 'Stable') return 'unsettled';
    const member = group.members.find((m) => m.memberId === memberId);
    if (!member) return 'not-owned';
    const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return assignment?.assignment[topic]?.includes(partition) ? 'owned' : 'not-owned';
  }
}

/** Runs a kafkajs call, its failure turned into a catalogued error. */
async function classified<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error, what);
  }
}
