/**
 * Schema evolution: producers of a topic move to v2 of the scenario schema (one new optional field)
 * while others still write v1, mid-stream. Every record is scored with no dead letter (each writer
 * schema resolves to the configured v1 reader schema), and a v2 record scores exactly as the same
 * content written with v1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { avroEncoder, createTopics, deleteTopics, produce, readTopic, waitForCommittedToEnd, type TestMessage } from '../../support/kafka-fixtures.js';
import { suffix } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { brokers, decodePrediction, goldenRecords, inputsBySource, registryUrl, scenarioConfig, SCENARIOS, schemaOf, type Scenario } from './scenario-support.js';

/** Records per block; blocks alternate which version is written first. */
const BLOCK = 100;

for (const scenario of ['iot', 'fraud'] as const satisfies readonly Scenario[]) {
  describe(`schema evolution v1 → v2: ${scenario}`, () => {
    const id = suffix();
    const names = { appId: `evolution-${scenario}-${id}`, input: `evolution-${scenario}-in-${id}`, output: `evolution-${scenario}-out-${id}`, dlq: `evolution-${scenario}-dlq-${id}` };
    const spec = SCENARIOS[scenario];
    const golden = goldenRecords(scenario);
    let service: StreamscoreProcess | undefined;

    before(async () => {
      assert.ok(brokers.length && registryUrl, 'KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set (npm test sets them)');
      await createTopics(brokers, [{ topic: names.input, partitions: 3 }, { topic: names.output, partitions: 3 }, { topic: names.dlq, partitions: 1 }]);
      // Two producers' encoders under the topic's one subject: v2 registers as a compatible evolution of v1.
      const encodeV1 = await avroEncoder(registryUrl, `${names.input}-value`, schemaOf(spec.v1));
      const encodeV2 = await avroEncoder(registryUrl, `${names.input}-value`, schemaOf(spec.v2));
      const message = async (index: number, version: 1 | 2): Promise<TestMessage> => {
        const value = golden[index]!.value;
        return {
          key: String(value[spec.key]),
          value: version === 1 ? await encodeV1(value) : await encodeV2({ ...value, [spec.newField]: `v2-${index}` }),
          headers: { 'golden-index': String(index), 'schema-version': String(version) },
        };
      };
      // Every golden record is written once with each version; within each block of 100, the v1 and v2
      // producers take turns going first, so the stream switches writer schema back and forth.
      const messages: TestMessage[] = [];
      for (let start = 0; start < golden.length; start += BLOCK) {
        const order: (1 | 2)[] = (start / BLOCK) % 2 === 0 ? [1, 2] : [2, 1];
        for (const version of order) {
          for (let i = start; i < Math.min(golden.length, start + BLOCK); i++) messages.push(await message(i, version));
        }
      }
      await produce(brokers, names.input, messages);
    });

    after(async () => {
      await service?.stop();
      await deleteTopics(brokers, [names.input, names.output, names.dlq]);
    });

    it('scores every v1 and v2 record, without dead letters, v2 exactly as v1', async () => {
      service = StreamscoreProcess.run(writeConfig(scenarioConfig(scenario, names)));
      await waitForCommittedToEnd(brokers, names.appId, names.input, 120_000, () => service!.assertAlive());

      assert.equal((await readTopic(brokers, names.dlq, 'read_committed')).length, 0, 'no dead letters');
      const inputs = await inputsBySource(names.input);
      const schemaIds = new Set([...inputs.values()].map((m) => m.value!.readInt32BE(1)));
      assert.equal(schemaIds.size, 2, 'the topic holds records of two writer schemas');

      const predictions = (await readTopic(brokers, names.output, 'read_committed')).map(decodePrediction);
      assert.equal(predictions.length, 2 * golden.length, 'one prediction per record of either version');
      const scores = { 1: new Map<number, number>(), 2: new Map<number, number>() };
      for (const p of predictions) {
        const input = inputs.get(`${p.source_partition}:${p.source_offset}`)!;
        const version = Number(input.headers['schema-version']) as 1 | 2;
        scores[version].set(Number(input.headers['golden-index']), p.score);
      }
      assert.equal(scores[1].size, golden.length);
      assert.equal(scores[2].size, golden.length);
      for (let i = 0; i < golden.length; i++) {
        assert.equal(scores[2].get(i), scores[1].get(i), `golden record ${i}: v2 scored ${scores[2].get(i)}, v1 ${scores[1].get(i)}`);
        assert.ok(Math.abs(scores[1].get(i)! - golden[i]!.score) <= 1e-5, `golden record ${i} vs the golden score`);
      }
    });
  });
}
