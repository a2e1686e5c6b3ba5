import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterAbortedMessages } from '../../../../src/kafka/kafkajs/read-committed-fix.js';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);
const rec = (offset: number, producerId: string, key: Buffer | null = Buffer.from('k')) => ({ key, offset: String(offset), batchContext: { producerId, inTransaction: true } });

describe('read_committed filtering (kafkajs fix)', () => {
  it('drops every aborted transaction even when the broker lists them out of first-offset order', () => {
    // Producer 1: records 0,2 then abort marker at 5. Producer 2: records 1,3 then abort marker at 4.
    // Producer 3: record 6 committed. The broker lists aborts in abort order: p2 (first 1), p1 (first 0).
    const messages = [rec(0, '1'), rec(1, '2'), rec(2, '1'), rec(3, '2'), rec(4, '2', ABORT), rec(5, '1', ABORT), rec(6, '3'), rec(7, '3', COMMIT)];
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ firstOffset: '1', producerId: '2' }, { firstOffset: '0', producerId: '1' }] });
    assert.deepEqual(kept.map((m) => m.offset), ['4', '5', '6', '7'], 'only markers and the committed record remain');
  });

  it('handles several aborted transactions starting before the same record', () => {
    const messages = [rec(10, '1'), rec(11, '2'), rec(12, '1', ABORT), rec(13, '2', ABORT)];
    // Both transactions start at or before offset 10 as far as this fetch is concerned.
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ firstOffset: '9', producerId: '1' }, { firstOffset: '8', producerId: '2' }] });
    assert.deepEqual(kept.map((m) => m.offset), ['12', '13']);
  });

  it('keeps a producer committed again after its aborted transaction ended', () => {
    const messages = [rec(0, '1'), rec(1, '1', ABORT), rec(2, '1'), rec(3, '1', COMMIT)];
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ firstOffset: '0', producerId: '1' }] });
    assert.deepEqual(kept.map((m) => m.offset), ['1', '2', '3']);
  });

  it('keeps non-transactional records and everything when nothing was aborted', () => {
    const plain = { key: null, offset: '0', batchContext: { producerId: '1', inTransaction: false } };
    assert.equal(filterAbortedMessages({ messages: [plain], abortedTransactions: [{ firstOffset: '0', producerId: '1' }] }).length, 1);
    assert.equal(filterAbortedMessages({ messages: [rec(0, '1')], abortedTransactions: [] }).length, 1);
  });
});
