import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, ResponseError, MultipleErrors } from '@platformatic/kafka';
import { toKafkaError } from '../../../../src/kafka/platformatic/errors.js';
import { toInputRecords } from '../../../../src/kafka/platformatic/input-records.js';

const batch = {
  firstOffset: 100n, attributes: 0, firstTimestamp: 1_000n, maxTimestamp: 1_005n,
  records: [
    { offsetDelta: 0, timestampDelta: 0n, key: Buffer.from('a'), value: Buffer.from('1'), headers: [] as [Buffer | null, Buffer | null][] },
    { offsetDelta: 1, timestampDelta: 3n, key: null, value: Buffer.from('22'), headers: [[Buffer.from('h'), Buffer.from('x')], [Buffer.from('h'), Buffer.from('y')], [Buffer.from('n'), null]] as [Buffer | null, Buffer | null][] },
  ],
};

describe('platformatic records', () => {
  it('converts records at or after the fetch offset, headers as kafkajs gives them (first value wins)', () => {
    const records = toInputRecords('t', 2, batch, 101n);
    assert.equal(records.length, 1);
    assert.deepEqual({ ...records[0], headers: undefined }, { topic: 't', partition: 2, offset: '101', timestamp: '1003', key: null, value: Buffer.from('22'), headers: undefined, size: 2 });
    assert.deepEqual(records[0].headers, { h: Buffer.from('x'), n: undefined });
  });

  it('uses the batch max timestamp under LogAppendTime', () => {
    const records = toInputRecords('t', 0, { ...batch, attributes: 1 << 3 }, 0n);
    assert.deepEqual(records.map((r) => r.timestamp), ['1005', '1005']);
  });
});

describe('platformatic errors', () => {
  const response = (id: string) => new ResponseError(28, 4, { '/topics/0/partitions/0': [new ProtocolError(id).apiCode as number, null] }, {});

  it('producer fencing and KIP-447 group refusals are ERR_KAFKA_FENCED, inside retries too', () => {
    for (const id of ['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']) {
      assert.equal(toKafkaError(response(id), 'x').code, 'ERR_KAFKA_FENCED', id);
      assert.equal(toKafkaError(new MultipleErrors('retried', [new Error('net'), response(id)]), 'x').code, 'ERR_KAFKA_FENCED', `${id} wrapped`);
    }
  });

  it('REBALANCE_IN_PROGRESS and other failures are ERR_KAFKA_TRANSIENT', () => {
    for (const id of ['REBALANCE_IN_PROGRESS', 'CONCURRENT_TRANSACTIONS', 'NOT_COORDINATOR']) assert.equal(toKafkaError(response(id), 'x').code, 'ERR_KAFKA_TRANSIENT', id);
    assert.equal(toKafkaError(new Error('socket hang up'), 'x').code, 'ERR_KAFKA_TRANSIENT');
  });
});

describe('platformatic version guard', () => {
  it('accepts the checked version and refuses others with ERR_KAFKA_CLIENT_VERSION', async () => {
    const { checkPlatformaticVersion } = await import('../../../../src/kafka/platformatic/version-guard.js');
    checkPlatformaticVersion();
    assert.throws(() => checkPlatformaticVersion('1.36.0'), (error: unknown) => (error as { code?: string }).code === 'ERR_KAFKA_CLIENT_VERSION');
  });
});
