/**
 * What the Kafka clients tell observers, through node:diagnostics_channel (one channel per
 * operation, `streamscore:<area>:<event>`, as undici does). Logging is one more subscriber
 * (src/observability/log-events.ts); tests that kill a process inside a transaction wait for it.
 *
 * | channel                          | published when                                                   |
 * |----------------------------------|------------------------------------------------------------------|
 * | `streamscore:kafka:transaction`  | a transaction's offsets were sent (it is open, about to commit),  |
 * |                                  | and when it committed or aborted                                  |
 */
import { channel } from 'node:diagnostics_channel';

export interface TransactionEvent {
  transactionalId: string;
  phase: 'offsets-sent' | 'committed' | 'aborted';
  /** Input partitions whose offsets the transaction carries. */
  partitions: number;
}

export const transactionChannel = channel('streamscore:kafka:transaction');

export function publishTransaction(event: TransactionEvent): void {
  if (transactionChannel.hasSubscribers) transactionChannel.publish(event);
}
