import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTopics, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { writeConfig, type StreamscoreProcess } from '../../support/streamscore-process.js';
import { assertScoredExactly, backfill, backfillToExit, brokers, deleteBackfillGroups, type HistoryRecord, loggedPlan, planOffsets, produceHistory, readPredictionsSettled, registryUrl } from './backfill-support.js';

for (const client of KAFKA_CLIENTS) {
  describe(`backfill: kill -9 three times, resume with the same command [${client}]`, () => {
    const id = suffix();
    const topics = { input: `bf-in-${id}`, output: `bf-out-${id}`, dlq: `bf-dlq-${id}` };
    const appId = `bf-resume-${id}`;
    const stepMs = 1_000;
    const startMs = Date.now() - 4 * 3_600_000;
    let history: HistoryRecord[] = [];
    let config = '';
    let current: StreamscoreProcess | undefined;
    const from = new Date(startMs + 1_000 * stepMs).toISOString();
    const to = new Date(startMs + 10_000 * stepMs).toISOString();
    // --max-rate keeps work left when each kill comes: unthrottled, a run can finish the range first.
    const args = () => ['--config', config, '--from', from, '--to', to, '--window-records', '300', '--max-rate', '3000'];

    before(async () => {
      await createTopics(brokers, [{ topic: topics.input, partitions: 3 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]);
      history = await produceHistory(topics.input, { partitions: 3, count: 11_000, startMs, stepMs });
      // A short session: a killed member leaves the group quickly, so each resume starts soon.
      config = writeConfig(tinyConfig({ client, appId, ...topics, brokers, registryUrl, extra: { kafka: { brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 } } }));
    });

    after(async () => {
      if (current && current.child.exitCode === null && current.child.signalCode === null) current.kill('SIGKILL');
      await deleteTopics(brokers, Object.values(topics));
      await deleteBackfillGroups(appId);
    });

    it('scores each in-range record exactly once, and none outside', async () => {
      const inside = history.filter((r) => r.timestamp >= Date.parse(from) && r.timestamp < Date.parse(to)).map((r) => `${r.partition}:${r.offset}`);
      assert.equal(inside.length, 9_000);
      const kills: number[] = [];
      for (let k = 0; k < 3; k++) {
        current = backfill(args(), { LOG_LEVEL: 'debug' });
        if (k > 0) await current.waitForLine(/^resuming: [\d,]+ of 9,000 offsets already done$/, 60_000);
        // Windows of a few partitions commit in parallel: right after one reports, others are mid-transaction.
        const skip = 1 + Math.floor(Math.random() * 6);
        for (let w = 0; w < skip; w++) await current.waitForLine(/"msg":"partition committed"/, 90_000, current.lines.length);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));
        current.kill('SIGKILL');
        assert.equal((await current.exited).signal, 'SIGKILL');
        kills.push(skip);
      }

      const last = await backfillToExit(args());
      assert.equal(last.code, 0, last.out);
      assert.match(last.out, /^resuming: [\d,]+ of 9,000 offsets already done$/m);
      assert.match(last.out, /finished: 9,000 offsets of/);
      const plan = loggedPlan(last.lines);
      assert.deepEqual(planOffsets(plan).sort(), [...inside].sort(), 'the stored plan is the range by time');

      assertScoredExactly(await readPredictionsSettled(topics.output, topics.input, inside), inside);
      assert.equal((await readTopic(brokers, topics.dlq, 'read_committed')).length, 0);
      const aborted = (await readTopic(brokers, topics.output, 'read_uncommitted')).length - 9_000;
      process.stdout.write(`# resume: killed after ${kills.join(', ')} commits; ${aborted} outputs of aborted transactions seen read_uncommitted\n`);
    });
  });
}
