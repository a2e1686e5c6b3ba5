import { Worker } from 'node:worker_threads';
import type { FeatureTensor, TensorData } from '../features/feature-mapper.js';
import type { TensorDtype } from '../config/types.js';
import type { OutputTensor, ScoreRequest, ScoreResponse, WorkerInit } from './score-protocol.js';

export interface ScorerOptions {
  modelBytes: Uint8Array;
  outputNames: string[];
  workers: number;
  intraOpThreads: number;
  /** Split a window into runs of at most this many rows (for models with a fixed batch size). */
  maxBatch?: number;
  /** The model's batch dimension is fixed at maxBatch: pad the last run with zero rows, drop their outputs. */
  fixedBatch?: boolean;
  /** The input tensors' shapes, for the warm-up run: [name, dtype, columns]. */
  inputs: { name: string; dtype: TensorDtype; columns: number }[];
}

export interface ScoreResult {
  outputs: Record<string, OutputTensor>;
  inferenceMs: number;
}

interface PooledWorker {
  worker: Worker;
  busy: number;
}

/** Scores feature tensors on a small pool of worker threads, one onnxruntime session each. */
export class Scorer {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: ScoreResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly pool: PooledWorker[], private readonly options: ScorerOptions) {
    for (const pooled of pool) {
      pooled.worker.on('message', (message: ScoreResponse) => this.settle(pooled, message));
      pooled.worker.on('error', (error) => this.failAll(error));
    }
  }

  static async start(options: ScorerOptions): Promise<Scorer> {
    const init: WorkerInit = { modelBytes: options.modelBytes, intraOpThreads: options.intraOpThreads, outputNames: options.outputNames };
    const pool = await Promise.all(Array.from({ length: options.workers }, () => spawn(init)));
    const scorer = new Scorer(pool, options);
    await scorer.warmUp();
    return scorer;
  }

  /** One run per window (split only for a fixed batch size), outputs concatenated along the batch. */
  async score(tensors: FeatureTensor[]): Promise<ScoreResult> {
    const rows = tensors[0]?.dims[0] ?? 0;
    const chunk = this.options.maxBatch ?? rows;
    if (rows <= chunk && !(this.options.fixedBatch && rows < chunk)) return this.run(tensors);
    const parts: Promise<ScoreResult>[] = [];
    for (let start = 0; start < rows; start += chunk) {
      const end = Math.min(rows, start + chunk);
      const part = tensors.map((t) => slice(t, start, end));
      if (this.options.fixedBatch && end - start < chunk) {
        parts.push(this.run(part.map((t) => pad(t, chunk))).then((r) => trim(r, end - start)));
      } else {
        parts.push(this.run(part));
      }
    }
    const results = await Promise.all(parts);
    const outputs: Record<string, OutputTensor> = {};
    for (const name of this.options.outputNames) outputs[name] = concat(results.map((r) => r.outputs[name]));
    return { outputs, inferenceMs: results.reduce((sum, r) => sum + r.inferenceMs, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((p) => p.worker.terminate()));
  }

  private warmUp(): Promise<ScoreResult[]> {
    const tensors = this.options.inputs.map((input): FeatureTensor => ({
      name: input.name, dtype: input.dtype, data: zeros(input.dtype, input.columns * (this.options.maxBatch ?? 1)), dims: [this.options.maxBatch ?? 1, input.columns],
    }));
    return Promise.all(this.pool.map(() => this.run(tensors)));
  }

  private run(tensors: FeatureTensor[]): Promise<ScoreResult> {
    const pooled = this.pool.reduce((least, p) => (p.busy < least.busy ? p : least));
    const id = this.nextId++;
    const request: ScoreRequest = { id, inputs: tensors.map((t) => ({ name: t.name, dtype: t.dtype, data: t.data, dims: t.dims })) };
    pooled.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      pooled.worker.postMessage(request);
    });
  }

  private settle(pooled: PooledWorker, message: ScoreResponse): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    pooled.busy--;
    if (message.ok) waiter.resolve({ outputs: message.outputs, inferenceMs: message.inferenceMs });
    else waiter.reject(new Error(`Model run failed: ${message.message}`));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function spawn(init: WorkerInit): Promise<PooledWorker> {
  const worker = new Worker(new URL('./score-worker.js', import.meta.url), { workerData: init });
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve({ worker, busy: 0 }));
    worker.once('error', reject);
  });
}

function zeros(dtype: TensorDtype, length: number): TensorData {
  if (dtype === 'float64') return new Float64Array(length);
  if (dtype === 'int64') return new BigInt64Array(length);
  return new Float32Array(length);
}

function slice(tensor: FeatureTensor, from: number, to: number): FeatureTensor {
  const width = tensor.dims[1];
  return { ...tensor, data: tensor.data.subarray(from * width, to * width), dims: [to - from, width] };
}

function pad(tensor: FeatureTensor, rows: number): FeatureTensor {
  const width = tensor.dims[1];
  const data = zeros(tensor.dtype, rows * width);
  (data as Float32Array).set(tensor.data as Float32Array);
  return { ...tensor, data, dims: [rows, width] };
}

/** Keeps the first `rows` rows of every output (the rest scored padding). */
function trim(result: ScoreResult, rows: number): ScoreResult {
  const outputs: Record<string, OutputTensor> = {};
  for (const [name, out] of Object.entries(result.outputs)) {
    const width = out.dims.slice(1).reduce((a, b) => a * b, 1);
    outputs[name] = { ...out, dims: [rows, ...out.dims.slice(1)], data: out.data.slice(0, rows * width) as OutputTensor['data'] };
  }
  return { ...result, outputs };
}

function concat(parts: OutputTensor[]): OutputTensor {
  const first = parts[0];
  const rows = parts.reduce((sum, p) => sum + p.dims[0], 0);
  if (Array.isArray(first.data)) {
    return { type: first.type, dims: [rows, ...first.dims.slice(1)], data: parts.flatMap((p) => p.data as string[]) };
  }
  const length = parts.reduce((sum, p) => sum + (p.data as Float32Array).length, 0);
  const Ctor = (first.data as Float32Array).constructor as { new (n: number): Float32Array };
  const out = new Ctor(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p.data as Float32Array, offset);
    offset += (p.data as Float32Array).length;
  }
  return { type: first.type, dims: [rows, ...first.dims.slice(1)], data: out };
}
