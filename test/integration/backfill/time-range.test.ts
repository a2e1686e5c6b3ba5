import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { committedOffsets, createTopics, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig } from '../../support/streamscore-process.js';
import { assertScoredExactly, backfillToExit, brokers, deleteBackfillGroups, type HistoryRecord, loggedPlan, produceHistory, readPredictions, registryUrl } from './backfill-support.js';

describe('backfill: a sub-range of history by message time', () => {
  const id = suffix();
  const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
  const appId = `bf-time-${id}`;
  // 3,000 records, one every 2 s, ending about an hour ago (inside the broker's retention, before its clock).
  const stepMs = 2_000;
  const startMs = Date.now() - 3 * 3_600_000;
  let history: HistoryRecord[] = [];
  let config = '';
  // The range starts exactly at record 300's timestamp (included) and ends exactly at record 2,000's (excluded).
  const from = new Date(startMs + 300 * stepMs).toISOString();
  const to = new Date(startMs + 2_000 * stepMs).toISOString();
  const args = () => ['--config', config, '--from', from, '--to', to, '--window-records', '400'];

  before(async () => {
    assert.ok(brokers.length && registryUrl, 'KAFKA_BROKERS and SCHEMA_REGISTRY_URL must be set (npm test sets them)');
    await createTopics(brokers, [{ topic: topics.input, partitions: 3 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]);
    history = await produceHistory(topics.input, { partitions: 3, count: 3_000, startMs, stepMs });
    config = writeConfig(tinyConfig({ appId, ...topics, brokers, registryUrl }));
  });

  after(async () => {
    await deleteTopics(brokers, Object.values(topics));
    await deleteBackfillGroups(appId);
  });

  it('--plan counts the records inside, consumes nothing; the run scores exactly them; a second run says it is finished', async () => {
    const inside = history.filter((r) => r.timestamp >= Date.parse(from) && r.timestamp < Date.parse(to));
    assert.equal(inside.length, 1_700);

    const planned = await backfillToExit([...args(), '--plan']);
    assert.equal(planned.code, 0, planned.out);
    const plan = loggedPlan(planned.lines);
    assert.equal(plan.total, inside.length, '--plan counts the records inside the range');
    for (const p of plan.partitions) assert.equal(p.count, inside.filter((r) => r.partition === p.partition).length, `partition ${p.partition}`);
    assert.match(planned.out, /total\s+1,700/);
    assert.equal((await readTopic(brokers, topics.output, 'read_committed')).length, 0, '--plan scores nothing');

    const run = await backfillToExit(args());
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /finished: 1,700 offsets of/);
    assert.match(run.out, /^ {2}records {7}1,700$/m);
    assert.match(run.out, new RegExp(`^ {2}predictions {3}1,700 → ${topics.output}$`, 'm'));
    assert.match(run.out, /^ {2}dead letters {2}0 → /m);
    assert.match(run.out, /"msg":"backfill finished"/);

    const scored = await readPredictions(topics.output, topics.input);
    assertScoredExactly(scored, inside.map((r) => `${r.partition}:${r.offset}`));
    assert.equal(scored.total, plan.total, 'what --plan counted is what was scored');

    // The backfill's own group ends at the range's end, and the live appId's group was never touched.
    const backfillGroup = run.out.match(/\(group (\S+)\)/)![1];
    assert.match(backfillGroup, new RegExp(`^${appId}\\.backfill\\.[0-9a-f]{10}$`));
    const committed = await committedOffsets(brokers, backfillGroup, topics.input);
    for (const p of plan.partitions) assert.equal(committed.get(p.partition), String(p.end));
    assert.ok([...(await committedOffsets(brokers, appId, topics.input)).values()].every((o) => o === '-1'));

    const again = await backfillToExit(args());
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /already finished: all 1,700 offsets of the range are committed; nothing to do/);
    assert.equal((await readPredictions(topics.output, topics.input)).total, 1_700, 'the second run scored nothing');

    // Another spelling of the same range is the same backfill.
    const respelled = await backfillToExit(['--config', config, '--from', from.replace('Z', '+00:00'), '--to', to, '--plan']);
    assert.match(respelled.out, new RegExp(`\\(group ${backfillGroup.replace(/\./g, '\\.')}\\)`));
    assert.match(respelled.out, /it is finished/);
  });
});
