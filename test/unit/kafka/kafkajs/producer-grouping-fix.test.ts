import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { groupMessagesPerPartition } from '../../../../src/kafka/kafkajs/producer-grouping-fix.js';

const require = createRequire(import.meta.url);

describe('kafkajs message grouping (linear replacement)', () => {
  it('groups like kafkajs: per partition, in send order', () => {
    const partitioner = ({ message }: { message: unknown }) => (message as { p: number }).p;
    const messages = [{ p: 1, v: 'a' }, { p: 0, v: 'b' }, { p: 1, v: 'c' }];
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}, {}], messages, partitioner });
    assert.deepEqual(grouped, { 0: [{ p: 0, v: 'b' }], 1: [{ p: 1, v: 'a' }, { p: 1, v: 'c' }] });
    assert.deepEqual(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner }), {});
  });

  it('is what kafkajs uses once the fix is loaded', () => {
    assert.equal(require('kafkajs/src/producer/groupMessagesPerPartition.js'), groupMessagesPerPartition);
  });
});
