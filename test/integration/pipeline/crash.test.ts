import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveTestEnvironment, type TestEnvironment } from '../../support/environment.js';
import { assertExactlyOnce, startLoad } from '../../support/exactly-once.js';
import { createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

let brokers: string[] = [];
let registryUrl = '';
let environment: TestEnvironment | undefined;
before(async () => {
  environment = await resolveTestEnvironment();
  ({ brokers, registryUrl } = environment);
});
after(() => environment?.stop());

describe('crash: kill -9 at random moments', () => {
  const id = suffix();
  const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
  const appId = `crash-${id}`;
  let current: StreamscoreProcess | undefined;

  before(() => createTopics(brokers, [{ topic: topics.input, partitions: 6 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]));
  after(async () => {
    await current?.stop();
    await deleteTopics(brokers, Object.values(topics));
  });

  it('finds every input exactly once after 5 kills, and at least one kill landed inside a transaction', async () => {
    const config = writeConfig(tinyConfig({
      appId, ...topics, brokers, registryUrl,
      window: { maxRecords: 400, maxLingerMs: 150 },
      extra: { kafka: { brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 }, observability: { metricsPort: 0, logLevel: 'debug' } },
    }));
    const load = await startLoad(brokers, registryUrl, topics.input, { perSecond: 2_000, partitions: 6 });
    const kills = 5;
    for (let k = 0; k < kills; k++) {
      current = StreamscoreProcess.run(config, { LOG_LEVEL: 'debug' });
      // A window's partitions commit in parallel: right after the first one reports, the others
      // are mid-transaction. Kills at the 1st..4th window after start, plus up to 5 ms.
      const skip = 1 + Math.floor(Math.random() * 4);
      for (let w = 0; w < skip; w++) await current.waitForLine(/"msg":"partition committed"/, 90_000, current.lines.length);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
      current.kill('SIGKILL');
      const exit = await current.exited;
      assert.equal(exit.signal, 'SIGKILL');
    }
    await load.stop();
    current = StreamscoreProcess.run(config);
    const report = await assertExactlyOnce(brokers, registryUrl, topics, appId, 180_000, () => current!.assertAlive());
    assert.ok(report.inputs >= 5_000, `enough load went through (${report.inputs})`);
    assert.ok(report.abortedOutputs > 0, 'a read_uncommitted reader sees aborted outputs: a kill landed inside a transaction');
    process.stdout.write(`# crash: ${JSON.stringify(report)}\n`);
  });
});
