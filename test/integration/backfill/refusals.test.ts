import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTopics, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig } from '../../support/streamscore-process.js';
import { backfill, backfillToExit, brokers, deleteBackfillGroups, produceHistory, registryUrl } from './backfill-support.js';

describe('backfill: empty ranges and refusals', () => {
  const id = suffix();
  const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
  const appId = `bf-refuse-${id}`;
  // The still-running backfill's predictions go here, apart from those the other tests count.
  const runningOutput = `bf-run-out-${id}`;
  const startMs = Date.now() - 2 * 3_600_000;
  let config = '';

  before(async () => {
    await createTopics(brokers, [{ topic: topics.input, partitions: 2 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }, { topic: runningOutput, partitions: 1 }]);
    await produceHistory(topics.input, { partitions: 2, count: 200, startMs, stepMs: 1_000 });
    config = writeConfig(tinyConfig({ appId, ...topics, brokers, registryUrl }));
  });

  after(async () => {
    await deleteTopics(brokers, [...Object.values(topics), runningOutput]);
    await deleteBackfillGroups(appId);
  });

  it('an empty range succeeds with zero records and scores nothing', async () => {
    const at = new Date(startMs + 50_500).toISOString();
    for (const [from, to] of [[at, at], ['latest', 'latest'], [`${topics.input}:0:40`, `${topics.input}:0:40`]]) {
      const run = await backfillToExit(['--config', config, '--from', from, '--to', to]);
      assert.equal(run.code, 0, run.out);
      assert.match(run.out, /^ {2}total\s+0$/m);
      assert.match(run.out, /nothing to backfill: the range is empty/);
    }
    assert.equal((await readTopic(brokers, topics.output, 'read_committed')).length, 0);
  });

  const refusals: { name: string; args: () => string[]; code: number; error: RegExp }[] = [
    { name: '--to before --from (times)', args: () => ['--from', new Date(startMs + 100_000).toISOString(), '--to', new Date(startMs).toISOString()], code: 1, error: /^error ERR_BACKFILL_RANGE: --to .* is before --from / },
    { name: '--to before --from (offsets)', args: () => ['--from', `${topics.input}:1:50`, '--to', `${topics.input}:1:10`], code: 1, error: /^error ERR_BACKFILL_RANGE: --to is before --from on .*:1 \(offset 10 < 50\)/ },
    { name: 'a time without a zone', args: () => ['--from', '2026-11-01T00:00:00', '--to', 'latest'], code: 1, error: /^error ERR_BACKFILL_RANGE: --from "2026-11-01T00:00:00": a date-time needs a zone/ },
    { name: 'a bound that is nothing', args: () => ['--from', 'last tuesday', '--to', 'latest'], code: 1, error: /^error ERR_BACKFILL_RANGE: --from "last tuesday": expected an ISO-8601/ },
    { name: 'a partition the topic lacks', args: () => ['--from', `${topics.input}:5:0`, '--to', 'latest'], code: 1, error: /^error ERR_BACKFILL_RANGE: topic .* has no partition 5/ },
    { name: 'offsets of another topic', args: () => ['--from', 'elsewhere:0:0', '--to', 'latest'], code: 1, error: /^error ERR_BACKFILL_RANGE: --from names offsets of topic elsewhere/ },
    { name: 'a missing topic', args: () => ['--topic', `no-such-${id}`, '--from', 'earliest', '--to', 'latest'], code: 1, error: /^error ERR_TOPIC_MISSING: Topic\(s\) no-such-/ },
    { name: 'a missing output topic', args: () => ['--output-topic', `no-such-out-${id}`, '--from', 'earliest', '--to', 'latest'], code: 1, error: /^error ERR_TOPIC_MISSING: Topic\(s\) no-such-out-/ },
    { name: 'an unreadable model', args: () => ['--model', '/nonexistent/model.onnx', '--from', 'earliest', '--to', 'latest'], code: 1, error: /^error ERR_MODEL_UNREADABLE: / },
    { name: '--restart off a terminal without --yes', args: () => ['--from', 'earliest', '--to', 'latest', '--id', 'restart-me', '--restart'], code: 2, error: /^error ERR_BACKFILL_USAGE: --restart deletes the progress of this backfill: confirm with --yes/ },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      const run = await backfillToExit(['--config', config, ...r.args()]);
      assert.equal(run.code, r.code, run.out);
      assert.ok(run.lines.some((l) => r.error.test(l)), `no line matching ${r.error} in:\n${run.out}`);
    });
  }

  it('refuses --restart --yes while the backfill runs in another process, deletes nothing, and that process goes on', async () => {
    // One record per window at 2 records/s: the 200 records keep it running for the whole test.
    const args = ['--config', config, '--from', 'earliest', '--to', 'latest', '--id', 'busy', '--output-topic', runningOutput, '--window-records', '1', '--max-rate', '2'];
    const running = backfill(args, { LOG_LEVEL: 'debug' });
    try {
      // A committed window means its consumer is a member of the backfill's group.
      await running.waitForLine(/"msg":"partition committed"/);
      const restart = await backfillToExit([...args, '--restart', '--yes']);
      assert.equal(restart.code, 1, restart.out);
      assert.ok(
        restart.lines.some((l) => /^error ERR_BACKFILL_RUNNING: backfill busy is running \(group \S+ has members\): stop it first/.test(l)),
        `no ERR_BACKFILL_RUNNING line in:\n${restart.out}`,
      );
      // The stored plan survives the refusal: a plan made anew would move the end of --to latest.
      const plan = await backfillToExit([...args, '--plan']);
      assert.equal(plan.code, 0, plan.out);
      assert.match(plan.out, /^plan fixed on \S+ by the first run; it is partly done/m);
      const seen = running.lines.length;
      await running.waitForLine(/"msg":"partition committed"/, 60_000, seen);
    } finally {
      running.kill('SIGINT');
      await running.exited;
    }
  });

  it('--restart --yes on a finished backfill runs it again from the start', async () => {
    const args = ['--config', config, '--from', `${topics.input}:0:10,${topics.input}:1:10`, '--to', `${topics.input}:0:20,${topics.input}:1:20`];
    const first = await backfillToExit(args);
    assert.equal(first.code, 0, first.out);
    assert.equal((await backfillToExit(args)).code, 0);
    const again = await backfillToExit([...args, '--restart', '--yes']);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /restart: deleted the progress and the plan of backfill/);
    assert.match(again.out, /^ {2}records {7}20$/m);
    assert.equal((await readTopic(brokers, topics.output, 'read_committed')).length, 40, 'scored twice: once per run, as asked');
  });
});
