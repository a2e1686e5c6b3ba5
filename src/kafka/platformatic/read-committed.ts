/**
 * read_committed filtering of one partition's fetched record batches, done again on the raw
 * response because @platformatic/kafka 1.35.0 under-filters.
 *
 * Its Consumer#filterUncommittedMessages (dist/clients/consumer/consumer.js) keeps ONE aborted
 * range per producer id (a Map keyed by producerId, the last entry of the list wins) and skips
 * ranges whose abort marker is not in the same fetch. So when one producer aborted several
 * transactions in the fetched range, or the abort marker lies past the fetch, records of aborted
 * transactions are delivered as committed. Its filter only ever keeps too much, never too little,
 * so running the right algorithm over what it left is enough.
 *
 * The algorithm is the Java consumer's (clients/.../consumer/internals/CompletedFetch.java,
 * nextFetchedRecord): the aborted transactions of the response sorted by first offset; at each
 * batch that has a producer id, every entry whose first offset is at or below the batch's LAST
 * offset marks its producer aborted; an ABORT control batch of that producer ends it; a
 * transactional data batch of an aborted producer is skipped whole. Control batches are never
 * delivered. src/kafka/kafkajs/read-committed-fix.ts is the same algorithm over kafkajs messages.
 */

/** Record batch attributes (KIP-98, DefaultRecordBatch): bit 4 transactional, bit 5 control. */
export const TRANSACTIONAL_FLAG = 1 << 4;
export const CONTROL_FLAG = 1 << 5;
/** A batch written without a producer id (not idempotent, not transactional). */
const NO_PRODUCER_ID = -1n;

/** The fields of a fetched record batch this filter reads (platformatic's RecordsBatch has them). */
export interface FilterableBatch {
  firstOffset: bigint;
  lastOffsetDelta: number;
  attributes: number;
  producerId: bigint;
  records: readonly { key: Buffer | null }[];
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export function isControlBatch(batch: FilterableBatch): boolean {
  return (batch.attributes & CONTROL_FLAG) !== 0;
}

export function lastOffsetOf(batch: FilterableBatch): bigint {
  return batch.firstOffset + BigInt(batch.lastOffsetDelta);
}

/**
 * A control record's key is `version: int16, type: int16`; type 0 is ABORT, 1 is COMMIT
 * (ControlRecordType.java). A control batch holds exactly one control record.
 */
function isAbortMarker(batch: FilterableBatch): boolean {
  const key = batch.records[0]?.key;
  return isControlBatch(batch) && !!key && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * The data batches a read_committed consumer may deliver, in order: control batches and the
 * batches of aborted transactions removed. `aborted` is the partition's `aborted_transactions`
 * from the fetch response, in any order.
 */
export function committedBatches<B extends FilterableBatch>(batches: readonly B[], aborted: readonly AbortedTransaction[]): B[] {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  const kept: B[] = [];
  for (const batch of batches) {
    if (batch.producerId !== NO_PRODUCER_ID) {
      const last = lastOffsetOf(batch);
      while (pending.length && pending[0].firstOffset <= last) abortedProducers.add(pending.shift()!.producerId);
      if (isAbortMarker(batch)) {
        abortedProducers.delete(batch.producerId);
        continue;
      }
      if ((batch.attributes & TRANSACTIONAL_FLAG) !== 0 && abortedProducers.has(batch.producerId)) continue;
    }
    if (!isControlBatch(batch)) kept.push(batch);
  }
  return kept;
}
