import avro from 'avsc';
import { StreamscoreError } from '../errors.js';
import type { DecodableRecord, DecodeResult, Decoder } from './decoder.js';
import { WIRE_HEADER_BYTES, WIRE_MAGIC_BYTE, type Registry } from './registry.js';

/** Where writer schemas come from: the registry, or (on a scoring thread) the ones the main thread fetched. */
export type WriterSchemaSource = Pick<Registry, 'writerType'>;

/**
 * Confluent-framed Avro. Each writer schema is resolved to the configured reader schema
 * (Avro schema resolution), so producers can evolve their schema compatibly without the
 * scorer noticing. Resolvers are built once per writer schema id.
 */
export class AvroDecoder implements Decoder {
  private readonly resolvers = new Map<number, avro.Resolver | StreamscoreError>();

  constructor(private readonly readerType: avro.Type, private readonly registry: WriterSchemaSource) {}

  async decode(records: readonly DecodableRecord[]): Promise<DecodeResult[]> {
    const ids = new Set<number>();
    for (const record of records) {
      const id = schemaIdOf(record.value);
      if (id !== undefined && !this.resolvers.has(id)) ids.add(id);
    }
    const unknown = new Set<number>();
    // Throws on a transient registry fault: the caller retries the whole window.
    for (const id of ids) {
      const writer = await this.registry.writerType(id);
      if (writer === undefined) unknown.add(id);
      else this.resolvers.set(id, this.resolverFor(id, writer));
    }
    return records.map((record) => this.decodeOne(record, unknown));
  }

  private resolverFor(id: number, writer: avro.Type): avro.Resolver | StreamscoreError {
    try {
      return this.readerType.createResolver(writer);
    } catch (error) {
      return new StreamscoreError('ERR_DECODE_INCOMPATIBLE_SCHEMA', `Writer schema ${id} cannot be read as ${this.readerType.name ?? 'the reader schema'}: ${(error as Error).message}`, { cause: error, stage: 'decode' });
    }
  }

  private decodeOne(record: DecodableRecord, unknown: Set<number>): DecodeResult {
    const coordinates = { topic: record.topic, partition: record.partition, offset: record.offset };
    const fail = (code: 'ERR_DECODE_MALFORMED' | 'ERR_DECODE_UNKNOWN_SCHEMA' | 'ERR_DECODE_INCOMPATIBLE_SCHEMA', message: string, cause?: unknown): DecodeResult =>
      ({ ok: false, error: new StreamscoreError(code, message, { record: coordinates, stage: 'decode', cause }) });
    const id = schemaIdOf(record.value);
    if (id === undefined || !record.value) return fail('ERR_DECODE_MALFORMED', 'The value is not in Confluent Avro wire format (magic byte 0 + 4-byte schema id)');
    if (unknown.has(id)) return fail('ERR_DECODE_UNKNOWN_SCHEMA', `The registry has no schema with id ${id}`);
    const resolver = this.resolvers.get(id);
    if (resolver instanceof StreamscoreError) return fail(resolver.code as 'ERR_DECODE_INCOMPATIBLE_SCHEMA', resolver.message, resolver.cause);
    try {
      const value = this.readerType.fromBuffer(record.value.subarray(WIRE_HEADER_BYTES), resolver) as Record<string, unknown>;
      return { ok: true, value };
    } catch (error) {
      return fail('ERR_DECODE_MALFORMED', `The Avro body does not match writer schema ${id}: ${(error as Error).message}`, error);
    }
  }
}

/** The schema id of a Confluent-framed value; undefined if the value is not framed. */
export function schemaIdOf(value: Buffer | null): number | undefined {
  if (!value || value.length < WIRE_HEADER_BYTES || value[0] !== WIRE_MAGIC_BYTE) return undefined;
  return value.readInt32BE(1);
}
