import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { assertExactlyOnce } from '../../support/exactly-once.js';
import { avroEncoder, createTopics, openProducer, produce, type TestMessage } from '../../support/kafka-fixtures.js';
import { KAFKA_CLIENTS } from '../../support/kafka-clients.js';
import { READING_SCHEMA, suffix, tinyConfig } from '../../support/pipeline-config.js';
import { PrivateKafka } from '../../support/private-kafka.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

// The broker is this test's own, since it gets killed; the registry stays the shared one (the local
// stack's Apicurio keeps its schemas in an H2 file, not in Kafka, so it does not depend on any broker).
const env = useTestEnvironment();

const PARTITIONS = 3;
/** The steady load before the outage: a batch every 100 ms. */
const BATCH = 100;
/** Commits to see before the kill, so the outage hits a pipeline that is fetching, scoring and committing. */
const COMMITS_BEFORE_KILL = 5;
/** Records produced once the broker is back. */
const AFTER = 2_000;
/** The broker stays dead this long at least; its restart adds ~12 s more without a broker. */
const MIN_OUTAGE_MS = 5_000;

/** Readings `from`..`from + count - 1`, round-robin over the partitions. */
async function readings(encode: (value: unknown) => Promise<Buffer>, from: number, count: number): Promise<TestMessage[]> {
  const messages: TestMessage[] = [];
  for (let n = from; n < from + count; n++) {
    messages.push({ key: `k${n % 101}`, partition: n % PARTITIONS, value: await encode({ id: `r${n}`, a: (n % 13) / 3, b: (n % 7) / 2, c: null }) });
  }
  return messages;
}

const COMMITTED = /"msg":"partition committed"/;

/** Inputs committed according to the log: per partition the last `nextOffset` of "partition committed", summed. */
function committedInLog(lines: string[]): number {
  const last = new Map<string, number>();
  for (const line of lines.filter((l) => COMMITTED.test(l))) {
    const { partition, nextOffset } = JSON.parse(line) as { partition: string; nextOffset: string };
    last.set(partition, Number(nextOffset));
  }
  return [...last.values()].reduce((sum, offset) => sum + offset, 0);
}

const count = (lines: string[], pattern: RegExp): number => lines.filter((line) => pattern.test(line)).length;

for (const client of KAFKA_CLIENTS) {
  describe(`broker outage: kill -9 and restart of the broker mid-run [${client}]`, () => {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    const appId = `broker-outage-${id}`;
    let kafka: PrivateKafka | undefined;
    let service: StreamscoreProcess | undefined;

    before(async () => {
      kafka = await PrivateKafka.start();
      await createTopics(kafka.brokers, [{ topic: topics.input, partitions: PARTITIONS }, { topic: topics.output, partitions: 2 }, { topic: topics.dlq, partitions: 1 }]);
    });
    after(async () => {
      await service?.stop();
      await kafka?.stop();
    });

    it('keeps retrying while the broker is gone, then scores every input exactly once, with no dead letters', async () => {
      const broker = kafka!;
      const encode = await avroEncoder(env.registryUrl, `${topics.input}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
      const config = writeConfig(tinyConfig({ client,
        appId, ...topics, brokers: broker.brokers, registryUrl: env.registryUrl,
        window: { maxRecords: 100, maxLingerMs: 100 },
        extra: { kafka: { brokers: broker.brokers, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 }, observability: { metricsPort: 0, logLevel: 'trace' } },
      }));
      // KAFKA_BROKERS from the environment would win over the config file: point it at the private broker.
      const running = StreamscoreProcess.run(config, { LOG_LEVEL: 'trace', KAFKA_BROKERS: broker.brokers.join(',') });
      service = running;
      await running.waitForLine(/"msg":"streamscore running"/, 60_000);

      // A steady load until some windows have committed. Each send is awaited, so none is in flight
      // at the kill, and the last batch has only just been written: not yet committed.
      const producer = await openProducer(broker.brokers);
      let sent = 0;
      do {
        const tick = sleep(100);
        await producer.send(topics.input, await readings(encode, sent, BATCH));
        sent += BATCH;
        running.assertAlive();
        await tick;
      } while (count(running.lines, COMMITTED) < COMMITS_BEFORE_KILL);
      await producer.send(topics.input, await readings(encode, sent, BATCH));
      sent += BATCH;
      await producer.close();
      // A transaction's offsets are sent after its predictions were written and before it commits:
      // killing the broker right then leaves that transaction open in the broker's log.
      await running.waitForLine(/"msg":"transaction offsets-sent"/, 10_000, running.lines.length);
      await broker.kill();
      const killedAt = Date.now();
      const atKill = running.lines.length;
      const committedAtKill = committedInLog(running.lines);
      assert.ok(committedAtKill < sent, `the outage starts with work in flight: ${committedAtKill} of ${sent} inputs committed at the kill`);

      // The broker stays dead until streamscore's own recovery has begun, and MIN_OUTAGE_MS at least.
      // The client first retries the request the kill cut (kafkajs: ~1 s to ~20 s, depending on the request;
      // platformatic: until the sink gives the transaction up after kafka.transactionTimeoutMs),
      // then the pipeline aborts the transaction to redo it. Waiting on the log fails at once if
      // streamscore exits meanwhile.
      const firstAbort = JSON.parse(await running.waitForLine(/"msg":"transaction aborted, will redo from the committed offset/, 60_000, atKill)) as { time: number; msg: string };
      while (Date.now() - killedAt < MIN_OUTAGE_MS) {
        running.assertAlive();
        await sleep(250);
      }
      const restartFrom = Date.now();
      await broker.restart();
      const restartMs = Date.now() - restartFrom;
      const outageMs = Date.now() - killedAt;
      running.assertAlive();
      // Both clients log each refused connection (kafkajs: "Connection error: connect ECONNREFUSED"; platformatic: in the error of a failed fetch).
      const connectionRetries = count(running.lines.slice(atKill), /ECONNREFUSED/);
      assert.ok(connectionRetries >= 5, `streamscore kept reconnecting while the broker was gone (${connectionRetries} refused connections logged in ${outageMs} ms)`);
      await produce(broker.brokers, topics.input, await readings(encode, sent, AFTER));

      const report = await assertExactlyOnce(broker.brokers, env.registryUrl, topics, appId, 90_000, () => running.assertAlive());
      assert.equal(report.inputs, sent + AFTER, 'every produced record is in the input topic');
      assert.equal(report.predictions, sent + AFTER, 'one prediction per input');
      assert.equal(report.deadLetters, 0, 'the outage dead-lettered nothing');
      const afterKill = running.lines.slice(atKill);
      assert.equal(count(afterKill, /"restarting":false/), 0, 'the consumer never gave up');
      assert.equal(count(afterKill, /ERR_STARTUP_TIMEOUT|"msg":"start failed"/), 0, 'no start-up timeout fired');
      running.assertAlive();
      await running.stop();
      assert.deepEqual(await running.exited, { code: 0, signal: null }, 'SIGTERM after the outage stops streamscore cleanly');
      process.stdout.write(`# broker outage: ${JSON.stringify({
        ...report, sentBeforeKill: sent, committedAtKill, outageMs, restartMs, connectionRetries,
        aborted: count(afterKill, /"msg":"transaction aborted/), consumerCrashes: count(afterKill, /"msg":"consumer crashed/),
        retrying: count(afterKill, /failed, retrying/), initFailed: count(afterKill, /"msg":"partition initialisation failed"/),
        firstAbort: { afterMs: firstAbort.time - killedAt, reason: firstAbort.msg.replace(/^.*\): /, '') },
      })}\n`);
    });
  });
}
