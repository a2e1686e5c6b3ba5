import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { avroDecoder, avroEncoder, committedOffsets, createTopics, deleteTopics, endOffsets, produce, readTopic, waitForCommittedToEnd } from '../../support/kafka-fixtures.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { READING_SCHEMA, suffix, TINY_MODEL, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();

for (const client of KAFKA_CLIENTS) {
  describe(`scoring: 20,000 records over 6 partitions [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `scoring-${id}`;
    const count = 20_000;
    const inputs = new Map<string, { a: number; b: number; c: number | null }>();
    let service: StreamscoreProcess | undefined;

    before(async () => {
      assert.ok(env.brokers.length && env.registryUrl, 'KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set (npm test sets them)');
      await createTopics(env.brokers, [{ topic: topics.input, partitions: 6 }, { topic: topics.output, partitions: 3 }, { topic: topics.dlq, partitions: 1 }]);
      const encode = await avroEncoder(env.registryUrl, `${topics.input}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
      const messages = [];
      for (let i = 0; i < count; i++) {
        const value = { id: `r${i}`, a: Math.sin(i) * 3, b: Math.cos(i * 0.7) * 2, c: i % 5 === 0 ? null : (i % 97) / 10 };
        inputs.set(value.id, value);
        messages.push({ key: `device-${i % 37}`, value: await encode(value), partition: i % 6 });
      }
      await produce(env.brokers, topics.input, messages);
    });

    after(async () => {
      await service?.stop();
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it('produces exactly one correct prediction per record and commits to the end', async () => {
      service = StreamscoreProcess.run(writeConfig(tinyConfig({ client, appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl, window: { maxRecords: 1000, maxLingerMs: 100 } })));
      await waitForCommittedToEnd(env.brokers, appId, topics.input, 120_000, () => service!.assertAlive());

      const predictions = await readTopic(env.brokers, topics.output, 'read_committed');
      const deadLetters = await readTopic(env.brokers, topics.dlq, 'read_committed');
      assert.equal(deadLetters.length, 0, 'no dead letters for valid input');
      assert.equal(predictions.length, count, 'one prediction per input record');

      const decode = await avroDecoder(env.registryUrl);
      const decoded = await Promise.all(predictions.map(async (m) => ({ key: m.key?.toString(), outputPartition: m.partition, ...(await decode(m.value!)) })));
      const sources = new Set(decoded.map((p) => `${p.source_partition}:${p.source_offset}`));
      assert.equal(sources.size, count, 'no duplicate source offsets');

      // The independent check: onnxruntime run directly, record by record in one batch.
      const inputDecode = await avroDecoder(env.registryUrl);
      const inputMessages = await readTopic(env.brokers, topics.input, 'read_committed');
      const bySource = new Map<string, { id: string; a: number; b: number; c: number | null }>();
      for (const m of inputMessages) bySource.set(`${m.partition}:${m.offset}`, await inputDecode(m.value!));
      const session = await ort.InferenceSession.create(TINY_MODEL);
      const rows = decoded.map((p) => bySource.get(`${p.source_partition}:${p.source_offset}`)!);
      const data = new Float32Array(rows.flatMap((r) => [r.a, r.b, r.c ?? 0]));
      const direct = await session.run({ features: new ort.Tensor('float32', data, [rows.length, 3]) });
      const probabilities = direct.probabilities.data as Float32Array;
      const labels = direct.label.data as BigInt64Array;
      decoded.forEach((p, i) => {
        assert.ok(Math.abs(p.score - probabilities[i * 2 + 1]) <= 1e-6, `score of ${p.source_partition}:${p.source_offset}: ${p.score} vs ${probabilities[i * 2 + 1]}`);
        assert.equal(p.label, String(labels[i]));
        assert.equal(p.flag, p.score >= 0.5);
        assert.equal(p.model_name, 'tiny');
        assert.match(p.model_sha256, /^[0-9a-f]{64}$/);
        assert.equal(p.source_topic, topics.input);
        assert.ok(p.window_id.length > 0);
        assert.equal(p.key, `device-${Number(bySource.get(`${p.source_partition}:${p.source_offset}`)!.id.slice(1)) % 37}`, 'key = input key');
      });

      // Within each output partition, an input partition's predictions keep input offset order.
      const streams = new Map<string, number[]>();
      for (const p of decoded) {
        const stream = `${p.outputPartition}<-${p.source_partition}`;
        streams.set(stream, [...(streams.get(stream) ?? []), Number(p.source_offset)]);
      }
      for (const [stream, offsets] of streams) {
        assert.deepEqual(offsets, [...offsets].sort((x, y) => x - y), `output partition ${stream} out of order`);
      }

      const committed = await committedOffsets(env.brokers, appId, topics.input);
      assert.deepEqual(committed, await endOffsets(env.brokers, topics.input));
    });
  });
}
