import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { committedBatches, CONTROL_FLAG, TRANSACTIONAL_FLAG, type FilterableBatch } from '../../../../src/kafka/platformatic/read-committed.js';

const ABORT_KEY = Buffer.from([0, 0, 0, 0]);
const COMMIT_KEY = Buffer.from([0, 0, 0, 1]);

/** A transactional data batch of `count` records at `offset`. */
const data = (offset: number, producer: number, count = 1): FilterableBatch => ({
  firstOffset: BigInt(offset), lastOffsetDelta: count - 1, attributes: TRANSACTIONAL_FLAG, producerId: BigInt(producer),
  records: Array.from({ length: count }, () => ({ key: Buffer.from('k') })),
});
const marker = (offset: number, producer: number, key: Buffer): FilterableBatch => ({
  firstOffset: BigInt(offset), lastOffsetDelta: 0, attributes: TRANSACTIONAL_FLAG | CONTROL_FLAG, producerId: BigInt(producer), records: [{ key }],
});
const abort = (offset: number, producer: number) => marker(offset, producer, ABORT_KEY);
const commit = (offset: number, producer: number) => marker(offset, producer, COMMIT_KEY);
const plain = (offset: number): FilterableBatch => ({ firstOffset: BigInt(offset), lastOffsetDelta: 0, attributes: 0, producerId: -1n, records: [{ key: null }] });
const aborted = (producer: number, first: number) => ({ producerId: BigInt(producer), firstOffset: BigInt(first) });

const cases: { name: string; batches: FilterableBatch[]; abortedTransactions: ReturnType<typeof aborted>[]; kept: number[] }[] = [
  {
    name: 'several aborted transactions of one producer in one fetch (platformatic keeps only the last range)',
    batches: [data(0, 1), abort(1, 1), data(2, 1), abort(3, 1), data(4, 1), commit(5, 1), data(6, 1), abort(7, 1)],
    abortedTransactions: [aborted(1, 0), aborted(1, 2), aborted(1, 6)],
    kept: [4],
  },
  {
    name: 'abort marker beyond the fetch (an open range platformatic leaves unfiltered)',
    batches: [data(10, 1, 3), data(13, 1)],
    abortedTransactions: [aborted(1, 10)],
    kept: [],
  },
  {
    name: 'interleaved producers, aborts listed in abort order not first-offset order',
    batches: [data(0, 1), data(1, 2), data(2, 1), data(3, 2), abort(4, 2), abort(5, 1), data(6, 3), commit(7, 3)],
    abortedTransactions: [aborted(2, 1), aborted(1, 0)],
    kept: [6],
  },
  {
    name: 'commit markers end nothing: the committed transaction after an abort is kept',
    batches: [data(0, 1), abort(1, 1), data(2, 1, 2), commit(4, 1)],
    abortedTransactions: [aborted(1, 0)],
    kept: [2],
  },
  {
    name: 'an aborted transaction starting inside a multi-record batch counts from that batch (its last offset)',
    batches: [data(0, 1, 5), abort(5, 1)],
    abortedTransactions: [aborted(1, 3)],
    kept: [],
  },
  {
    name: 'another producer\'s committed records between the aborted ones are kept',
    batches: [data(0, 1), data(1, 2), commit(2, 2), data(3, 1), abort(4, 1)],
    abortedTransactions: [aborted(1, 0)],
    kept: [1],
  },
  {
    name: 'non-transactional batches and nothing aborted: all data kept, markers dropped',
    batches: [plain(0), data(1, 1), commit(2, 1), plain(3)],
    abortedTransactions: [],
    kept: [0, 1, 3],
  },
  {
    name: 'an aborted entry whose first offset precedes the fetch (the fetch starts mid-transaction)',
    batches: [data(20, 1), abort(21, 1), data(22, 1), commit(23, 1)],
    abortedTransactions: [aborted(1, 15)],
    kept: [22],
  },
];

describe('read_committed filter (Java CompletedFetch algorithm)', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(committedBatches(c.batches, c.abortedTransactions).map((b) => Number(b.firstOffset)), c.kept);
    });
  }
});
