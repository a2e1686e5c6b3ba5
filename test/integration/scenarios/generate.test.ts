/**
 * `streamscore generate` against the broker: a bounded run produces exactly --count records, keyed
 * by entity, stamped with their event time, ground truth in headers and not in the value; the same
 * seed and start time give the same records; a missing topic is refused, not created; a command
 * line it cannot run is refused with ERR_GENERATE_USAGE.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { suffix } from '../../support/pipeline-config.js';
import { historyStart } from '../../support/history-start.js';
import { CLI } from '../../support/streamscore-process.js';
import { brokers, registryUrl, SCENARIOS, schemaOf } from './scenario-support.js';

const run = promisify(execFile);

interface Produced {
  partition: number;
  offset: string;
  timestamp: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Every record of a topic with its Kafka timestamp (read_uncommitted: the generator is not transactional). */
async function readAll(topic: string, expected: number): Promise<Produced[]> {
  const kafka = new Kafka({ clientId: 'generate-test', brokers, logLevel: logLevel.NOTHING });
  const groupId = `generate-test-${suffix()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const records: Produced[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => { done = resolve; });
  const timer = setTimeout(done, 30_000);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      records.push({ partition, offset: message.offset, timestamp: message.timestamp, key: message.key!.toString(), value: message.value!, headers });
      if (records.length >= expected) done();
    },
  });
  await finished;
  clearTimeout(timer);
  // Anything beyond `expected` would arrive within a moment: give it one.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

function generate(args: string[]) {
  return run(process.execPath, [CLI, 'generate', ...args, '--brokers', brokers.join(','), '--registry', registryUrl], { env: { ...process.env, KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '' } });
}

describe('streamscore generate', () => {
  const id = suffix();
  const topics = { a: `generate-a-${id}`, b: `generate-b-${id}`, c: `generate-c-${id}`, fraud: `generate-fraud-${id}` };
  const count = 1234;
  // Histories that end by now, computed from the runs (the fraud stream's density follows the time of
  // day): inside the topic's retention and its future-timestamp limit at any hour. The iot runs share one.
  const startTime = historyStart([{ scenario: 'iot', seed: 42, count }, { scenario: 'iot', seed: 43, count }], Date.now());
  const fraudStartTime = historyStart([{ scenario: 'fraud', seed: 7, rate: 0.05, count: 300 }], Date.now());

  before(async () => {
    assert.ok(brokers.length && registryUrl, 'KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set (npm test sets them)');
    await createTopics(brokers, Object.values(topics).map((topic) => ({ topic, partitions: 3 })));
  });

  after(async () => {
    await deleteTopics(brokers, Object.values(topics));
  });

  it('produces exactly --count records, keyed by device, event time as timestamp, truth in headers only', async () => {
    const { stdout } = await generate(['iot', '--count', String(count), '--seed', '42', '--topic', topics.a, '--start-time', startTime]);
    assert.match(stdout, new RegExp(`produced ${count.toLocaleString('en-US')} iot records to ${topics.a}`));
    const records = await readAll(topics.a, count);
    assert.equal(records.length, count);
    const v1 = avro.Type.forSchema(schemaOf(SCENARIOS.iot.v1) as avro.Schema);
    let anomalies = 0;
    for (const r of records) {
      assert.equal(r.value[0], 0, 'Confluent magic byte');
      const value = v1.fromBuffer(r.value.subarray(5)) as { device_id: string; event_time: number };
      assert.equal(r.key, value.device_id, 'keyed by device');
      assert.equal(Number(r.timestamp), value.event_time, 'timestamp = event time');
      assert.ok(value.event_time >= Date.parse(startTime));
      assert.ok(['0', '1'].includes(r.headers['streamscore.truth.anomaly']!), 'truth label header');
      assert.ok(r.headers['streamscore.truth.kind'], 'truth kind header');
      assert.equal(r.headers['streamscore.truth.anomaly'] === '1', r.headers['streamscore.truth.kind'] !== 'none');
      if (r.headers['streamscore.truth.anomaly'] === '1') anomalies++;
    }
    assert.ok(anomalies > 0, 'some anomalies at the default rate');
    // One device, one partition.
    const partitionOf = new Map<string, number>();
    for (const r of records) {
      assert.equal(partitionOf.get(r.key) ?? r.partition, r.partition, `device ${r.key} on one partition`);
      partitionOf.set(r.key, r.partition);
    }
  });

  it('is deterministic: the same seed and start time give the same records; another seed others', async () => {
    await generate(['iot', '--count', String(count), '--seed', '42', '--topic', topics.b, '--start-time', startTime, '--rate', '5000']);
    await generate(['iot', '--count', String(count), '--seed', '43', '--topic', topics.c, '--start-time', startTime]);
    const strip = (r: Produced) => ({ partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, body: r.value.subarray(5).toString('hex'), headers: r.headers });
    const [a, b, c] = await Promise.all([readAll(topics.a, count), readAll(topics.b, count), readAll(topics.c, count)]);
    assert.deepEqual(b.map(strip), a.map(strip));
    assert.notDeepEqual(c.map(strip), a.map(strip));
  });

  it('writes the evolved schema with --schema-version 2', async () => {
    await generate(['fraud', '--count', '300', '--seed', '7', '--topic', topics.fraud, '--start-time', fraudStartTime, '--fraud-rate', '0.05', '--schema-version', '2']);
    const records = await readAll(topics.fraud, 300);
    assert.equal(records.length, 300);
    const v2 = avro.Type.forSchema(schemaOf(SCENARIOS.fraud.v2) as avro.Schema);
    for (const r of records) {
      const value = v2.fromBuffer(r.value.subarray(5)) as { card_id: string; merchant_id: string | null };
      assert.equal(r.key, value.card_id);
      assert.match(value.merchant_id ?? '', /^m-[a-z]{2}-\d{5}$/);
      assert.ok(['0', '1'].includes(r.headers['streamscore.truth.fraud']!));
    }
    assert.ok(records.some((r) => r.headers['streamscore.truth.fraud'] === '1'), 'some fraud at 5%');
  });

  it('refuses a topic that does not exist, and does not create it', async () => {
    const missing = `generate-missing-${id}`;
    await assert.rejects(generate(['iot', '--count', '10', '--topic', missing]), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /ERR_TOPIC_MISSING/);
      assert.match(error.stderr, new RegExp(`Topic ${missing} does not exist`));
      return true;
    });
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    assert.ok(!(await admin.listTopics()).includes(missing));
    await admin.disconnect();
  });

  it('refuses event times the topic would reject, before producing anything, and says what fits', async () => {
    // Three hours ahead: beyond the one-hour limit whatever the hour, since ten iot readings span seconds.
    const future = new Date(Date.now() + 3 * 3_600_000).toISOString();
    await assert.rejects(generate(['iot', '--count', '10', '--topic', topics.c, '--start-time', future]), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /^error ERR_GENERATE_TIMESTAMP_REFUSED: the run's event times reach .*message\.timestamp\.after\.max\.ms/m);
      assert.match(error.stderr, /no record fits; all 10 fit from --start-time \S+Z /);
      return true;
    });
    assert.equal((await readAll(topics.c, count)).length, count, 'nothing was added to the topic');
  });

  // Refused before anything connects: endpoints nobody listens on would otherwise fail differently.
  const usageRefusals: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'an unknown scenario', args: ['weather'], message: /unknown scenario "weather"; expected one of iot, fraud/ },
    { name: 'an option of the other scenario', args: ['fraud', '--devices', '10'], message: /--devices does not apply to the fraud scenario/ },
    { name: 'no broker', args: ['iot', '--registry', 'http://127.0.0.1:1'], message: /no Kafka brokers: pass --brokers or set KAFKA_BROKERS/ },
    { name: 'no registry', args: ['iot', '--brokers', '127.0.0.1:1'], message: /no schema registry: pass --registry or set SCHEMA_REGISTRY_URL/ },
    { name: 'a malformed --start-time', args: ['iot', '--brokers', '127.0.0.1:1', '--registry', 'http://127.0.0.1:1', '--start-time', 'yesterday'], message: /--start-time: expected an ISO-8601 date-time/ },
  ];
  for (const r of usageRefusals) {
    it(`refuses ${r.name} with ERR_GENERATE_USAGE, exit 2`, () => {
      const result = spawnSync(process.execPath, [CLI, 'generate', ...r.args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '' } });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^error ERR_GENERATE_USAGE: /);
      assert.match(result.stderr, r.message);
    });
  }
});
