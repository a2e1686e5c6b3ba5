import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { StreamscoreError } from '../errors.js';
import type { GroupMetadata, TransactionContent } from '../kafka/types.js';
import type { PartitionState } from './partition-ledger.js';
import type { PartitionOutput } from './window-scorer.js';

/** One partition's share of a scored window, made for the partition's generation at scoring time. */
export interface CommitPart {
  state: PartitionState;
  generation: number;
  output: PartitionOutput;
}

/** What a committer needs from the pipeline, and how it reports back. */
export interface CommitHost {
  appId: string;
  outputTopic: string;
  deadLetterTopic: string;
  clock: Clock;
  logger: Logger;
  /** Whether work made for `generation` may still be committed (the partition is ours, unchanged). */
  isCurrent(state: PartitionState, generation: number): boolean;
  /** The consumer's current group membership, for KIP-447 fencing. */
  groupMetadata(): GroupMetadata | undefined;
  /** The part's outputs and offset are committed (the broker acknowledged). */
  onCommitted(part: CommitPart, windowId: string, durationMs: number): Promise<void>;
  /** The parts' transaction was aborted or refused; nothing of it is visible. */
  onFailed(parts: CommitPart[], windowId: string, error: StreamscoreError): void;
}

/**
 * How a scored window's results reach Kafka (docs/exactly-once.md): the transaction scope of the
 * client. Outputs of one partition always commit in offset order.
 */
export interface Committer {
  /** Before a partition's committed offset is read: settle any transaction of a previous owner. */
  preparePartition(state: PartitionState): Promise<void>;
  /** The partition was revoked: drop what belongs to it. */
  releasePartition(state: PartitionState): void;
  /** Queues the window's commit behind earlier ones; resolves when it has run (never rejects). */
  commitWindow(windowId: string, parts: CommitPart[]): Promise<void>;
  /** Bounded runs: commits the end of a range with no outputs (throws on failure). */
  commitOffsetOnly(state: PartitionState, nextOffset: string): Promise<void>;
  close(): Promise<void>;
}

/** The transaction content of some parts: their outputs and each partition's next offset. */
export function transactionContent(host: CommitHost, parts: CommitPart[], groupMetadata?: GroupMetadata): TransactionContent {
  const predictions = parts.flatMap((p) => p.output.predictions);
  const deadLetters = parts.flatMap((p) => p.output.deadLetters);
  return {
    groupId: host.appId,
    groupMetadata,
    offsets: parts.map((p) => ({ topic: p.output.topic, partition: p.output.partition, nextOffset: p.output.nextOffset })),
    outputs: [
      { topic: host.outputTopic, messages: predictions },
      { topic: host.deadLetterTopic, messages: deadLetters },
    ],
  };
}

export function asCommitError(error: unknown): StreamscoreError {
  return error instanceof StreamscoreError ? error : new StreamscoreError('ERR_KAFKA_TRANSIENT', String(error), { cause: error });
}
