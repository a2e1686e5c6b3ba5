import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTopics, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { suffix, TINY_MODEL, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig } from '../../support/streamscore-process.js';
import { assertScoredExactly, backfill, backfillToExit, brokers, deleteBackfillGroups, loggedPlan, planOffsets, produceHistory, readPredictions, registryUrl } from './backfill-support.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('backfill: --output-topic and --model', () => {
  const id = suffix();
  const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
  const rescored = `bf-rescored-${id}`;
  const appId = `bf-over-${id}`;
  // A copy of the tiny model with one more (unknown, ignored) protobuf field: the same scores,
  // another content hash, so the predictions' model_sha256 tells which file scored them.
  const otherModel = path.join(mkdtempSync(path.join(tmpdir(), 'streamscore-model-')), 'tiny-copy.onnx');
  let config = '';

  before(async () => {
    // Field 100, varint 1: tag (100 << 3 | 0) = 800 = 0xA0 0x06.
    writeFileSync(otherModel, Buffer.concat([readFileSync(TINY_MODEL), Buffer.from([0xa0, 0x06, 0x01])]));
    await createTopics(brokers, [{ topic: topics.input, partitions: 2 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }, { topic: rescored, partitions: 1 }]);
    await produceHistory(topics.input, { partitions: 2, count: 1_000, startMs: Date.now() - 3_600_000, stepMs: 1_000 });
    config = writeConfig(tinyConfig({ appId, ...topics, brokers, registryUrl }));
  });

  after(async () => {
    await deleteTopics(brokers, [...Object.values(topics), rescored]);
    await deleteBackfillGroups(appId);
  });

  it('writes to the given topic, scored by the given model; the config\'s output topic gets nothing', async () => {
    assert.notEqual(sha256(otherModel), sha256(TINY_MODEL));
    const run = await backfillToExit(['--config', config, '--from', `${topics.input}:0:100,${topics.input}:1:200`, '--to', 'latest', '--output-topic', rescored, '--model', otherModel]);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, new RegExp(`^ {2}predictions {3}700 → ${rescored}$`, 'm'));
    const plan = loggedPlan(run.lines);
    assert.deepEqual(plan.partitions.map((p) => [p.partition, p.start, p.end]), [[0, 100, 500], [1, 200, 500]]);

    const scored = await readPredictions(rescored, topics.input);
    assertScoredExactly(scored, planOffsets(plan));
    assert.deepEqual([...scored.modelSha256], [sha256(otherModel)], 'every prediction names the --model file');
    assert.equal((await readTopic(brokers, topics.output, 'read_committed')).length, 0);
  });

  it('warns when a resume scores with another model than the first run', async () => {
    // --max-rate: the first run must still have work left when it is killed.
    const args = ['--config', config, '--from', `${topics.input}:0:0`, '--to', `${topics.input}:0:500`, '--window-records', '50', '--id', 'swap', '--max-rate', '200'];
    const first = backfill([...args, '--model', otherModel], { LOG_LEVEL: 'debug' });
    await first.waitForLine(/"msg":"partition committed"/, 60_000);
    first.kill('SIGKILL');
    await first.exited;
    const resumed = await backfillToExit(args);
    assert.equal(resumed.code, 0, resumed.out);
    assert.match(resumed.out, new RegExp(`^warning: this backfill was started with different settings \\(model sha256 ${sha256(otherModel).slice(0, 12)}… → ${sha256(TINY_MODEL).slice(0, 12)}…\\)`, 'm'));
    const scored = await readPredictions(topics.output, topics.input);
    assertScoredExactly(scored, Array.from({ length: 500 }, (_, i) => `0:${i}`));
    assert.deepEqual(scored.modelSha256, new Set([sha256(otherModel), sha256(TINY_MODEL)]), 'done before the kill by --model, the rest by the config\'s model');
  });
});
