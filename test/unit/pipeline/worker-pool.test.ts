import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { WorkerPool, type RespawnPolicy } from '../../../src/pipeline/worker-pool.js';

// Real worker threads (the pool is what is under test): each echoes a request, or holds it for ever
// when asked to, so that a test can end the thread while it holds work.
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => { if (!m.hold) parentPort.postMessage({ id: m.id, echo: m.value }); });
parentPort.postMessage({ ready: true });
`;

interface Req { id: number; value: number; hold?: boolean }
interface Res { id: number; echo: number }

function spawnEcho(): Promise<Worker> {
  const worker = new Worker(ECHO, { eval: true });
  return once(worker, 'message').then(() => worker);
}

class ManualClock {
  time = 0;
  now(): number { return this.time; }
}

async function pool(policy: RespawnPolicy, clock = new ManualClock(), spawn = spawnEcho): Promise<WorkerPool<Req, Res>> {
  return WorkerPool.start<Req, Res>(1, spawn, policy, clock);
}

describe('WorkerPool', () => {
  it('answers requests', async () => {
    const p = await pool({ max: 1, withinMs: 1000 });
    assert.deepEqual(await p.request({ value: 7 }), { id: 0, echo: 7 });
    await p.close();
  });

  it('a worker that exits holding a request: the request fails retriably, a replacement takes the next one', async () => {
    const p = await pool({ max: 1, withinMs: 1000 });
    const exited = once(p, 'workerExited');
    const replaced = once(p, 'workerReplaced');
    const held = p.request({ value: 1, hold: true });
    await p.threads()[0].terminate();
    await assert.rejects(held, (error: { code?: string; retriable?: boolean }) => error.code === 'ERR_MODEL_WORKER_EXITED' && error.retriable === true);
    const [exit] = await exited;
    assert.equal(exit.heldRequests, 1);
    assert.equal(exit.recentExits, 1);
    // A request made before the replacement is ready waits for it instead of going to the dead thread.
    const after = await p.request({ value: 2 });
    assert.equal(after.echo, 2);
    await replaced;
    assert.deepEqual(p.health(), { live: 1, replacing: 0, recentExits: 1, failed: undefined });
    await p.close();
  });

  it('more exits than the policy allows within its span fail the pool for good', async () => {
    const clock = new ManualClock();
    const p = await pool({ max: 1, withinMs: 1000 }, clock);
    await p.threads()[0].terminate();
    await p.request({ value: 1 });
    clock.time = 500;
    const failed = once(p, 'failed');
    const held = p.request({ value: 2, hold: true });
    await p.threads()[0].terminate();
    await assert.rejects(held, { code: 'ERR_MODEL_WORKER_RESPAWNS' });
    assert.equal((await failed)[0].code, 'ERR_MODEL_WORKER_RESPAWNS');
    await assert.rejects(p.request({ value: 3 }), { code: 'ERR_MODEL_WORKER_RESPAWNS', fatal: true });
    assert.equal(p.health().failed, 'ERR_MODEL_WORKER_RESPAWNS');
    await p.close();
  });

  it('exits older than the span are forgotten', async () => {
    const clock = new ManualClock();
    const p = await pool({ max: 1, withinMs: 1000 }, clock);
    await p.threads()[0].terminate();
    await p.request({ value: 1 });
    clock.time = 1500;
    const exited = once(p, 'workerExited');
    await p.threads()[0].terminate();
    assert.equal((await exited)[0].recentExits, 1);
    assert.equal((await p.request({ value: 2 })).echo, 2);
    await p.close();
  });

  it('a replacement that cannot start fails the pool', async () => {
    let spawns = 0;
    const p = await pool({ max: 5, withinMs: 1000 }, new ManualClock(), () => (spawns++ === 0 ? spawnEcho() : Promise.reject(new Error('model file gone'))));
    await p.threads()[0].terminate();
    await assert.rejects(p.request({ value: 1 }), /could not start: model file gone/);
    await p.close();
  });
});
