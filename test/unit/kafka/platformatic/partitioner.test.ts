import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { murmur2 as platformaticMurmur2 } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { createJavaCompatiblePartitioner, keyHash, murmur2 } from '../../../../src/kafka/platformatic/partitioner.js';

/** Keys of every length 0..40 bytes, text and binary: murmur2's tail handling differs by length % 4. */
const keys: Buffer[] = [
  ...Array.from({ length: 200 }, (_, i) => Buffer.from(`key-${i}-${'x'.repeat(i % 13)}`)),
  ...Array.from({ length: 200 }, (_, i) => randomBytes(i % 41)),
];

describe('Java-compatible partitioner', () => {
  it('murmur2 equals platformatic\'s port of Utils.murmur2', () => {
    for (const key of keys) assert.equal(murmur2(key), platformaticMurmur2(key), key.toString('hex'));
  });

  it('puts keys on the partition kafkajs\' DefaultPartitioner picks (Java\'s default), for several partition counts', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const count of [1, 2, 3, 6, 7, 10, 12, 32]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (const key of keys) {
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
        assert.equal(keyHash(key) % count, expected, `key ${key.toString('hex')} with ${count} partitions`);
      }
    }
  });

  it('differs from platformatic\'s default partitioner (murmur2 >>> 0) for hashes with the top bit set', () => {
    const differing = keys.filter((k) => (murmur2(k) >>> 0) % 3 !== keyHash(k) % 3);
    assert.ok(differing.length > 0, 'with 3 partitions some keys land elsewhere');
    assert.ok(differing.every((k) => murmur2(k) < 0), 'only keys whose hash is negative');
  });

  it('spreads keyless records round robin per topic', () => {
    const partitioner = createJavaCompatiblePartitioner();
    assert.deepEqual([0, 1, 2].map(() => partitioner({ topic: 'a' }, undefined)), [0, 1, 2]);
    assert.equal(partitioner({ topic: 'b' }, undefined), 0);
  });
});
