import { Admin } from '@platformatic/kafka';
import { requireExisting } from '../errors.js';
import type { OffsetsAdmin, PartitionOffsets } from '../types.js';
import { baseOptions, type KafkaConfig } from './client-options.js';
import { stableCommittedOffsets } from './committed-offsets.js';
import { classified } from './errors.js';

/** ListOffsets timestamps: -2 earliest, -1 latest (the log end). */
const EARLIEST = -2n;
const LATEST = -1n;

/** The admin calls the pipeline needs, on @platformatic/kafka's Admin. */
export class PlatformaticOffsetsAdmin implements OffsetsAdmin {
  private readonly admin: Admin;

  constructor(config: KafkaConfig, clientIdSuffix: string) {
    this.admin = new Admin(baseOptions(config, `${clientIdSuffix}-admin`));
  }

  /** platformatic connects on first use: a metadata request proves the cluster answers. */
  async connect(): Promise<void> {
    await classified('Connecting the admin client', () => this.admin.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    await this.admin.close().catch(() => undefined);
  }

  async listTopics(): Promise<string[]> {
    return classified('Listing topics', () => this.admin.listTopics({ includeInternals: false }));
  }

  async requireTopics(topics: string[]): Promise<void> {
    requireExisting(await this.listTopics(), topics);
  }

  /** Read with require_stable: waits (up to a deadline) for a transaction holding offsets of this partition to end. */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<string | undefined> {
    const offsets = await stableCommittedOffsets(this.admin, groupId, [{ topic, partitions: [partition] }]);
    return offsets.get(`${topic}:${partition}`)?.toString();
  }

  async committedOffsets(groupId: string, topics: string[]): Promise<Map<string, string>> {
    const offsets = await stableCommittedOffsets(this.admin, groupId, topics.map((topic) => ({ topic })));
    return new Map([...offsets].map(([key, offset]) => [key, offset.toString()]));
  }

  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const [low, high] = await Promise.all([this.listOffsets(topic, EARLIEST), this.listOffsets(topic, LATEST)]);
    return [...high].map(([partition, h]) => ({ partition, low: (low.get(partition) ?? 0n).toString(), high: h.toString() })).sort((a, b) => a.partition - b.partition);
  }

  /** The first offset at or after `timestamp` per partition; the log end where there is none (as kafkajs). */
  async offsetsForTime(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]> {
    const [atTime, end] = await Promise.all([this.listOffsets(topic, BigInt(timestamp)), this.listOffsets(topic, LATEST)]);
    return [...end].map(([partition, e]) => {
      const found = atTime.get(partition);
      return { partition, offset: (found === undefined || found < 0n ? e : found).toString() };
    }).sort((a, b) => a.partition - b.partition);
  }

  async ownsPartition(groupId: string, memberId: string, topic: string, partition: number): Promise<'owned' | 'not-owned' | 'unsettled'> {
    const groups = await classified(`Describing group ${groupId}`, () => this.admin.describeGroups({ groups: [groupId] }));
    const group = groups.get(groupId);
    if (!group || group.state !== 'STABLE') return 'unsettled';
    const member = group.members.get(memberId);
    if (!member) return 'not-owned';
    return member.assignments?.get(topic)?.partitions.includes(partition) ? 'owned' : 'not-owned';
  }

  private async listOffsets(topic: string, timestamp: bigint): Promise<Map<number, bigint>> {
    return classified(`Looking up the offsets of ${topic}`, async () => {
      const metadata = await this.admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
      const [result] = await this.admin.listOffsets({ topics: [{ name: topic, partitions }] });
      return new Map((result?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
    });
  }
}
