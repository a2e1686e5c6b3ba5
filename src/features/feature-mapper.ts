import type { FeatureColumnConfig, InputTensorConfig, TensorDtype } from '../config/types.js';
import { StreamscoreError, type ErrorCode } from '../errors.js';

export type TensorData = Float32Array | Float64Array | BigInt64Array;

export interface FeatureTensor {
  name: string;
  dtype: TensorDtype;
  data: TensorData;
  /** [rows, columns] */
  dims: [number, number];
}

export interface MappedFeatures {
  tensors: FeatureTensor[];
  /** Index (into the input values) of each tensor row, in order. */
  rows: number[];
  /** Records that could not be mapped, by index into the input values. */
  failures: Map<number, StreamscoreError>;
}

class FeatureProblem extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

interface CompiledColumn {
  config: FeatureColumnConfig;
  path: string[];
  vocabulary?: Map<string, number>;
}

/**
 * Record → tensor rows, as the config declares. Pure: no I/O, unit-tested with tables.
 * A record with a missing required field, a NaN/infinite value or a value of the wrong type is
 * reported as a failure (it becomes a dead letter); the rest of the window is still mapped.
 */
export class FeatureMapper {
  private readonly inputs: { config: InputTensorConfig; columns: CompiledColumn[] }[];

  constructor(inputs: InputTensorConfig[]) {
    this.inputs = inputs.map((config) => ({
      config,
      columns: config.columns.map((column) => ({
        config: column,
        path: column.field.split('.'),
        vocabulary: column.vocabulary ? new Map(column.vocabulary.map((v, i) => [v, i])) : undefined,
      })),
    }));
  }

  map(values: readonly Record<string, unknown>[]): MappedFeatures {
    const buffers = this.inputs.map(({ config }) => allocate(config.dtype, values.length * config.columns.length));
    const rows: number[] = [];
    const failures = new Map<number, StreamscoreError>();
    const scratch = this.inputs.map(({ columns }) => new Array<number>(columns.length));
    values.forEach((value, index) => {
      try {
        this.inputs.forEach(({ columns }, t) => columns.forEach((column, c) => { scratch[t][c] = readColumn(value, column); }));
      } catch (error) {
        if (!(error instanceof FeatureProblem)) throw error;
        failures.set(index, new StreamscoreError(error.code, error.message, { stage: 'features' }));
        return;
      }
      const row = rows.length;
      this.inputs.forEach(({ config }, t) => write(buffers[t], config.dtype, row * config.columns.length, scratch[t]));
      rows.push(index);
    });
    const tensors = this.inputs.map(({ config }, t): FeatureTensor => ({
      name: config.name,
      dtype: config.dtype,
      data: buffers[t].subarray(0, rows.length * config.columns.length),
      dims: [rows.length, config.columns.length],
    }));
    return { tensors, rows, failures };
  }
}

function allocate(dtype: TensorDtype, length: number): TensorData {
  if (dtype === 'float64') return new Float64Array(length);
  if (dtype === 'int64') return new BigInt64Array(length);
  return new Float32Array(length);
}

function write(buffer: TensorData, dtype: TensorDtype, offset: number, row: number[]): void {
  if (dtype === 'int64') {
    const ints = buffer as BigInt64Array;
    for (let i = 0; i < row.length; i++) ints[offset + i] = BigInt(Math.round(row[i]));
  } else {
    (buffer as Float32Array | Float64Array).set(row, offset);
  }
}

function lookup(value: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function readColumn(record: Record<string, unknown>, column: CompiledColumn): number {
  const { config } = column;
  let raw = lookup(record, column.path);
  if (raw === undefined || raw === null) {
    if (config.default === undefined) throw new FeatureProblem('ERR_FEATURE_MISSING', `Required feature field "${config.field}" is missing`);
    raw = config.default;
  }
  const number = convert(raw, column);
  if (!Number.isFinite(number)) throw new FeatureProblem('ERR_FEATURE_NOT_FINITE', `Feature field "${config.field}" is ${String(number)}`);
  return scale(number, config);
}

function convert(raw: unknown, column: CompiledColumn): number {
  const { field, dtype } = column.config;
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'int64': {
      const number = typeof raw === 'bigint' ? Number(raw) : raw;
      if (typeof number !== 'number') throw new FeatureProblem('ERR_FEATURE_TYPE', `Feature field "${field}" should be a number, found ${typeof raw}`);
      if (dtype === 'int64' && Number.isFinite(number) && !Number.isInteger(number)) {
        throw new FeatureProblem('ERR_FEATURE_TYPE', `Feature field "${field}" should be an integer, found ${number}`);
      }
      return number;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      if (raw === 0 || raw === 1) return raw;
      throw new FeatureProblem('ERR_FEATURE_TYPE', `Feature field "${field}" should be a boolean, found ${JSON.stringify(raw)}`);
    case 'category': {
      const index = typeof raw === 'string' ? column.vocabulary?.get(raw) : undefined;
      if (index === undefined) throw new FeatureProblem('ERR_FEATURE_TYPE', `Feature field "${field}" has value ${JSON.stringify(raw)}, not in its vocabulary`);
      return index;
    }
  }
}

function scale(value: number, config: FeatureColumnConfig): number {
  const s = config.scale;
  if (!s) return value;
  if (s.mean !== undefined && s.std !== undefined) return (value - s.mean) / s.std;
  if (s.min !== undefined && s.max !== undefined) return (value - s.min) / (s.max - s.min);
  return value;
}
