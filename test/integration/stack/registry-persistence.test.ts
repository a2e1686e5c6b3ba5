/**
 * The local stack keeps schemas exactly as long as it keeps Kafka's data (docs/local-stack.md "Schemas").
 * With the registry's storage in memory, `down` + `up` kept the records but forgot the schemas, and the
 * next registration reused id 1: old records then named another schema as their writer.
 *
 * The test runs a stack of its own (both servers, in a temporary folder, on ports of its own, sharing the
 * artifact cache), so restarting it never disturbs the stack other tests use:
 * register A, produce with it, `down`, `up`, register B → B gets a new id, and every old record still
 * decodes with A; a registry killed with SIGKILL right after a registration keeps that schema; a registry
 * database missing beside kept Kafka data (a stack from before) is warned about; `down --wipe` wipes both.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { REGISTRY_VERSION, stackDown, stackPaths, stackUp, type StackPaths, type StackUpResult } from '../../../src/stack/index.js';
import { isAlive } from '../../../src/stack/processes.js';
import { readState } from '../../../src/stack/state.js';
import { uniqueName, waitFor } from '../../support/environment.js';
import { createTopics, produce, readTopic } from '../../support/kafka-fixtures.js';

const schemaA = { type: 'record', name: 'PersistA', namespace: 'streamscore.test', fields: [{ name: 'a', type: 'int' }, { name: 'note', type: 'string' }] };
const schemaB = { type: 'record', name: 'PersistB', namespace: 'streamscore.test', fields: [{ name: 'b', type: 'string' }] };
const schemaC = { type: 'record', name: 'PersistC', namespace: 'streamscore.test', fields: [{ name: 'c', type: 'long' }] };
const RECORDS = 40;

/** GET /schemas/ids/<id>: the schema's record name, or the HTTP status when there is none. */
async function schemaNameOf(registryUrl: string, id: number): Promise<string | number> {
  const response = await fetch(`${registryUrl}/schemas/ids/${id}`);
  if (response.status !== 200) return response.status;
  const body = (await response.json()) as { schema: string };
  return (JSON.parse(body.schema) as { name: string }).name;
}

async function register(registryUrl: string, subject: string, schema: object): Promise<number> {
  const { id } = await new SchemaRegistry({ host: registryUrl }).register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  return id;
}

describe('local stack: the registry keeps schemas as long as Kafka keeps data', () => {
  let root: string;
  let paths: StackPaths;
  const topic = uniqueName('persist');
  let first: StackUpResult;
  let idA = 0;

  const up = (): Promise<StackUpResult> => stackUp({ stackDir: root, cacheDir: stackPaths().cache });

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'streamscore-stack-'));
    paths = stackPaths(root);
    first = await up();
  });

  after(async () => {
    if (root === undefined) return;
    await stackDown({ stackDir: root, wipe: true }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('starts both servers with the registry database under data/', () => {
    assert.deepEqual(first.services, { kafka: 'started', registry: 'started' });
    assert.deepEqual(first.warnings, []);
    assert.ok(existsSync(`${paths.registryDb}.mv.db`), `the registry's H2 file ${paths.registryDb}.mv.db exists`);
    assert.ok(paths.registryDb.startsWith(paths.data + path.sep), 'the registry database lives under data/, with the Kafka log dirs');
  });

  it('after down and up, old records decode with their own schema and new ids do not collide', async () => {
    await createTopics(first.brokers, [{ topic, partitions: 2 }]);
    idA = await register(first.registryUrl, `${topic}-value`, schemaA);
    const encoder = new SchemaRegistry({ host: first.registryUrl });
    const values = Array.from({ length: RECORDS }, (_, i) => ({ a: i, note: `reading ${i}` }));
    await produce(first.brokers, topic, await Promise.all(values.map(async (value, i) => ({ key: `k${i}`, value: await encoder.encode(idA, value) }))));

    const down = await stackDown({ stackDir: root });
    assert.deepEqual(down.services, { kafka: 'terminated', registry: 'terminated' });
    const again = await up();
    assert.deepEqual(again.services, { kafka: 'started', registry: 'started' });
    assert.deepEqual(again.ports, first.ports, 'the same stack, on the same ports');

    const idB = await register(again.registryUrl, `${uniqueName('persist-other')}-value`, schemaB);
    assert.notEqual(idB, idA, `the schema registered after the restart got id ${idB}, the id the old records carry`);
    assert.equal(await schemaNameOf(again.registryUrl, idA), 'PersistA', `id ${idA} still names the schema the records were written with`);
    assert.equal(await schemaNameOf(again.registryUrl, idB), 'PersistB');

    const decoder = new SchemaRegistry({ host: again.registryUrl });
    const read = await readTopic(again.brokers, topic, 'read_committed');
    assert.equal(read.length, RECORDS, 'Kafka kept every record');
    // avsc decodes a record into an instance of a class named after the writer schema's record.
    const decoded = await Promise.all(read.map(async (message) => ({ key: message.key?.toString(), value: (await decoder.decode(message.value!)) as object })));
    decoded.sort((x, y) => Number(x.key!.slice(1)) - Number(y.key!.slice(1)));
    assert.deepEqual([...new Set(decoded.map((d) => d.value.constructor.name))], ['PersistA'], 'every old record names schema A as its writer');
    assert.deepEqual(decoded.map((d) => ({ ...d.value })), values, 'every old record decodes to what was written');
  });

  it('a registry killed right after a registration keeps that schema (SIGKILL, then up)', async () => {
    const state = readState(paths.state);
    const registryPid = state?.registry?.pid;
    assert.ok(registryPid !== undefined, 'state.json records the registry');
    const url = `http://127.0.0.1:${first.ports.registry}/apis/ccompat/v7`;
    const idC = await register(url, `${uniqueName('persist-killed')}-value`, schemaC);
    process.kill(registryPid, 'SIGKILL');
    await waitFor(() => !isAlive(registryPid), { timeoutMs: 10_000, what: `the registry (pid ${registryPid}) to die` });

    const again = await up();
    assert.deepEqual(again.services, { kafka: 'reused', registry: 'started' });
    assert.equal(await schemaNameOf(again.registryUrl, idC), 'PersistC', `schema ${idC}, registered just before the kill, survived it`);
    assert.equal(await schemaNameOf(again.registryUrl, idA), 'PersistA');
  });

  it('warns when Kafka keeps topics but the registry database is missing (a stack from before this fix)', async () => {
    await stackDown({ stackDir: root });
    rmSync(path.dirname(paths.registryDb), { recursive: true, force: true });
    const again = await up();
    assert.equal(again.warnings.length, 1, `one warning, got: ${JSON.stringify(again.warnings)}`);
    assert.match(again.warnings[0], new RegExp(`Kafka keeps topics from an earlier run \\(${topic}\\)`));
    assert.match(again.warnings[0], /up --fresh/);
  });

  it('down --wipe deletes the Kafka data and the registry database together', async () => {
    const result = await stackDown({ stackDir: root, wipe: true });
    assert.equal(result.wiped, true);
    assert.equal(existsSync(paths.kafkaData), false, 'Kafka data wiped');
    assert.equal(existsSync(`${paths.registryDb}.mv.db`), false, 'registry database wiped');
    assert.ok(existsSync(path.join(stackPaths().cache, `apicurio-registry-${REGISTRY_VERSION}`, 'quarkus-run.jar')), 'the shared artifact cache stays');
  });
});
