/** Client-neutral error helpers of the Kafka seam. */
import { StreamscoreError } from '../errors.js';

/** Thrown by GroupOffsetsStore.deleteGroups when a group still has members: some consumer is running in it. */
export class GroupNotEmptyError extends Error {
  override readonly name = 'GroupNotEmptyError';
  constructor(readonly groupId: string) {
    super(`consumer group ${groupId} has active members`);
  }
}

/**
 * A failure from behind the seam as a catalogued error: the clients already throw catalogued errors;
 * anything else (a bug, an unexpected rejection) is taken as transient, with `what` for context.
 */
export function asKafkaError(error: unknown, what: string): StreamscoreError {
  if (error instanceof StreamscoreError) return error;
  return new StreamscoreError('ERR_KAFKA_TRANSIENT', `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** Refuses (ERR_TOPIC_MISSING) if any of `topics` is not among `existing`: auto-creation is an operator's decision. */
export function requireExisting(existing: readonly string[], topics: readonly string[]): void {
  const known = new Set(existing);
  const missing = topics.filter((t) => !known.has(t));
  if (missing.length) {
    throw new StreamscoreError('ERR_TOPIC_MISSING', `Topic(s) ${missing.join(', ')} do not exist; create them first (\`streamscore topics --config <file> --create\` creates a config's topics) — streamscore run and backfill do not auto-create topics`);
  }
}
