import { StreamscoreError } from '../errors.js';

/**
 * One end of a backfill range, as given on the command line (`--from`, `--to`). Times and the
 * words resolve to offsets per partition when the backfill is planned (see plan.ts).
 */
export type Bound =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** Epoch milliseconds: the first record whose timestamp is at or after it. */
  | { kind: 'time'; ms: number }
  /** Explicit offsets of some partitions of one topic; the partitions not listed are left out. */
  | { kind: 'offsets'; topic: string; offsets: Map<number, bigint> };

export type BoundOption = '--from' | '--to';

const FORMS = "an ISO-8601 date-time with a zone (2026-11-01T00:00:00Z), a date (2026-11-01, midnight UTC), 'earliest', 'latest' or offsets 'topic:partition:offset,…'";

// Date.parse also takes loose formats ("Nov 5") and reads a date-time without a zone as local time:
// a backfill range must mean the same thing on every machine, so insist on ISO-8601 with a zone.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET_ENTRY = /^([^:\s]+):(\d+):(\d+)$/;

function refuse(option: BoundOption, raw: string, why: string): never {
  throw new StreamscoreError('ERR_BACKFILL_RANGE', `${option} "${raw}": ${why}`);
}

/** Parses `--from` / `--to`; refuses anything else with ERR_BACKFILL_RANGE. */
export function parseBound(raw: string, option: BoundOption = '--from'): Bound {
  const text = raw.trim();
  const word = text.toLowerCase();
  if (word === 'earliest') return { kind: 'earliest' };
  if (word === 'latest') return { kind: 'latest' };
  if (DATE_ONLY.test(text) || DATE_TIME.test(text)) {
    // Sub-millisecond digits would be dropped silently by Date.parse only past 3 digits; fine.
    const ms = Date.parse(text.toUpperCase());
    if (!Number.isFinite(ms)) refuse(option, raw, 'not a valid calendar date-time');
    return { kind: 'time', ms };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) refuse(option, raw, 'a date-time needs a zone (Z or ±hh:mm), so that it means the same everywhere');
  if (text.includes(':')) return parseOffsets(text, raw, option);
  return refuse(option, raw, `expected ${FORMS}`);
}

function parseOffsets(text: string, raw: string, option: BoundOption): Bound {
  let topic: string | undefined;
  const offsets = new Map<number, bigint>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    const match = OFFSET_ENTRY.exec(entry);
    if (!match) refuse(option, raw, `"${entry}" is not topic:partition:offset (${FORMS})`);
    const [, entryTopic, partitionText, offsetText] = match;
    if (topic !== undefined && entryTopic !== topic) refuse(option, raw, `offsets of one topic only (found ${topic} and ${entryTopic})`);
    topic = entryTopic;
    const partition = Number(partitionText);
    if (!Number.isSafeInteger(partition) || partition > 2 ** 31 - 1) refuse(option, raw, `partition ${partitionText} is out of range`);
    const offset = BigInt(offsetText);
    if (offset > 2n ** 63n - 1n) refuse(option, raw, `offset ${offsetText} is out of range`);
    if (offsets.has(partition)) refuse(option, raw, `partition ${partition} is listed twice`);
    offsets.set(partition, offset);
  }
  return { kind: 'offsets', topic: topic!, offsets };
}

/**
 * The bound in one canonical spelling: times as UTC ISO-8601 with milliseconds, offsets sorted by
 * partition. Two spellings of the same range give the same backfill id (identity.ts).
 */
export function canonicalBound(bound: Bound): string {
  switch (bound.kind) {
    case 'earliest':
    case 'latest':
      return bound.kind;
    case 'time':
      return new Date(bound.ms).toISOString();
    case 'offsets':
      return [...bound.offsets].sort(([a], [b]) => a - b).map(([p, o]) => `${bound.topic}:${p}:${o}`).join(',');
  }
}

/**
 * What can be refused before looking at the topic: offsets of another topic, `--to` before
 * `--from` in time, two offset lists naming different partitions. The per-partition order of
 * resolved offsets is checked when planning.
 */
export function checkBounds(topic: string, from: Bound, to: Bound): void {
  for (const [option, bound] of [['--from', from], ['--to', to]] as const) {
    if (bound.kind === 'offsets' && bound.topic !== topic) {
      throw new StreamscoreError('ERR_BACKFILL_RANGE', `${option} names offsets of topic ${bound.topic}, but the backfill reads ${topic}`);
    }
  }
  if (from.kind === 'time' && to.kind === 'time' && to.ms < from.ms) {
    throw new StreamscoreError('ERR_BACKFILL_RANGE', `--to ${canonicalBound(to)} is before --from ${canonicalBound(from)}`);
  }
  if (from.kind === 'latest' && to.kind !== 'latest') {
    throw new StreamscoreError('ERR_BACKFILL_RANGE', `--from latest starts at the end of the topic: only --to latest (an empty range) can follow it, not ${canonicalBound(to)}`);
  }
  if (to.kind === 'earliest' && from.kind !== 'earliest') {
    throw new StreamscoreError('ERR_BACKFILL_RANGE', `--to earliest ends at the start of the topic: it cannot follow --from ${canonicalBound(from)}`);
  }
  if (from.kind === 'offsets' && to.kind === 'offsets') {
    const a = [...from.offsets.keys()].sort((x, y) => x - y).join(',');
    const b = [...to.offsets.keys()].sort((x, y) => x - y).join(',');
    if (a !== b) throw new StreamscoreError('ERR_BACKFILL_RANGE', `--from and --to list different partitions (${a} vs ${b}); list the same ones`);
  }
}
