import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLoad } from '../../support/exactly-once.js';
import { committedOffsets, createTopics, deleteTopics, endOffsets } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig } from '../../support/streamscore-process.js';
import { assertScoredExactly, backfillToExit, brokers, deleteBackfillGroups, loggedPlan, planOffsets, produceHistory, readPredictions, registryUrl } from './backfill-support.js';

describe('backfill: a live producer keeps writing', () => {
  const id = suffix();
  const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
  const appId = `bf-live-${id}`;
  let config = '';

  before(async () => {
    await createTopics(brokers, [{ topic: topics.input, partitions: 3 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]);
    await produceHistory(topics.input, { partitions: 3, count: 6_000, startMs: Date.now() - 3_600_000, stepMs: 100 });
    config = writeConfig(tinyConfig({ appId, ...topics, brokers, registryUrl }));
  });

  after(async () => {
    await deleteTopics(brokers, Object.values(topics));
    await deleteBackfillGroups(appId);
  });

  it('--to latest ends at the end offsets planned at start, not at the moving end', async () => {
    const load = await startLoad(brokers, registryUrl, topics.input, { perSecond: 400, partitions: 3 });
    let run: Awaited<ReturnType<typeof backfillToExit>>;
    try {
      await new Promise((r) => setTimeout(r, 500));
      run = await backfillToExit(['--config', config, '--from', 'earliest', '--to', 'latest', '--window-records', '500']);
      assert.equal(run.code, 0, run.out);
    } finally {
      await new Promise((r) => setTimeout(r, 1_000));
      await load.stop();
    }
    const plan = loggedPlan(run.lines);
    assert.ok(plan.total >= 6_000, `the plan covers the history (${plan.total})`);
    const ends = await endOffsets(brokers, topics.input);
    const moved = plan.partitions.filter((p) => Number(ends.get(p.partition)) > p.end);
    assert.equal(moved.length, 3, 'the producer wrote past the planned end on every partition');

    const committed = await committedOffsets(brokers, run.out.match(/\(group (\S+)\)/)![1], topics.input);
    for (const p of plan.partitions) assert.equal(committed.get(p.partition), String(p.end), `partition ${p.partition} committed exactly its planned end`);
    assertScoredExactly(await readPredictions(topics.output, topics.input), planOffsets(plan));
  });
});
