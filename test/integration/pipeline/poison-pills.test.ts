import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { avroDecoder, avroEncoder, createTopics, deleteTopics, produce, readTopic, waitForCommittedToEnd, type TestMessage } from '../../support/kafka-fixtures.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { READING_SCHEMA, suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();

for (const client of KAFKA_CLIENTS) {
  describe(`poison pills [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `poison-${id}`;
    let service: StreamscoreProcess | undefined;
    const poison: { key: string; value: Buffer; code: string; headers?: Record<string, string> }[] = [];
    let valid = 0;

    before(async () => {
      await createTopics(env.brokers, [{ topic: topics.input, partitions: 2 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }]);
      const schema = JSON.parse(readFileSync(READING_SCHEMA, 'utf8'));
      const encode = await avroEncoder(env.registryUrl, `${topics.input}-value`, schema);
      // A writer schema whose "b" may be null cannot be resolved to the reader's plain double.
      const nullableB = { ...schema, fields: schema.fields.map((f: { name: string }) => (f.name === 'b' ? { name: 'b', type: ['null', 'double'], default: null } : f)) };
      const encodeNullableB = await avroEncoder(env.registryUrl, `${topics.input}-nullable-b-value`, nullableB);
      const unknownId = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]), Buffer.from('payload')]);
      poison.push(
        { key: 'p-garbage', value: Buffer.from('this is not avro'), code: 'ERR_DECODE_MALFORMED', headers: { trace: 'abc' } },
        { key: 'p-unknown-id', value: unknownId, code: 'ERR_DECODE_UNKNOWN_SCHEMA' },
        { key: 'p-truncated', value: (await encode({ id: 'x', a: 1, b: 2, c: 3 })).subarray(0, 7), code: 'ERR_DECODE_MALFORMED' },
        { key: 'p-missing', value: await encode({ id: 'm', a: 1, b: 2, c: null }), code: 'ERR_FEATURE_MISSING' },
        { key: 'p-incompatible', value: await encodeNullableB({ id: 'w', a: 1, b: null, c: 1 }), code: 'ERR_DECODE_INCOMPATIBLE_SCHEMA' },
        { key: 'p-nan', value: await encode({ id: 'n', a: Number.NaN, b: 1, c: 1 }), code: 'ERR_FEATURE_NOT_FINITE' },
        { key: 'p-inf', value: await encode({ id: 'i', a: 1, b: Number.POSITIVE_INFINITY, c: 1 }), code: 'ERR_FEATURE_NOT_FINITE' },
      );
      const messages: TestMessage[] = [];
      for (let i = 0; i < 300; i++) {
        if (i % 40 === 7 && poison.length > messages.length - valid) {
          const p = poison[messages.length - valid];
          messages.push({ key: p.key, value: p.value, partition: i % 2, headers: p.headers });
        } else {
          messages.push({ key: `ok-${i}`, value: await encode({ id: `v${i}`, a: i / 100, b: 1 - i / 300, c: i % 7 }), partition: i % 2 });
          valid++;
        }
      }
      assert.equal(messages.length - valid, poison.length, 'every poison pill was produced');
      await produce(env.brokers, topics.input, messages);
    });

    after(async () => {
      await service?.stop();
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it('dead-letters each bad record once with its bytes and headers, and scores the rest', async () => {
      const config = tinyConfig({ client, appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl, window: { maxRecords: 64, maxLingerMs: 100 } }) as { model: { inputs: { columns: { default?: number }[] }[] } };
      delete config.model.inputs[0].columns[2].default; // "c" becomes a required feature
      service = StreamscoreProcess.run(writeConfig(config));
      await waitForCommittedToEnd(env.brokers, appId, topics.input, 90_000, () => service!.assertAlive());
      const predictions = await readTopic(env.brokers, topics.output, 'read_committed');
      const deadLetters = await readTopic(env.brokers, topics.dlq, 'read_committed');
      assert.equal(predictions.length, valid, 'every valid record scored');
      assert.equal(deadLetters.length, poison.length, 'every poison pill dead-lettered exactly once');
      const decode = await avroDecoder(env.registryUrl);
      for (const p of predictions) assert.match(p.key!.toString(), /^ok-/);
      for (const expected of poison) {
        const dl = deadLetters.find((d) => d.key?.toString() === expected.key);
        assert.ok(dl, `${expected.key} is in the dead-letter topic`);
        assert.deepEqual(dl.value, expected.value, `${expected.key}: original bytes kept`);
        assert.equal(dl.headers['streamscore.error.code'], expected.code, `${expected.key}: ${dl.headers['streamscore.error.message']}`);
        assert.equal(dl.headers['streamscore.error.topic'], topics.input);
        assert.match(dl.headers['streamscore.error.partition'], /^[01]$/);
        assert.match(dl.headers['streamscore.error.offset'], /^\d+$/);
        assert.match(dl.headers['streamscore.error.timestamp'], /^\d+$/);
        assert.ok(dl.headers['streamscore.error.message'].length > 0);
        assert.ok(['decode', 'features'].includes(dl.headers['streamscore.error.stage']));
        for (const [k, v] of Object.entries(expected.headers ?? {})) assert.equal(dl.headers[k], v, 'original headers kept');
      }
      // Inputs = predictions + dead letters, by source coordinates.
      const seen = new Set([
        ...(await Promise.all(predictions.map(async (p) => { const v = await decode(p.value!); return `${v.source_partition}:${v.source_offset}`; }))),
        ...deadLetters.map((d) => `${d.headers['streamscore.error.partition']}:${d.headers['streamscore.error.offset']}`),
      ]);
      assert.equal(seen.size, valid + poison.length);
    });
  });
}
