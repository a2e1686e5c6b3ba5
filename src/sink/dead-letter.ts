import type { StreamscoreError } from '../errors.js';
import type { InputRecord, OutputMessage } from '../records/types.js';

/** Header names on every dead letter, beside the record's own headers. */
export const DEAD_LETTER_HEADERS = {
  code: 'streamscore.error.code',
  message: 'streamscore.error.message',
  stage: 'streamscore.error.stage',
  topic: 'streamscore.error.topic',
  partition: 'streamscore.error.partition',
  offset: 'streamscore.error.offset',
  timestamp: 'streamscore.error.timestamp',
} as const;

/** The original key, value and headers, untouched, plus why the record could not be scored. */
export function deadLetterFor(record: InputRecord, error: StreamscoreError): OutputMessage {
  const headers: Record<string, Buffer | string> = {};
  for (const [key, value] of Object.entries(record.headers)) if (value !== undefined) headers[key] = value;
  headers[DEAD_LETTER_HEADERS.code] = error.code;
  headers[DEAD_LETTER_HEADERS.message] = error.message;
  headers[DEAD_LETTER_HEADERS.stage] = error.stage ?? 'unknown';
  headers[DEAD_LETTER_HEADERS.topic] = record.topic;
  headers[DEAD_LETTER_HEADERS.partition] = String(record.partition);
  headers[DEAD_LETTER_HEADERS.offset] = record.offset;
  headers[DEAD_LETTER_HEADERS.timestamp] = record.timestamp;
  return { key: record.key, value: record.value, headers };
}
