import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { validateConfig } from '../../../src/config/load.js';
import { startService, type RunningService } from '../../../src/pipeline/service.js';
import { freePort } from '../../../src/stack/ports.js';
import { assertExactlyOnce } from '../../support/exactly-once.js';
import { avroEncoder, committedOffsets, createTopics, deleteTopics, produce, type TestMessage } from '../../support/kafka-fixtures.js';
import { READING_SCHEMA, suffix, tinyConfig } from '../../support/pipeline-config.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

// The service runs in this process, so the test can end a scoring worker thread (terminate(), as a
// crash or an out-of-memory abort would) while the worker holds a window.
const env = useTestEnvironment();

async function healthz(port: number): Promise<{ status: number; body: { status: string; workers: { live: number; replacing: number; recentExits: number; failed?: string }; failed?: string } }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: await response.json() as never };
}

describe('a scoring worker that dies', () => {
  const created: string[] = [];
  const services: RunningService[] = [];
  after(async () => {
    for (const service of services) await service.stop().catch(() => undefined);
    await deleteTopics(env.brokers, created);
  });

  async function setUp(prefix: string, records: number) {
    const id = suffix();
    const topics = { input: `in-${id}`, output: `out-${id}`, dlq: `dlq-${id}` };
    await createTopics(env.brokers, [{ topic: topics.input, partitions: 2 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }]);
    created.push(...Object.values(topics));
    const encode = await avroEncoder(env.registryUrl, `${topics.input}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
    const messages: TestMessage[] = [];
    for (let i = 0; i < records; i++) messages.push({ key: `k${i}`, value: await encode({ id: `r${i}`, a: (i % 13) / 3, b: (i % 7) / 2, c: i % 5 }), partition: i % 2 });
    await produce(env.brokers, topics.input, messages);
    return { appId: `${prefix}-${id}`, topics };
  }

  async function start(appId: string, topics: { input: string; output: string; dlq: string }, respawns: object): Promise<{ service: RunningService; port: number }> {
    const port = await freePort();
    const raw = tinyConfig({ appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl, window: { maxRecords: 100, maxLingerMs: 100 } }) as { model: object; observability: object };
    Object.assign(raw.model, { workerRespawns: respawns });
    raw.observability = { metricsPort: port, logLevel: 'warn' };
    const service = await startService(validateConfig(raw), pino({ level: process.env.STREAMSCORE_TEST_LOGS ? 'debug' : 'silent' }));
    services.push(service);
    return { service, port };
  }

  /** Ends the worker as the `nth` window closes: the window goes to a thread that is being torn down. */
  function killWorkerAtWindow(service: RunningService, nth: number): void {
    let windows = 0;
    service.pipeline.on('windowClosed', () => {
      if (++windows === nth) void service.scorer.pool.threads()[0].terminate();
    });
  }

  it('is replaced; the window it held is scored again; every record exactly once; /healthz shows the exit', async () => {
    const { appId, topics } = await setUp('worker-death', 3000);
    const { service, port } = await start(appId, topics, { max: 3, withinMs: 60_000 });
    const exited = once(service.scorer.pool, 'workerExited');
    const replaced = once(service.scorer.pool, 'workerReplaced');
    killWorkerAtWindow(service, 5);
    const [exit] = await exited;
    assert.ok(exit.heldRequests >= 1, `the worker held a window when it died (${exit.heldRequests})`);
    await replaced;
    const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 60_000);
    assert.equal(report.predictions, 3000);
    const health = await healthz(port);
    assert.equal(health.status, 200);
    assert.deepEqual(health.body.workers, { live: 1, replacing: 0, recentExits: 1 });
    assert.equal(service.pipeline.failed, undefined);
  });

  it('past model.workerRespawns.max the pipeline stops (ERR_MODEL_WORKER_RESPAWNS, /healthz 503) without committing past the lost window; a restart finishes exactly once', async () => {
    const { appId, topics } = await setUp('worker-respawns', 3000);
    const { service, port } = await start(appId, topics, { max: 0, withinMs: 60_000 });
    const failed = once(service.pipeline, 'failed');
    killWorkerAtWindow(service, 3);
    const [failure] = await failed;
    assert.equal(failure.code, 'ERR_MODEL_WORKER_RESPAWNS');
    const health = await healthz(port);
    assert.equal(health.status, 503);
    assert.equal(health.body.workers.failed, 'ERR_MODEL_WORKER_RESPAWNS');
    await service.stop();
    const committed = [...(await committedOffsets(env.brokers, appId, topics.input)).values()].map(Number);
    assert.ok(committed.reduce((sum, offset) => sum + Math.max(0, offset), 0) < 3000, `stopped before the end (committed ${committed})`);

    const restarted = await start(appId, topics, { max: 3, withinMs: 60_000 });
    const report = await assertExactlyOnce(env.brokers, env.registryUrl, topics, appId, 60_000);
    assert.equal(report.predictions, 3000);
    await restarted.service.stop();
  });
});
