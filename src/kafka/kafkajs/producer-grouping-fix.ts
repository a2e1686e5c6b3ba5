/**
 * Replaces kafkajs 2.2.4's src/producer/groupMessagesPerPartition.js, which copies the growing
 * array for every message (`[...current, message]`): quadratic in the messages of one send, and
 * 10–25 % of the main thread at windows of 1,000–5,000 records (docs/benchmarks.md). Same result,
 * linear. Loaded through the require cache before kafkajs, like read-committed-fix.ts.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: { topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner }): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) (result[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return result;
}

const modulePath = require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js');
if (require.cache[require.resolve('kafkajs/src/producer/sendMessages.js')] && require.cache[modulePath]?.exports !== groupMessagesPerPartition) {
  throw new Error('kafkajs was loaded before src/kafka/kafkajs/producer-grouping-fix.js: import ./patches.js first');
}
require.cache[modulePath] = { id: modulePath, filename: modulePath, loaded: true, exports: groupMessagesPerPartition, children: [], paths: [] } as unknown as NodeJS.Module;
