import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { assertExactlyOnce } from '../../support/exactly-once.js';
import { avroDecoder, avroEncoder, committedOffsets, createTopics, deleteTopics, produce, readTopic, type TestMessage } from '../../support/kafka-fixtures.js';
import type { KafkaClientName } from '../../../src/kafka/types.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { READING_SCHEMA, suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

// tiny-poison.onnx throws for any batch holding a row with c >= 100; tiny-broken.onnx for every real row
// (test/fixtures/models/make-test-models.py). The golden file holds Python onnxruntime's scores.
const POISON_MODEL = path.resolve('test/fixtures/models/tiny-poison.onnx');
const BROKEN_MODEL = path.resolve('test/fixtures/models/tiny-broken.onnx');
const golden = JSON.parse(readFileSync('test/fixtures/models/tiny-poison.golden.json', 'utf8')) as { poisonC: number; rows: { id: string; a: number; b: number; c: number; score: number }[] };

const env = useTestEnvironment();

function topicsFor(prefix: string) {
  const id = suffix();
  return { appId: `${prefix}-${id}`, topics: { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` } };
}

function configWith(client: KafkaClientName, model: string, appId: string, topics: { input: string; output: string; dlq: string }, window: object, extra: object = {}): string {
  const config = tinyConfig({ client, appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl, window }) as { model: Record<string, unknown> };
  Object.assign(config.model, { path: model, ...extra });
  return writeConfig(config);
}

/**
 * Golden rows with poison rows among them, into partition 0: 1 poison row in the first 64, 2 in the
 * next (one in each half of a 64-row window), then a cluster of 12, then single ones; and the same
 * interleaving, shifted, into partition 1. Windows close at 64 records, so windows hold 0, 1, 2 and many.
 */
function withPoison(encode: (v: unknown) => Promise<Buffer>): Promise<{ messages: TestMessage[]; poison: number }> {
  const poisonAt = new Set([10, 70, 120, ...Array.from({ length: 12 }, (_, i) => 200 + 3 * i), 300, 301, 390]);
  return (async () => {
    const messages: TestMessage[] = [];
    let next = 0;
    let poison = 0;
    for (let i = 0; next < golden.rows.length; i++) {
      const partition = Math.floor(i / 32) % 2;
      if (poisonAt.has(i)) {
        messages.push({ key: `poison-${i}`, value: await encode({ id: `poison-${i}`, a: 1, b: 1, c: golden.poisonC }), partition });
        poison++;
      } else {
        const row = golden.rows[next++];
        messages.push({ key: row.id, value: await encode({ id: row.id, a: row.a, b: row.b, c: row.c }), partition });
      }
    }
    return { messages, poison };
  })();
}

for (const client of KAFKA_CLIENTS) {
  describe(`a model run that throws [${client}]`, () => {
    const created: string[] = [];
    const started: StreamscoreProcess[] = [];
    const run = (config: string) => {
      const process = StreamscoreProcess.run(config);
      started.push(process);
      return process;
    };
    let service: StreamscoreProcess;
    const schema = JSON.parse(readFileSync(READING_SCHEMA, 'utf8'));

    after(async () => {
      await Promise.all(started.map((p) => p.stop()));
      await deleteTopics(env.brokers, created);
    });

    async function setUp(prefix: string, partitions: number) {
      const { appId, topics } = topicsFor(prefix);
      await createTopics(env.brokers, [{ topic: topics.input, partitions }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }]);
      created.push(...Object.values(topics));
      return { appId, topics, encode: await avroEncoder(env.registryUrl, `${topics.input}-value`, schema) };
    }

    it('is bisected: the rows it fails on are dead-lettered once (ERR_MODEL_RUN), every other row gets its golden score once', async () => {
      const { appId, topics, encode } = await setUp('bisect', 2);
      const { messages, poison } = await withPoison(encode);
      await produce(env.brokers, topics.input, messages);
      service = run(configWith(client, POISON_MODEL, appId, topics, { maxRecords: 64, maxLingerMs: 200 }));
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 90_000, () => service.assertAlive());
      await service.waitForLine(/bisecting/, 1_000);

      assert.equal(report.predictions, golden.rows.length);
      assert.equal(report.deadLetters, poison);
      const deadLetters = await readTopic(env.brokers, topics.dlq, 'read_committed');
      for (const dl of deadLetters) {
        assert.match(dl.key!.toString(), /^poison-/);
        assert.equal(dl.headers['streamscore.error.code'], 'ERR_MODEL_RUN');
        assert.equal(dl.headers['streamscore.error.stage'], 'model');
        assert.match(dl.headers['streamscore.error.message'], /out of data bounds/);
        assert.deepEqual(dl.value, messages.find((m) => m.key === dl.key!.toString())!.value, 'original bytes kept');
      }
      const decode = await avroDecoder(env.registryUrl);
      const expected = new Map(golden.rows.map((r) => [r.id, r.score]));
      let maxDelta = 0;
      for (const p of await readTopic(env.brokers, topics.output, 'read_committed')) {
        const score = expected.get(p.key!.toString());
        assert.ok(score !== undefined, `prediction for ${p.key} which is not a golden row`);
        maxDelta = Math.max(maxDelta, Math.abs((await decode(p.value!)).score - score));
      }
      assert.ok(maxDelta <= 1e-6, `scores equal Python onnxruntime's (max |Δ| ${maxDelta})`);
      await service.stop();
      assert.equal((await service.exited).code, 0);
    });

    it('survives kill -9 during a bisection: exactly once after a restart', async () => {
      const { appId, topics, encode } = await setUp('bisect-kill', 3);
      const messages: TestMessage[] = [];
      for (let i = 0; i < 6000; i++) {
        const bad = i % 97 === 13;
        messages.push({ key: `${bad ? 'poison' : 'ok'}-${i}`, value: await encode({ id: `r${i}`, a: (i % 13) / 3, b: (i % 7) / 2, c: bad ? golden.poisonC : i % 10 }), partition: i % 3 });
      }
      await produce(env.brokers, topics.input, messages);
      const config = configWith(client, POISON_MODEL, appId, topics, { maxRecords: 500, maxLingerMs: 200 });
      service = run(config);
      // The third window bisected: earlier windows have committed by then, so the restart resumes mid-stream.
      for (let i = 0; i < 3; i++) await service.waitForLine(/bisecting/, 90_000, service.lines.length);
      service.kill('SIGKILL');
      assert.equal((await service.exited).signal, 'SIGKILL');
      service = run(config);
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 120_000, () => service.assertAlive());
      const poison = messages.filter((m) => String(m.key).startsWith('poison')).length;
      assert.equal(report.deadLetters, poison);
      assert.equal(report.predictions, messages.length - poison);
      for (const dl of await readTopic(env.brokers, topics.dlq, 'read_committed')) assert.equal(dl.headers['streamscore.error.code'], 'ERR_MODEL_RUN');
      await service.stop();
    });

    it('a model that fails every row stops the process (ERR_MODEL_SYSTEMIC): nothing committed, nothing dead-lettered', async () => {
      const { appId, topics, encode } = await setUp('systemic', 1);
      const messages: TestMessage[] = [];
      for (let i = 0; i < 300; i++) messages.push({ key: `ok-${i}`, value: await encode({ id: `r${i}`, a: 1 + i / 100, b: 0.5, c: i % 10 }) });
      await produce(env.brokers, topics.input, messages);
      service = run(configWith(client, BROKEN_MODEL, appId, topics, { maxRecords: 50, maxLingerMs: 200 }, { failures: { attempts: 2 } }));
      const exit = await service.exited;
      assert.equal(exit.code, 1, service.lines.slice(-10).join('\n'));
      assert.ok(service.lines.some((line) => /^error ERR_MODEL_SYSTEMIC: The model run failed for \d+\+? of \d+ rows/.test(line)), service.lines.slice(-5).join('\n'));
      assert.equal(service.lines.filter((line) => /scoring window .* failed, retrying/.test(line)).length, 1, 'retried once (attempts: 2) before stopping');
      const committed = await committedOffsets(env.brokers, appId, topics.input);
      assert.ok([...committed.values()].every((offset) => offset === '-1'), `no offset committed: ${[...committed.values()]}`);
      assert.equal((await readTopic(env.brokers, topics.dlq, 'read_uncommitted')).length, 0, 'nothing dead-lettered, even uncommitted');
      assert.equal((await readTopic(env.brokers, topics.output, 'read_committed')).length, 0);
    });
  });
}
