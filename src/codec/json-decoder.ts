import { StreamscoreError } from '../errors.js';
import type { DecodableRecord, DecodeResult, Decoder } from './decoder.js';

export class JsonDecoder implements Decoder {
  async decode(records: readonly DecodableRecord[]): Promise<DecodeResult[]> {
    return records.map((record) => decodeJson(record));
  }
}

function decodeJson(record: DecodableRecord): DecodeResult {
  const coordinates = { topic: record.topic, partition: record.partition, offset: record.offset };
  try {
    const value: unknown = JSON.parse(record.value?.toString('utf8') ?? 'null');
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, error: new StreamscoreError('ERR_DECODE_MALFORMED', 'The value is JSON but not an object', { record: coordinates, stage: 'decode' }) };
  } catch (error) {
    return { ok: false, error: new StreamscoreError('ERR_DECODE_MALFORMED', `The value is not valid JSON: ${(error as Error).message}`, { record: coordinates, stage: 'decode', cause: error }) };
  }
}
