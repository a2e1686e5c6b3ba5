import type { StreamscoreError } from '../errors.js';
import type { InputRecord } from '../records/types.js';

/** What decoding looks at: the value, and where it came from (for error messages). */
export type DecodableRecord = Pick<InputRecord, 'topic' | 'partition' | 'offset' | 'value'>;

export type DecodeResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: StreamscoreError };

/**
 * Turns record bytes into objects. A permanent problem with one record comes back as a failed
 * result (the record becomes a dead letter); a transient one (registry down) is thrown, so the
 * whole window is retried and nothing is dead-lettered for it.
 */
export interface Decoder {
  decode(records: readonly DecodableRecord[]): Promise<DecodeResult[]>;
}
