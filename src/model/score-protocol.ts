import type { TensorDtype } from '../config/types.js';
import type { TensorData } from '../features/feature-mapper.js';

/** Messages between the scorer and its worker threads. */
export interface WorkerInit {
  modelBytes: Uint8Array;
  intraOpThreads: number;
  outputNames: string[];
}

export interface ScoreRequest {
  id: number;
  inputs: { name: string; dtype: TensorDtype; data: TensorData; dims: number[] }[];
}

export interface OutputTensor {
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | string[] | Uint8Array;
  dims: number[];
  type: string;
}

export type ScoreResponse =
  | { id: number; ok: true; outputs: Record<string, OutputTensor>; inferenceMs: number }
  | { id: number; ok: false; message: string };
