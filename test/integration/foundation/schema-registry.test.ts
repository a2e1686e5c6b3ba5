/**
 * Foundation: the schema registry serves Confluent's REST API well enough for the Avro codec
 * (DESIGN.md §5): register, encode to the Confluent wire format, decode, evolve compatibly,
 * and refuse an incompatible version once the subject's compatibility is BACKWARD (which
 * streamscore's Registry reports as ERR_SCHEMA_INCOMPATIBLE).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Registry } from '../../../src/codec/registry.js';
import { StreamscoreError } from '../../../src/errors.js';
import { resolveTestEnvironment, uniqueName, type TestEnvironment } from '../../support/environment.js';

/** From dist/test/integration/foundation to the repository's schemas/ folder. */
const schemaFile = (name: string): string => readFileSync(new URL(`../../../../schemas/smoke/${name}`, import.meta.url), 'utf8');

interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  fields: { name: string; type: unknown; default?: unknown }[];
}

const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';
/**
 * The subject's compatibility level. The client checks it too: `register` refuses a subject whose level
 * differs from its `compatibility` option (default BACKWARD) and sets the level itself on a first
 * registration, so the test sets it explicitly first and passes the same level to the client.
 */
const LEVEL = 'BACKWARD';

describe('foundation: schema registry (Confluent API)', () => {
  let environment: TestEnvironment;
  let registry: SchemaRegistry;
  const subject = `${uniqueName('foundation-smoke')}-value`;

  before(async () => {
    environment = await resolveTestEnvironment();
    registry = new SchemaRegistry({ host: environment.registryUrl });
  });

  after(async () => {
    // Soft delete, then permanent delete, as the Confluent API requires.
    if (environment !== undefined) {
      const url = `${environment.registryUrl}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    }
    await environment?.stop();
  });

  async function setCompatibility(level: string): Promise<void> {
    const response = await fetch(`${environment.registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': CONFLUENT_JSON, Accept: CONFLUENT_JSON },
      body: JSON.stringify({ compatibility: level }),
    });
    assert.equal(response.status, 200, `PUT /config/${subject}: ${await response.text()}`);
    const check = await fetch(`${environment.registryUrl}/config/${encodeURIComponent(subject)}`, { headers: { Accept: CONFLUENT_JSON } });
    const body = (await check.json()) as { compatibilityLevel?: string; compatibility?: string };
    assert.equal(body.compatibilityLevel ?? body.compatibility, level, 'the subject reports the level just set');
  }

  /** POST /subjects/<subject>/versions without the client, so the registry alone decides. */
  async function registerRaw(schema: string): Promise<{ status: number; body: { id?: number; error_code?: number; message?: string } }> {
    const response = await fetch(`${environment.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': CONFLUENT_JSON, Accept: CONFLUENT_JSON },
      body: JSON.stringify({ schema }),
    });
    return { status: response.status, body: (await response.json()) as { id?: number; error_code?: number; message?: string } };
  }

  it('registers, encodes, decodes, evolves compatibly, and refuses an incompatible version', async () => {
    const v1 = schemaFile('smoke-record.avsc');
    const v2 = schemaFile('smoke-record-v2.avsc');
    const options = { subject, compatibility: COMPATIBILITY[LEVEL] };

    await setCompatibility(LEVEL);

    const { id: id1 } = await registry.register({ type: SchemaType.AVRO, schema: v1 }, options);
    const record1 = { id: 'r-1', value: 1.5, observedAtMs: 1_700_000_000_000 };
    const bytes1 = await registry.encode(id1, record1);
    // Confluent wire format: magic byte 0, then the schema id as a 4-byte big-endian integer, then Avro.
    assert.equal(bytes1[0], 0, 'magic byte');
    assert.equal(bytes1.readInt32BE(1), id1, 'schema id in the header');
    assert.deepEqual({ ...(await registry.decode(bytes1)) }, record1);

    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: v2 }, options);
    assert.notEqual(id2, id1, 'a new version has its own id');
    const record2 = { ...record1, id: 'r-2', note: 'evolved' };
    const bytes2 = await registry.encode(id2, record2);
    assert.equal(bytes2.readInt32BE(1), id2);

    // Both ids resolve, by a fresh client with an empty cache, and decode with their own writer schema.
    const fresh = new SchemaRegistry({ host: environment.registryUrl });
    assert.deepEqual({ ...(await fresh.decode(bytes1)) }, record1);
    assert.deepEqual({ ...(await fresh.decode(bytes2)) }, record2);
    // Version-1 bytes read with the version-2 reader schema get the default.
    const v2Reader = JSON.parse(v2) as AvroRecordSchema;
    assert.deepEqual({ ...(await fresh.decode(bytes1, { [SchemaType.AVRO]: { readerSchema: v2Reader } })) }, { ...record1, note: null });

    // v3 adds a required field without a default: new readers cannot read old data, so BACKWARD refuses it.
    const v3: AvroRecordSchema = { ...v2Reader, fields: [...v2Reader.fields, { name: 'site', type: 'string' }] };
    const refused = await registerRaw(JSON.stringify(v3));
    assert.equal(refused.status, 409, `the registry must refuse v3 as incompatible: ${JSON.stringify(refused.body)}`);
    assert.match(refused.body.message ?? '', /incompatible/i);
    // streamscore's own client reports that 409 as a schema conflict, not as an unreadable schema file.
    await assert.rejects(new Registry({ url: environment.registryUrl }).register(v3, subject), (error: unknown) => {
      assert.ok(error instanceof StreamscoreError, String(error));
      assert.equal(error.code, 'ERR_SCHEMA_INCOMPATIBLE', error.message);
      assert.ok(error.fatal);
      assert.match(error.message, new RegExp(`subject ${subject} as incompatible`));
      return true;
    });
    const versions = (await (await fetch(`${environment.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as number[];
    assert.equal(versions.length, 2, `only v1 and v2 are registered, got ${JSON.stringify(versions)}`);
  });
});
