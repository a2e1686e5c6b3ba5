import { TRUTH_KIND_HEADER, TRUTH_LABEL_HEADERS } from '../generate/truth-headers.js';
import type { InputRecord } from '../records/types.js';

const LABEL_HEADERS = Object.values(TRUTH_LABEL_HEADERS);

/**
 * The ground truth a record carries in its headers (either scenario's label header, and the kind;
 * src/generate/truth-headers.ts), or undefined. The model never sees these headers.
 */
export function truthOf(record: InputRecord): { positive: boolean; kind: string } | undefined {
  for (const name of LABEL_HEADERS) {
    const label = record.headers[name];
    if (label === undefined) continue;
    const kind = record.headers[TRUTH_KIND_HEADER];
    return { positive: label.toString() === '1', kind: kind === undefined ? 'unknown' : kind.toString() };
  }
  return undefined;
}
