/**
 * The shipped configurations score the models' golden records (models/golden/*.jsonl, Python
 * onnxruntime with one thread) to the same scores, through the whole pipeline: Avro v1 in Kafka,
 * `streamscore run` as a child process, predictions read back by a read_committed consumer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { avroEncoder, createTopics, deleteTopics, produce, readTopic, waitForCommittedToEnd } from '../../support/kafka-fixtures.js';
import { suffix } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { brokers, decodePrediction, goldenRecords, inputsBySource, registryUrl, scenarioConfig, SCENARIOS, schemaOf, type Scenario } from './scenario-support.js';

/** The cards allow 1e-5 for other thread counts; with intraOpThreads 1 they match bit for bit. */
const TOLERANCE = 1e-5;

for (const scenario of ['iot', 'fraud'] as const satisfies readonly Scenario[]) {
  describe(`golden predictions: ${SCENARIOS[scenario].config}`, () => {
    const id = suffix();
    const names = { appId: `golden-${scenario}-${id}`, input: `golden-${scenario}-in-${id}`, output: `golden-${scenario}-out-${id}`, dlq: `golden-${scenario}-dlq-${id}` };
    const golden = goldenRecords(scenario);
    const config = scenarioConfig(scenario, names);
    let service: StreamscoreProcess | undefined;

    before(async () => {
      assert.ok(brokers.length && registryUrl, 'KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set (npm test sets them)');
      await createTopics(brokers, [{ topic: names.input, partitions: 3 }, { topic: names.output, partitions: 3 }, { topic: names.dlq, partitions: 1 }]);
      const encode = await avroEncoder(registryUrl, `${names.input}-value`, schemaOf(SCENARIOS[scenario].v1));
      const key = SCENARIOS[scenario].key;
      const messages = await Promise.all(golden.map(async (g, i) => ({
        key: String(g.value[key]),
        value: await encode(g.value),
        headers: { 'golden-index': String(i) },
      })));
      await produce(brokers, names.input, messages);
    });

    after(async () => {
      await service?.stop();
      await deleteTopics(brokers, [names.input, names.output, names.dlq]);
    });

    it(`scores all ${golden.length} golden records to the golden scores (±${TOLERANCE})`, async () => {
      service = StreamscoreProcess.run(writeConfig(config));
      await waitForCommittedToEnd(brokers, names.appId, names.input, 120_000, () => service!.assertAlive());

      assert.equal((await readTopic(brokers, names.dlq, 'read_committed')).length, 0, 'no dead letters');
      const inputs = await inputsBySource(names.input);
      const predictions = (await readTopic(brokers, names.output, 'read_committed')).map(decodePrediction);
      assert.equal(predictions.length, golden.length, 'one prediction per golden record');

      const threshold = config.model.outputs.threshold as number;
      const seen = new Set<number>();
      let exact = 0;
      for (const p of predictions) {
        const input = inputs.get(`${p.source_partition}:${p.source_offset}`);
        assert.ok(input, `prediction for unknown source ${p.source_partition}:${p.source_offset}`);
        const index = Number(input.headers['golden-index']);
        assert.ok(!seen.has(index), `golden record ${index} scored twice`);
        seen.add(index);
        const expected = golden[index]!.score;
        assert.ok(Math.abs(p.score - expected) <= TOLERANCE, `golden record ${index}: score ${p.score}, golden ${expected}`);
        if (p.score === expected) exact++;
        assert.equal(p.flag, p.score >= threshold, `flag of golden record ${index}`);
        assert.equal(p.model_name, config.model.name);
        assert.equal(p.model_version, config.model.version);
        assert.equal(p.source_topic, names.input);
      }
      assert.equal(seen.size, golden.length);
      // Not required (the tolerance is), but expected with one intra-op thread: say so if it changes.
      if (exact !== golden.length) process.stderr.write(`note: ${exact}/${golden.length} ${scenario} scores are bit-identical to the golden ones\n`);
    });
  });
}
