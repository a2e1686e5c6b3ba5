import type { InputRecord } from '../../records/types.js';

/** Record batch attribute bit 3: the broker's LogAppendTime stamps the batch (maxTimestamp) for all its records. */
const LOG_APPEND_TIME_FLAG = 1 << 3;

/** The fields of platformatic's RecordsBatch this module reads. */
export interface DataBatch {
  firstOffset: bigint;
  attributes: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  records: readonly {
    offsetDelta: number;
    timestampDelta: bigint;
    key: Buffer | null;
    value: Buffer | null;
    headers: readonly [Buffer | null, Buffer | null][];
  }[];
}

/** Shared by every record without headers (most): one object less per record in flight. */
const NO_HEADERS: Record<string, Buffer | undefined> = Object.freeze({});

/**
 * The records of a batch at or after `fromOffset`, as the pipeline sees them. A fetch returns whole
 * batches, so the first may start before the offset asked for; the Java consumer skips those
 * records too (CompletedFetch: "skip any records out of range"). Headers as kafkajs' toInputRecord
 * gives them: the first value of a repeated key wins, a null value is undefined.
 */
export function toInputRecords(topic: string, partition: number, batch: DataBatch, fromOffset: bigint, into: InputRecord[] = []): InputRecord[] {
  const logAppendTime = (batch.attributes & LOG_APPEND_TIME_FLAG) !== 0;
  for (const record of batch.records) {
    const offset = batch.firstOffset + BigInt(record.offsetDelta);
    if (offset < fromOffset) continue;
    const timestamp = logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta;
    into.push({
      topic,
      partition,
      offset: offset.toString(),
      timestamp: timestamp.toString(),
      key: record.key,
      value: record.value,
      headers: normaliseHeaders(record.headers),
      size: (record.key?.length ?? 0) + (record.value?.length ?? 0),
    });
  }
  return into;
}

function normaliseHeaders(headers: readonly [Buffer | null, Buffer | null][]): Record<string, Buffer | undefined> {
  if (headers.length === 0) return NO_HEADERS;
  const out: Record<string, Buffer | undefined> = {};
  for (const [key, value] of headers) {
    if (key === null) continue;
    const name = key.toString();
    if (name in out) continue;
    out[name] = value ?? undefined;
  }
  return out;
}
