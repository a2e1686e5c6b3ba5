import { StreamscoreError } from '../../errors.js';

/** Error types with which the transaction coordinator says another producer now owns this transactional id. */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    const e = current as { originalError?: unknown; cause?: unknown; errors?: unknown[] };
    current = e.originalError ?? e.cause ?? e.errors?.[0];
  }
  return chain;
}

export function isFencedError(error: unknown): boolean {
  return causes(error).some((e) => FENCED_TYPES.has((e as { type?: string }).type ?? ''));
}

/** A kafkajs failure as a catalogued error: fenced (lost the partition) or transient (retry). */
export function toKafkaError(error: unknown, what: string): StreamscoreError {
  if (error instanceof StreamscoreError) return error;
  const message = `${what}: ${(error as Error)?.message ?? String(error)}`;
  if (isFencedError(error)) return new StreamscoreError('ERR_KAFKA_FENCED', message, { cause: error, stage: 'sink' });
  return new StreamscoreError('ERR_KAFKA_TRANSIENT', message, { cause: error, stage: 'sink' });
}
