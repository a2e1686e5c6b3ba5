/**
 * Fixes kafkajs 2.2.4's read_committed filtering before kafkajs is loaded.
 *
 * A read_committed fetch returns the aborted transactions of the fetched range; the consumer
 * must drop the records of every aborted transaction whose first offset it has passed. kafkajs
 * (src/consumer/filterAbortedMessages.js) assumes the list is sorted by first offset and moves at
 * most one entry per record. The broker lists aborted transactions in abort order, not first-offset
 * order, so with several transactional producers writing one partition (exactly our output topics:
 * one producer per input partition) records of an aborted transaction can be delivered as
 * committed. Seen here as duplicate predictions after rebalances.
 *
 * This is the Java consumer's algorithm instead (Fetcher/CompletedFetch: a priority queue by first
 * offset; every entry at or below the current offset marks its producer aborted until that
 * producer's abort marker). It replaces kafkajs' module in the require cache, so it must run
 * before anything loads kafkajs: ./patches.js imports it, and every module of this folder imports
 * ./patches.js first.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

interface AbortedTransaction {
  firstOffset: string;
  producerId: string;
}

interface FetchedMessage {
  key: Buffer | null;
  offset: string;
  batchContext: { producerId: string; inTransaction: boolean };
}

function isAbortMarker(message: FetchedMessage): boolean {
  return !!message.key && Buffer.from(message.key).equals(ABORT_MARKER_KEY);
}

export function filterAbortedMessages({ messages, abortedTransactions }: { messages: FetchedMessage[]; abortedTransactions?: AbortedTransaction[] }): FetchedMessage[] {
  if (!abortedTransactions?.length) return messages;
  const pending = [...abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
  const abortedProducers = new Set<string>();
  return messages.filter((message) => {
    const offset = BigInt(message.offset);
    while (pending.length && BigInt(pending[0].firstOffset) <= offset) abortedProducers.add(String(pending.shift()!.producerId));
    const producerId = String(message.batchContext.producerId);
    if (isAbortMarker(message)) {
      abortedProducers.delete(producerId);
      return true;
    }
    return !(message.batchContext.inTransaction && abortedProducers.has(producerId));
  });
}

const modulePath = require.resolve('kafkajs/src/consumer/filterAbortedMessages.js');
const batchPath = require.resolve('kafkajs/src/consumer/batch.js');
if (require.cache[batchPath] && require.cache[modulePath]?.exports !== filterAbortedMessages) {
  throw new Error('kafkajs was loaded before src/kafka/kafkajs/read-committed-fix.js: import ./patches.js first, or read_committed consumers may see aborted records');
}
require.cache[modulePath] = { id: modulePath, filename: modulePath, loaded: true, exports: filterAbortedMessages, children: [], paths: [] } as unknown as NodeJS.Module;
