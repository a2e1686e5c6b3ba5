import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { assertExactlyOnce, startLoad } from '../../support/exactly-once.js';
import { createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();

function ownedIn(line: string): string[] {
  return (JSON.parse(line) as { owned: string[] }).owned;
}

for (const client of KAFKA_CLIENTS) {
  describe(`zombie: a stopped instance resumes after its partitions moved [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `zombie-${id}`;
    const instances: StreamscoreProcess[] = [];

    before(() => createTopics(env.brokers, [{ topic: topics.input, partitions: 6 }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]));
    after(async () => {
      for (const p of instances) { p.kill('SIGCONT'); await p.stop(); }
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it("fences the zombie's commit: none of its records become visible, no duplicates", async () => {
      const sessionTimeoutMs = 6_000;
      // A long linger keeps a window open in the zombie while it is stopped.
      const config = writeConfig(tinyConfig({ client,
        appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl,
        window: { maxRecords: 100_000, maxLingerMs: 1_500 },
        extra: { kafka: { brokers: env.brokers, sessionTimeoutMs, heartbeatIntervalMs: 500 }, observability: { metricsPort: 0, logLevel: 'debug' } },
      }));
      const load = await startLoad(env.brokers, env.registryUrl, topics.input, { perSecond: 1_000, partitions: 6 });
      const zombie = StreamscoreProcess.run(config, { LOG_LEVEL: 'debug' });
      instances.push(zombie);
      await zombie.waitForLine(/"msg":"partition committed"/);
      const survivor = StreamscoreProcess.run(config, { LOG_LEVEL: 'debug' });
      instances.push(survivor);
      // Both members own partitions once the group has settled with two members.
      const zombieLine = await zombie.waitForLine(/"revoked":\["[^\]]*\].*"msg":"partitions assigned"/);
      const zombiePartitions = ownedIn(zombieLine);
      assert.ok(zombiePartitions.length > 0 && zombiePartitions.length < 6, `zombie owns some partitions: ${zombiePartitions}`);
      await survivor.waitForLine(/"msg":"partition committed"/);

      // Stop the zombie with a window open (records keep arriving; linger 1.5 s).
      await zombie.waitForLine(/"msg":"window scored"/, 30_000, zombie.lines.length);
      zombie.kill('SIGSTOP');
      const stoppedAt = survivor.lines.length;
      // The survivor takes over every partition once the zombie's session expires, and commits them.
      await survivor.waitForLine(/"owned":\[("[^"]+",?){6}\],"msg":"partitions assigned"/, sessionTimeoutMs * 5, stoppedAt);
      for (const partition of zombiePartitions) {
        await survivor.waitForLine(new RegExp(`"partition":"${partition}".*"msg":"partition committed"`), 30_000, stoppedAt);
      }
      const resumedAt = zombie.lines.length;
      zombie.kill('SIGCONT');
      // The zombie's window goes to commit with a producer whose epoch the survivor bumped: fenced.
      const outcome = await zombie.waitForLine(/"msg":"fenced: another instance owns this partition now; dropped its work"/, 60_000, resumedAt);
      await load.stop();
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 120_000, () => survivor.assertAlive());
      process.stdout.write(`# zombie: ${JSON.stringify({ ...report, zombieOutcome: JSON.parse(outcome).msg })}\n`);
    });
  });
}
