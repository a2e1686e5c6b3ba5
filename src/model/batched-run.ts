import type { TensorDtype } from '../config/types.js';
import type { FeatureTensor, TensorData } from '../features/feature-mapper.js';

export interface OutputTensor {
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | string[] | Uint8Array;
  dims: number[];
  type: string;
}

export type ModelRun = (tensors: FeatureTensor[]) => Promise<Record<string, OutputTensor>>;

export interface BatchLimits {
  /** Split a window into runs of at most this many rows (for models with a fixed batch size). */
  maxBatch?: number;
  /** The model's batch dimension is fixed at maxBatch: pad the last run with zero rows, drop their outputs. */
  fixedBatch?: boolean;
  outputNames: string[];
}

/** One run per window (split only for a fixed or limited batch size), outputs concatenated along the batch. */
export async function runBatched(run: ModelRun, tensors: FeatureTensor[], limits: BatchLimits): Promise<Record<string, OutputTensor>> {
  const rows = tensors[0]?.dims[0] ?? 0;
  const chunk = limits.maxBatch ?? rows;
  if (rows <= chunk && !(limits.fixedBatch && rows < chunk)) return run(tensors);
  const parts: Record<string, OutputTensor>[] = [];
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const part = tensors.map((t) => sliceRows(t, start, end));
    if (limits.fixedBatch && end - start < chunk) parts.push(trim(await run(part.map((t) => pad(t, chunk))), end - start));
    else parts.push(await run(part));
  }
  const outputs: Record<string, OutputTensor> = {};
  for (const name of limits.outputNames) outputs[name] = concat(parts.map((p) => p[name]));
  return outputs;
}

/** Zero input tensors of `rows` rows: a warm-up run, so the first window does not pay for it. */
export function zeroTensors(inputs: { name: string; dtype: TensorDtype; columns: number }[], rows: number): FeatureTensor[] {
  return inputs.map((input) => ({ name: input.name, dtype: input.dtype, data: zeros(input.dtype, input.columns * rows), dims: [rows, input.columns] }));
}

function zeros(dtype: TensorDtype, length: number): TensorData {
  if (dtype === 'float64') return new Float64Array(length);
  if (dtype === 'int64') return new BigInt64Array(length);
  return new Float32Array(length);
}

/** Rows [from, to) of a [rows, columns] tensor, without copying. */
export function sliceRows(tensor: FeatureTensor, from: number, to: number): FeatureTensor {
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
function trim(outputs: Record<string, OutputTensor>, rows: number): Record<string, OutputTensor> {
  const trimmed: Record<string, OutputTensor> = {};
  for (const [name, out] of Object.entries(outputs)) {
    const width = out.dims.slice(1).reduce((a, b) => a * b, 1);
    trimmed[name] = { ...out, dims: [rows, ...out.dims.slice(1)], data: out.data.slice(0, rows * width) as OutputTensor['data'] };
  }
  return trimmed;
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
