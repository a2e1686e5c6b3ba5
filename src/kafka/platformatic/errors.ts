/**
 * @platformatic/kafka failures as catalogued errors. Its errors are GenericError trees: a
 * ResponseError (a MultipleErrors) holds one ProtocolError per failed partition, each with the
 * broker's error name in `apiId`; retries wrap the attempts in another MultipleErrors.
 */
import { StreamscoreError } from '../../errors.js';

/** The broker says another producer now owns this transactional id (KIP-98; KIP-588 renamed the error). */
export const PRODUCER_FENCED_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

/**
 * The group coordinator refused a TxnOffsetCommit's group metadata (KIP-447,
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-447%3A+Producer+scalability+for+exactly+once+semantics):
 * the member is no longer in the group (UNKNOWN_MEMBER_ID), or its generation was superseded by a
 * rebalance (ILLEGAL_GENERATION), or a static member with the same instance id replaced it
 * (FENCED_INSTANCE_ID). The work was done for partitions that may now belong to another member: it
 * must be dropped, not retried, so these count as fenced. The producer itself is not fenced: the
 * Java client makes them abortable errors (TransactionManager.TxnOffsetCommitHandler,
 * CommitFailedException), so after the abort the sink stays usable.
 *
 * REBALANCE_IN_PROGRESS is NOT among them: the coordinator checks only member and generation for
 * transactional commits, never the group state (ClassicGroup.validateOffsetCommit: "This does not
 * apply to transactional offset commits"), so it proves nothing about this member being a zombie.
 * If a broker answers it, the transaction is aborted as transient and redone; the redo carries
 * the generation of the completed rebalance, or is refused with ILLEGAL_GENERATION.
 */
export const GROUP_FENCED_ERRORS = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

interface ErrorNode {
  apiId?: string;
  errors?: unknown[];
  cause?: unknown;
  response?: unknown;
}

/** Every broker error name (`apiId`) in the error tree. */
export function protocolErrorIds(error: unknown): Set<string> {
  const ids = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || seen.has(node) || depth > 8) return;
    seen.add(node);
    const e = node as ErrorNode;
    if (typeof e.apiId === 'string') ids.add(e.apiId);
    for (const child of Array.isArray(e.errors) ? e.errors : []) visit(child, depth + 1);
    visit(e.cause, depth + 1);
  };
  visit(error, 0);
  return ids;
}

export function hasProtocolError(error: unknown, names: ReadonlySet<string> | readonly string[]): boolean {
  const ids = protocolErrorIds(error);
  for (const name of names) if (ids.has(name)) return true;
  return false;
}

export function isProducerFenced(error: unknown): boolean {
  return hasProtocolError(error, PRODUCER_FENCED_ERRORS);
}

export function isGroupFenced(error: unknown): boolean {
  return hasProtocolError(error, GROUP_FENCED_ERRORS);
}

/** A platformatic failure as a catalogued error: fenced (drop the work) or transient (retry). */
export function toKafkaError(error: unknown, what: string, stage = 'sink'): StreamscoreError {
  if (error instanceof StreamscoreError) return error;
  const ids = [...protocolErrorIds(error)];
  const detail = ids.length ? ` [${ids.join(', ')}]` : '';
  const message = `${what}: ${(error as Error)?.message ?? String(error)}${detail}`;
  if (isProducerFenced(error) || isGroupFenced(error)) return new StreamscoreError('ERR_KAFKA_FENCED', message, { cause: error, stage });
  return new StreamscoreError('ERR_KAFKA_TRANSIENT', message, { cause: error, stage });
}

/** Runs a platformatic call, its failure turned into a catalogued error. */
export async function classified<T>(what: string, call: () => Promise<T>, stage = 'kafka'): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error, what, stage);
  }
}
