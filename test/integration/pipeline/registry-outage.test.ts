import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { assertExactlyOnce, startLoad } from '../../support/exactly-once.js';
import { committedOffsets, createTopics, deleteTopics } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const env = useTestEnvironment();

for (const client of KAFKA_CLIENTS) {
  describe(`registry outage under load, schema cache cold [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `outage-${id}`;
    let proxy: TcpProxy | undefined;
    let service: StreamscoreProcess | undefined;

    before(() => createTopics(env.brokers, [{ topic: topics.input, partitions: 3 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }]));
    after(async () => {
      await service?.stop();
      await proxy?.down();
      await deleteTopics(env.brokers, Object.values(topics));
    });

    it('dead-letters nothing, holds offsets while the registry is down, and scores everything after', async () => {
      const target = new URL(env.registryUrl);
      proxy = new TcpProxy(target.hostname, Number(target.port));
      await proxy.up();
      const proxiedUrl = `${target.protocol}//127.0.0.1:${proxy.port}${target.pathname}`;
      // The env override would win over the config file: point it at the proxy too.
      service = StreamscoreProcess.run(writeConfig(tinyConfig({ client, appId, ...topics, brokers: env.brokers, registryUrl: proxiedUrl, window: { maxRecords: 200, maxLingerMs: 100 } })), { SCHEMA_REGISTRY_URL: proxiedUrl });
      await service.waitForLine(/"msg":"streamscore running"/);
      // The registry goes down before the first record: the writer schema is not cached yet.
      await proxy.down();
      const load = await startLoad(env.brokers, env.registryUrl, topics.input, { perSecond: 500, partitions: 3 });
      await service.waitForLine(/scoring window .* failed, retrying/, 30_000);
      const before = await committedOffsets(env.brokers, appId, topics.input);
      // Several retries later nothing has been committed: offsets do not advance during the outage.
      await service.waitForLine(/"attempt":4,.*retrying/, 30_000);
      const during = await committedOffsets(env.brokers, appId, topics.input);
      assert.deepEqual(during, before, 'no offset advanced while the registry was down');
      for (const offset of during.values()) assert.equal(offset, '-1');
      await proxy.up();
      await load.stop();
      const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 120_000, () => service!.assertAlive());
      assert.equal(report.deadLetters, 0, 'the outage caused no dead letters');
      assert.ok(report.predictions > 0);
      process.stdout.write(`# registry outage: ${JSON.stringify(report)}\n`);
    });
  });
}
