import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { assertExactlyOnce, startLoad } from '../../support/exactly-once.js';
import { createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();
const assigned = (n: number) => new RegExp(`"owned":\\[("[^"]+",?){${n}}\\],"msg":"partitions assigned"`);

for (const client of KAFKA_CLIENTS) {
  describe(`rebalance: scale out to three instances, then stop one, while records flow [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `rebalance-${id}`;
    const instances: StreamscoreProcess[] = [];

    before(() => createTopics(env.brokers, [{ topic: topics.input, partitions: 6 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]));
    after(async () => {
      for (const p of instances) await p.stop();
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it('keeps exactly-once through joins and a graceful leave', async () => {
      const config = writeConfig(tinyConfig({ client,
        appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl,
        window: { maxRecords: 300, maxLingerMs: 200 },
        extra: { kafka: { brokers: env.brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 } },
      }));
      const load = await startLoad(env.brokers, env.registryUrl, topics.input, { perSecond: 1_500, partitions: 6 });
      const start = () => { const p = StreamscoreProcess.run(config); instances.push(p); return p; };
      const a = start();
      await a.waitForLine(/"msg":"partition committed"|"msg":"partition ready"/);
      const b = start();
      await b.waitForLine(assigned(3));
      const c = start();
      // With three members, every instance owns two partitions.
      await Promise.all([a, b, c].map((p) => p.waitForLine(assigned(2), 60_000)));
      await c.waitForLine(/"msg":"partition ready"/);
      const leaveAt = b.lines.length;
      a.kill('SIGTERM');
      const exit = await a.exited;
      assert.equal(exit.code, 0, `a graceful stop exits 0:\n${a.lines.slice(-5).join('\n')}`);
      // The two survivors take over: three partitions each.
      await Promise.all([b, c].map((p) => p.waitForLine(assigned(3), 60_000, p === b ? leaveAt : 0)));
      await load.stop();
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 120_000, () => { b.assertAlive(); c.assertAlive(); });
      assert.ok(report.inputs > 1_000);
      process.stdout.write(`# rebalance: ${JSON.stringify(report)}\n`);
    });
  });
}
