import { asKafkaError } from '../kafka/errors.js';
import type { OffsetsAdmin } from '../kafka/types.js';
import { buildPlan, type PlanResult } from './plan.js';
import type { Bound } from './range.js';

/**
 * Looks up what the plan needs, then plans (plan.ts). Watermarks first, then the time lookups
 * (ListOffsets by timestamp: per partition the first offset whose timestamp is ≥ the time, or the
 * end when there is none). The high watermark read here is where a `latest` range ends for good.
 */
export async function planBackfill(admin: OffsetsAdmin, topic: string, from: Bound, to: Bound, now: number): Promise<PlanResult> {
  await admin.requireTopics([topic]);
  try {
    return await plan(admin, topic, from, to, now);
  } catch (error) {
    throw asKafkaError(error, `Looking up the offsets of ${topic}`);
  }
}

async function plan(admin: OffsetsAdmin, topic: string, from: Bound, to: Bound, now: number): Promise<PlanResult> {
  const watermarks = (await admin.partitionOffsets(topic)).map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
  const lookup = async (bound: Bound): Promise<Map<number, bigint> | undefined> => {
    if (bound.kind !== 'time') return undefined;
    const offsets = await admin.offsetsForTime(topic, bound.ms);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
  };
  const [fromTimeOffsets, toTimeOffsets] = [await lookup(from), await lookup(to)];
  return buildPlan({ topic, from, to, watermarks, fromTimeOffsets, toTimeOffsets, plannedAt: now });
}
