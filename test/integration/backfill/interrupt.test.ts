import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig } from '../../support/streamscore-process.js';
import { assertScoredExactly, backfill, backfillToExit, brokers, deleteBackfillGroups, produceHistory, readPredictions, registryUrl } from './backfill-support.js';

describe('backfill: Ctrl-C stops after the window in flight and says how to resume', () => {
  const id = suffix();
  const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
  const appId = `bf-sigint-${id}`;
  let config = '';

  before(async () => {
    await createTopics(brokers, [{ topic: topics.input, partitions: 3 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]);
    await produceHistory(topics.input, { partitions: 3, count: 9_000, startMs: Date.now() - 3_600_000, stepMs: 100 });
    config = writeConfig(tinyConfig({ appId, ...topics, brokers, registryUrl }));
  });

  after(async () => {
    await deleteTopics(brokers, Object.values(topics));
    await deleteBackfillGroups(appId);
  });

  it('three interruptions, each resumed with the printed command: every record scored once, none skipped', async () => {
    // --max-rate keeps work left when each Ctrl-C arrives: unthrottled, a run can finish the
    // range between the commit the test waits for and the signal.
    const args = ['--config', config, '--from', 'earliest', '--to', 'latest', '--window-records', '250', '--max-rate', '1500'];
    let resume = args;
    for (let k = 0; k < 3; k++) {
      const child = backfill(resume, { LOG_LEVEL: 'debug' });
      for (let w = 0; w < 2 + k; w++) await child.waitForLine(/"msg":"partition committed"/, 60_000, child.lines.length);
      child.kill('SIGINT');
      const { code } = await child.exited;
      assert.equal(code, 130, child.lines.slice(-20).join('\n'));
      const out = child.lines.join('\n');
      assert.match(out, /^stopping after the window in flight commits/m);
      const stopped = out.match(/^backfill \S+ stopped: ([\d,]+) of 9,000 offsets done/m);
      assert.ok(stopped, out);
      // Every offset done by this run was a record it scored: nothing was passed over on the way out.
      assert.doesNotMatch(out, /^ {2}no record/m);
      assert.ok(child.lines.includes('resume with:'), out);
      const command = child.lines.find((l) => l.startsWith('  streamscore backfill '))?.slice('  streamscore backfill '.length);
      assert.ok(command, `no resume command in:\n${out}`);
      assert.equal(command, args.join(' '), 'the resume command is the same command line');
      resume = command.split(' ');
    }
    const last = await backfillToExit(resume);
    assert.equal(last.code, 0, last.out);
    assert.match(last.out, /finished: 9,000 offsets of/);
    assert.doesNotMatch(last.out, /^ {2}no record/m);
    assertScoredExactly(await readPredictions(topics.output, topics.input), Array.from({ length: 9_000 }, (_, i) => `${i % 3}:${Math.floor(i / 3)}`));
  });
});
