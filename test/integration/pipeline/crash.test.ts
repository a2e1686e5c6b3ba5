import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { assertExactlyOnce, startLoad } from '../../support/exactly-once.js';
import { avroDecoder, createTopics, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();

for (const client of KAFKA_CLIENTS) {
  describe(`crash: kill -9 at random moments [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `crash-${id}`;
    let current: StreamscoreProcess | undefined;

    before(() => createTopics(env.brokers, [{ topic: topics.input, partitions: 6 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]));
    after(async () => {
      await current?.stop();
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it('finds every input exactly once after 5 kills, and at least one kill landed inside a transaction', async () => {
      const config = writeConfig(tinyConfig({ client,
        appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl,
        window: { maxRecords: 400, maxLingerMs: 150 },
        extra: { kafka: { brokers: env.brokers, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 }, observability: { metricsPort: 0, logLevel: 'trace' } },
      }));
      const load = await startLoad(env.brokers, env.registryUrl, topics.input, { perSecond: 2_000, partitions: 6 });
      const decode = await avroDecoder(env.registryUrl);
      // An aborted transaction leaves its predictions in the log, and the redo writes them again:
      // a read_uncommitted reader then sees some source offset twice.
      const killLandedInTransaction = async () => {
        const seen = new Set<string>();
        for (const m of await readTopic(env.brokers, topics.output, 'read_uncommitted')) {
          const p = await decode(m.value!);
          const key = `${p.source_partition}:${p.source_offset}`;
          if (seen.has(key)) return true;
          seen.add(key);
        }
        return false;
      };
      // At least 5 kills; more (up to 15) until one is proven to have landed inside a transaction.
      let kills = 0;
      let landed = false;
      while (kills < 15 && !(kills >= 5 && landed)) {
        current = StreamscoreProcess.run(config, { LOG_LEVEL: 'trace' });
        // A transaction's offsets are sent after its predictions were produced and before it
        // commits: a kill right then lands inside an open transaction. Skip 0..3 of them at random.
        const skip = Math.floor(Math.random() * 4);
        for (let w = 0; w <= skip; w++) await current.waitForLine(/"msg":"transaction offsets-sent"/, 90_000, current.lines.length);
        current.kill('SIGKILL');
        const exit = await current.exited;
        assert.equal(exit.signal, 'SIGKILL');
        kills++;
        if (kills >= 5 && !landed) landed = await killLandedInTransaction();
      }
      await load.stop();
      current = StreamscoreProcess.run(config);
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 180_000, () => current!.assertAlive());
      assert.ok(report.inputs >= 5_000, `enough load went through (${report.inputs})`);
      assert.ok(landed && report.abortedOutputs > 0, `a read_uncommitted reader sees aborted outputs: a kill landed inside a transaction (after ${kills} kills)`);
      process.stdout.write(`# crash: ${JSON.stringify({ ...report, kills })}\n`);
    });
  });
}
