import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Clock } from '../clock.js';
import { StreamscoreError } from '../errors.js';

/** How many worker exits are tolerated, and over what span (config `model.workerRespawns`). */
export interface RespawnPolicy {
  max: number;
  withinMs: number;
}

export interface WorkerPoolHealth {
  /** Workers that take requests now. */
  live: number;
  /** Replacements being started. */
  replacing: number;
  /** Exits counted in the current span. */
  recentExits: number;
  /** Set once the pool gave up (too many exits, or a replacement that cannot start). */
  failed?: string;
}

export interface WorkerPoolEvents {
  workerExited: [{ threadId: number; reason: string; heldRequests: number; recentExits: number }];
  workerReplaced: [{ threadId: number }];
  /** A message a worker sent about a request before answering it (e.g. that it is bisecting). */
  notice: [{ id: number; notice: string; message: string }];
  failed: [{ code: string; message: string }];
}

interface PooledWorker {
  worker: Worker;
  /** Kept: `worker.threadId` reads -1 once the thread has exited. */
  threadId: number;
  /** Ids of the requests this worker holds: rejected if it exits before answering. */
  requests: Set<number>;
  lastError?: string;
}

interface Waiter<Response> {
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  pooled: PooledWorker;
}

/**
 * Supervised worker threads: requests go to the least busy live worker; a worker that exits
 * (crash, out-of-memory abort, terminate()) is taken out at once, the requests it held are
 * rejected with the retriable ERR_MODEL_WORKER_EXITED so their caller redoes them, and a
 * replacement is started. Without this, postMessage to a dead worker is silently dropped and the
 * caller waits for ever. More than `policy.max` exits within `policy.withinMs` fail the pool
 * (ERR_MODEL_WORKER_RESPAWNS, fatal): a worker that keeps dying is not hidden by restarts.
 */
export class WorkerPool<Request extends { id: number }, Response extends { id: number }> extends EventEmitter<WorkerPoolEvents> {
  private readonly live: PooledWorker[] = [];
  private readonly pending = new Map<number, Waiter<Response>>();
  private readonly replacements = new Set<Promise<void>>();
  private readonly exits: number[] = [];
  private failure: StreamscoreError | undefined;
  private closing = false;
  private nextId = 0;

  private constructor(private readonly spawn: () => Promise<Worker>, private readonly policy: RespawnPolicy, private readonly clock: Clock) {
    super();
  }

  /** `spawn` resolves once the new worker is ready to take requests. */
  static async start<Req extends { id: number }, Res extends { id: number }>(size: number, spawn: () => Promise<Worker>, policy: RespawnPolicy, clock: Clock): Promise<WorkerPool<Req, Res>> {
    const pool = new WorkerPool<Req, Res>(spawn, policy, clock);
    const workers = await Promise.all(Array.from({ length: size }, () => spawn()));
    for (const worker of workers) pool.adopt(worker);
    return pool;
  }

  async request(body: Omit<Request, 'id'>): Promise<Response> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.live.length) break;
      // Every worker exited: wait for a replacement (the exit that emptied the pool started one).
      if (!this.replacements.size) this.replace();
      await Promise.race(this.replacements);
    }
    const pooled = this.live.reduce((least, p) => (p.requests.size < least.requests.size ? p : least));
    const request = { ...body, id: this.nextId++ } as Request;
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject, pooled });
      pooled.requests.add(request.id);
      pooled.worker.postMessage(request);
    });
  }

  health(): WorkerPoolHealth {
    return { live: this.live.length, replacing: this.replacements.size, recentExits: this.recentExits(), failed: this.failure?.code };
  }

  /** The live threads (tests terminate one to prove the pool recovers). */
  threads(): readonly Worker[] {
    return this.live.map((p) => p.worker);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.replacements);
    await Promise.all(this.live.map((p) => p.worker.terminate()));
  }

  private adopt(worker: Worker): void {
    const pooled: PooledWorker = { worker, threadId: worker.threadId, requests: new Set() };
    worker.on('message', (message: Response | { id: number; notice: string; message: string }) => {
      if ('notice' in message) this.emit('notice', message);
      else this.settle(pooled, message);
    });
    // 'error' (an uncaught exception in the thread) is always followed by 'exit': handle the exit there.
    worker.on('error', (error) => { pooled.lastError = error.message; });
    worker.on('exit', (code) => this.onExit(pooled, code));
    this.live.push(pooled);
  }

  private settle(pooled: PooledWorker, response: Response): void {
    const waiter = this.pending.get(response.id);
    if (!waiter) return;
    this.pending.delete(response.id);
    pooled.requests.delete(response.id);
    waiter.resolve(response);
  }

  private onExit(pooled: PooledWorker, code: number): void {
    const index = this.live.indexOf(pooled);
    if (index >= 0) this.live.splice(index, 1);
    if (this.closing || this.failure) return;
    const reason = pooled.lastError ?? `exit code ${code}`;
    this.exits.push(this.clock.now());
    const recentExits = this.recentExits();
    this.emit('workerExited', { threadId: pooled.threadId, reason, heldRequests: pooled.requests.size, recentExits });
    if (recentExits > this.policy.max) {
      // fail() rejects what the dead worker held, with the fatal error.
      this.fail(new StreamscoreError('ERR_MODEL_WORKER_RESPAWNS', `Scoring workers exited ${recentExits} times within model.workerRespawns.withinMs=${this.policy.withinMs} (max ${this.policy.max}); last: ${reason}`));
      return;
    }
    const exited = new StreamscoreError('ERR_MODEL_WORKER_EXITED', `A scoring worker exited (${reason}) while it held this window; it is replaced and the window scored again`);
    for (const id of pooled.requests) {
      this.pending.get(id)?.reject(exited);
      this.pending.delete(id);
    }
    pooled.requests.clear();
    this.replace();
  }

  private recentExits(): number {
    const since = this.clock.now() - this.policy.withinMs;
    while (this.exits.length && this.exits[0] <= since) this.exits.shift();
    return this.exits.length;
  }

  private replace(): void {
    const replacement: Promise<void> = this.spawn()
      .then((worker) => {
        if (this.closing || this.failure) {
          void worker.terminate();
          return;
        }
        this.adopt(worker);
        this.emit('workerReplaced', { threadId: worker.threadId });
      })
      .catch((error: unknown) => {
        this.fail(new StreamscoreError('ERR_MODEL_WORKER_RESPAWNS', `A replacement scoring worker could not start: ${(error as Error).message}`, { cause: error }));
      })
      .finally(() => this.replacements.delete(replacement));
    this.replacements.add(replacement);
  }

  /** Gives up for good: every waiting request and every later one fails with `error`. */
  private fail(error: StreamscoreError): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const pooled of this.live) void pooled.worker.terminate();
    this.emit('failed', { code: error.code, message: error.message });
  }
}
