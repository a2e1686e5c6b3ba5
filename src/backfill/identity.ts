import { createHash } from 'node:crypto';
import path from 'node:path';
import { canonicalBound, type Bound } from './range.js';

/** What names a backfill in Kafka: its consumer group (also the transactional id prefix) and where its plan is kept. */
export interface BackfillIdentity {
  id: string;
  /** `<appId>.backfill.<id>`: the pipeline's appId for the run, so also the prefix of its transactional ids. */
  group: string;
  /** `<group>.plan`: a group that holds nothing but the plan, in its committed offsets (plan-store.ts). */
  planGroup: string;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** A `--id` must fit in a consumer group name and a transactional id. */
export function isValidBackfillId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * The default id: a short hash of the config file's absolute path, the topic and the range in its
 * canonical spelling. The range as given, not the offsets it resolves to: `--to latest` resolves to
 * a new end every time the topic grows, and the same command line must find the same backfill to
 * resume it. The offsets are fixed once, at the first run, and stored with the backfill.
 */
export function defaultBackfillId(configPath: string, topic: string, from: Bound, to: Bound): string {
  const key = JSON.stringify([path.resolve(configPath), topic, canonicalBound(from), canonicalBound(to)]);
  return createHash('sha256').update(key).digest('hex').slice(0, 10);
}

export function backfillIdentity(appId: string, id: string): BackfillIdentity {
  if (!isValidBackfillId(id)) throw new RangeError(`invalid backfill id "${id}"`);
  const group = `${appId}.backfill.${id}`;
  return { id, group, planGroup: `${group}.plan` };
}
