import avro from 'avsc';
import type { Registry } from '../codec/registry.js';
import { WIRE_HEADER_BYTES, WIRE_MAGIC_BYTE } from '../codec/registry.js';

export interface Prediction {
  source_topic: string;
  source_partition: number;
  source_offset: number;
  source_timestamp: number;
  model_name: string;
  model_version: string;
  model_sha256: string;
  window_id: string;
  score: number;
  label: string | null;
  flag: boolean | null;
  scored_at: number;
}

export type SubjectStrategy = 'topic' | 'record' | 'topic-record';

export function subjectName(strategy: SubjectStrategy, topic: string, recordName: string): string {
  if (strategy === 'record') return recordName;
  if (strategy === 'topic-record') return `${topic}-${recordName}`;
  return `${topic}-value`;
}

/**
 * Encodes predictions in Confluent's wire format. The schema is registered once at start, so
 * encoding a record needs no registry call.
 */
export class PredictionEncoder {
  private readonly header: Buffer;

  private constructor(private readonly type: avro.Type, schemaId: number) {
    this.header = Buffer.alloc(WIRE_HEADER_BYTES);
    this.header.writeUInt8(WIRE_MAGIC_BYTE, 0);
    this.header.writeInt32BE(schemaId, 1);
  }

  /** Registers the schema under the output topic's subject; resolves to the id predictions carry. */
  static async register(schema: avro.Schema, registry: Registry, topic: string, strategy: SubjectStrategy): Promise<number> {
    const type = avro.Type.forSchema(schema);
    return registry.register(schema as object, subjectName(strategy, topic, type.name ?? 'Prediction'));
  }

  /** An encoder for a schema registered before (on a scoring thread: the main thread registered it). */
  static forRegistered(schema: avro.Schema, schemaId: number): PredictionEncoder {
    return new PredictionEncoder(avro.Type.forSchema(schema), schemaId);
  }

  encode(prediction: Prediction): Buffer {
    return Buffer.concat([this.header, this.type.toBuffer(prediction)]);
  }
}
