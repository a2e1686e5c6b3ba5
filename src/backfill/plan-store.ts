import { StreamscoreError } from '../errors.js';
import type { GroupOffset, GroupOffsetsStore } from '../kafka/types.js';
import type { BackfillIdentity } from './identity.js';
import type { BackfillPlan } from './plan.js';

/**
 * The plan of a backfill, kept in Kafka so that every resume (from any machine) scores exactly
 * the offsets planned at the first run, whatever the topic looks like now: the plan group's
 * committed offset of each partition is the range's end, its metadata the rest. Deleted with the
 * backfill group by `--restart`.
 */
export interface StoredPlan {
  plan: BackfillPlan;
  /** What the first run scored with, to warn when a resume differs. */
  outputTopic: string;
  modelSha256: string;
}

interface PartitionMetadata {
  v: 1;
  start: string;
  from: string;
  to: string;
  at: number;
  output: string;
  model: string;
}

/** The plan as committed offsets (one per partition) with JSON metadata. */
export function encodePlan(stored: StoredPlan): GroupOffset[] {
  const { plan } = stored;
  return plan.partitions.map((range) => {
    const metadata: PartitionMetadata = { v: 1, start: range.start.toString(), from: plan.from, to: plan.to, at: plan.plannedAt, output: stored.outputTopic, model: stored.modelSha256 };
    return { partition: range.partition, offset: range.end.toString(), metadata: JSON.stringify(metadata) };
  });
}

/** The stored plan, undefined when none is stored; ERR_BACKFILL_RANGE when what is there is not a plan. */
export function decodePlan(topic: string, offsets: GroupOffset[], group: string): StoredPlan | undefined {
  if (!offsets.length) return undefined;
  const unreadable = (why: string): never => {
    throw new StreamscoreError('ERR_BACKFILL_RANGE', `the stored plan of this backfill (group ${group}) is unreadable (${why}); run again with --restart to plan it anew`);
  };
  const entries = offsets.map((o) => {
    let meta: PartitionMetadata;
    try {
      meta = JSON.parse(o.metadata ?? '') as PartitionMetadata;
    } catch {
      return unreadable(`partition ${o.partition} has no plan metadata`);
    }
    if (meta?.v !== 1 || typeof meta.start !== 'string' || !/^\d+$/.test(meta.start)) unreadable(`partition ${o.partition}: unknown metadata ${o.metadata}`);
    return { partition: o.partition, end: BigInt(o.offset), meta };
  }).sort((a, b) => a.partition - b.partition);
  const first = entries[0].meta;
  if (entries.some((e) => e.meta.from !== first.from || e.meta.to !== first.to || e.meta.at !== first.at)) unreadable('partitions from different plans');
  return {
    plan: {
      topic,
      from: first.from,
      to: first.to,
      plannedAt: first.at,
      partitions: entries.map((e) => ({ partition: e.partition, start: BigInt(e.meta.start), end: e.end })),
    },
    outputTopic: first.output,
    modelSha256: first.model,
  };
}

/** Reads and writes the plan of one backfill. */
export class PlanStore {
  constructor(private readonly groups: GroupOffsetsStore, private readonly identity: BackfillIdentity) {}

  async load(topic: string): Promise<StoredPlan | undefined> {
    return decodePlan(topic, await this.groups.fetch(this.identity.planGroup, topic), this.identity.planGroup);
  }

  async save(stored: StoredPlan): Promise<void> {
    await this.groups.commit(this.identity.planGroup, stored.plan.topic, encodePlan(stored), this.identity.planGroup);
  }
}
