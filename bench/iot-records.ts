import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { Registry, WIRE_HEADER_BYTES, WIRE_MAGIC_BYTE } from '../src/codec/registry.js';
import { createIotGenerator, type IotGenerator } from '../src/generate/index.js';

/** The benchmark's input: IoT sensor readings (src/generate/iot.ts) in Confluent Avro wire format. */
export interface EncodedRecord {
  key: Buffer;
  value: Buffer;
}

export const IOT_SCHEMA_FILE = join('schemas', 'iot', 'sensor-reading.avsc');

/**
 * Registers schemas/iot/sensor-reading.avsc under `<topic>-value` and returns an endless,
 * deterministic source of encoded readings (same seed → same records, so a topic of the first
 * M records of a seed is a prefix of the topic of its first N > M records).
 */
export class IotRecords {
  private readonly header = Buffer.alloc(WIRE_HEADER_BYTES);
  private readonly generator: IotGenerator;

  private constructor(private readonly type: avro.Type, readonly schemaId: number, seed: number) {
    this.header.writeUInt8(WIRE_MAGIC_BYTE, 0);
    this.header.writeInt32BE(schemaId, 1);
    this.generator = createIotGenerator({ seed });
  }

  static async register(repoRoot: string, registryUrl: string, subject: string, seed: number): Promise<IotRecords> {
    const schema = JSON.parse(readFileSync(join(repoRoot, IOT_SCHEMA_FILE), 'utf8')) as avro.Schema;
    const schemaId = await new Registry({ url: registryUrl }).register(schema as object, subject);
    return new IotRecords(avro.Type.forSchema(schema), schemaId, seed);
  }

  next(): EncodedRecord {
    const record = this.generator.next();
    return { key: Buffer.from(record.key), value: Buffer.concat([this.header, this.type.toBuffer(record.value)]) };
  }

  take(count: number): EncodedRecord[] {
    const out: EncodedRecord[] = [];
    for (let i = 0; i < count; i++) out.push(this.next());
    return out;
  }
}
