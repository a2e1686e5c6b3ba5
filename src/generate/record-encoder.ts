/**
 * Scenario records to Confluent-framed Avro. The schema is registered once under the topic's
 * subject (`<topic>-value`, TopicNameStrategy), then every record is encoded locally with avsc:
 * no registry call per record, which is what makes the generator fast.
 *
 *   Confluent wire format: [0x00][schema id, int32 big-endian][Avro binary body]
 *
 * Version 2 of each scenario schema adds one optional field (`firmware_version` for iot,
 * `merchant_id` for fraud, default null). A v2 encoder fills it with a value derived
 * deterministically from the record, so the same seed gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { WIRE_HEADER_BYTES, WIRE_MAGIC_BYTE } from '../codec/registry.js';
import { packageFile } from '../package-files.js';
import type { CardTransaction } from './fraud.js';
import type { SensorReading } from './iot.js';
import { SCENARIO_SCHEMAS, type ScenarioName } from './scenarios.js';

export type SchemaVersion = 1 | 2;

/** Registers a schema under a subject and answers its id (src/codec/registry.ts `Registry` does). */
export interface SchemaRegistrar {
  register(schema: object, subject: string): Promise<number>;
}

export interface ScenarioEncoder {
  readonly schemaId: number;
  readonly version: SchemaVersion;
  encode(value: SensorReading | CardTransaction): Buffer;
}

/** The scenario's Avro schema of that version, as shipped in schemas/. */
export function scenarioSchema(scenario: ScenarioName, version: SchemaVersion): object {
  const file = packageFile(SCENARIO_SCHEMAS[scenario][version === 1 ? 'v1' : 'v2']);
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

/** FNV-1a, 32 bit: a stable small hash for deriving the v2 fields. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The v2 field's value: a device's firmware (stable per device), a merchant id (stable per merchant profile). */
export function withV2Field(scenario: ScenarioName, value: SensorReading | CardTransaction): Record<string, unknown> {
  if (scenario === 'iot') {
    const h = fnv1a((value as SensorReading).device_id);
    return { ...value, firmware_version: `4.${h % 4}.${(h >>> 8) % 10}` };
  }
  const t = value as CardTransaction;
  const h = fnv1a(`${t.merchant_category}/${t.merchant_country}/${Math.round(t.amount) % 97}`);
  return { ...value, merchant_id: `m-${t.merchant_country.toLowerCase()}-${String(h % 100_000).padStart(5, '0')}` };
}

/** Registers the scenario schema under `subject` and returns a local encoder. */
export async function createScenarioEncoder(scenario: ScenarioName, version: SchemaVersion, registry: SchemaRegistrar, subject: string): Promise<ScenarioEncoder> {
  const schema = scenarioSchema(scenario, version);
  const type = avro.Type.forSchema(schema as avro.Schema);
  const schemaId = await registry.register(schema, subject);
  const header = Buffer.alloc(WIRE_HEADER_BYTES);
  header.writeUInt8(WIRE_MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return {
    schemaId,
    version,
    encode(value) {
      const body = type.toBuffer(version === 1 ? value : withV2Field(scenario, value));
      return Buffer.concat([header, body], WIRE_HEADER_BYTES + body.length);
    },
  };
}
