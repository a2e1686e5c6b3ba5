/**
 * The Java client's default partitioning of keyed records, so that keys land where kafkajs'
 * DefaultPartitioner (and every Java producer) puts them: `toPositive(murmur2(key)) % partitions`
 * (clients/.../producer/internals/BuiltInPartitioner.partitionForKey; toPositive is `& 0x7fffffff`).
 *
 * platformatic's own defaultPartitioner returns `murmur2(key) >>> 0` (unsigned, not masked): for a
 * hash with the top bit set that is the masked value + 2^31, which lands on another partition
 * whenever the count is not a power of two. Its `compatibilityPartitioner` masks correctly but sends
 * every record without a key to partition 0 (a partitioner is consulted for keyless records too).
 * So: the masked murmur2 for keys, round robin per topic for keyless records.
 * platformatic takes the returned number modulo the topic's partition count.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), 32-bit signed result. */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= (data[whole + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[whole + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[whole] & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition (before the modulo) of a keyed record, as the Java client computes it. */
export function keyHash(key: Buffer): number {
  return murmur2(key) & 0x7fffffff;
}

/** A platformatic `partitioner`: murmur2 for keys, round robin per topic otherwise. */
export function createJavaCompatiblePartitioner(): (message: { topic: string }, key: Buffer | undefined) => number {
  const next = new Map<string, number>();
  return (message, key) => {
    if (key !== undefined && key !== null && Buffer.isBuffer(key)) return keyHash(key);
    const n = next.get(message.topic) ?? 0;
    next.set(message.topic, (n + 1) & 0x7fffffff);
    return n;
  };
}
