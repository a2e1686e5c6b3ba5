import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';

export interface ModelFacts {
  sha256: string;
  bytes: Uint8Array;
  /** Set when the model fixes its batch dimension: windows are split into runs of this size. */
  fixedBatch?: number;
}

const ZIPMAP_HINT =
  'Export classifiers with plain tensor outputs, e.g. skl2onnx: to_onnx(model, X, options={id(model): {"zipmap": False}}) ' +
  '— then point model.outputs.score at the probabilities tensor with column: 1.';

function mismatch(message: string): StreamscoreError {
  return new StreamscoreError('ERR_MODEL_MISMATCH', message, { stage: 'model' });
}

/**
 * Loads the model once at start and checks it against the config, naming both sides on a
 * mismatch, so a wrong model or config is refused before any record is read.
 */
export async function checkModel(config: StreamscoreConfig['model']): Promise<ModelFacts> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(config.path);
  } catch (error) {
    throw new StreamscoreError('ERR_MODEL_UNREADABLE', `Cannot read model file ${config.path}: ${(error as Error).message}`, { cause: error });
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw new StreamscoreError('ERR_MODEL_UNREADABLE', `onnxruntime cannot load ${config.path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const fixedBatch = checkInputs(config, session);
    checkOutputs(config, session);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes, fixedBatch };
  } finally {
    await session.release();
  }
}

function checkInputs(config: StreamscoreConfig['model'], session: ort.InferenceSession): number | undefined {
  const configured = new Map(config.inputs.map((input) => [input.name, input]));
  let fixedBatch: number | undefined;
  for (const meta of session.inputMetadata) {
    const input = configured.get(meta.name);
    if (!input) throw mismatch(`The model has input "${meta.name}" but model.inputs does not configure it (configured: ${[...configured.keys()].join(', ')})`);
    if (!meta.isTensor) throw mismatch(`Model input "${meta.name}" is not a tensor`);
    if (meta.type !== input.dtype) throw mismatch(`Model input "${meta.name}" has type ${meta.type}, model.inputs config says dtype ${input.dtype}`);
    if (meta.shape.length !== 2) throw mismatch(`Model input "${meta.name}" has shape [${meta.shape.join(', ')}]; streamscore feeds [batch, columns]`);
    const [batch, width] = meta.shape;
    if (typeof width === 'number' && width !== input.columns.length) {
      throw mismatch(`Model input "${meta.name}" has ${width} columns, the config lists ${input.columns.length} (${input.columns.map((c) => c.field).join(', ')})`);
    }
    if (typeof batch === 'number' && batch > 0) fixedBatch = batch;
    configured.delete(meta.name);
  }
  if (configured.size) throw mismatch(`model.inputs names ${[...configured.keys()].join(', ')}, which the model does not have (it has: ${session.inputNames.join(', ')})`);
  return fixedBatch;
}

function checkOutputs(config: StreamscoreConfig['model'], session: ort.InferenceSession): void {
  const byName = new Map(session.outputMetadata.map((meta) => [meta.name, meta]));
  for (const meta of session.outputMetadata) {
    if (!meta.isTensor) {
      throw new StreamscoreError('ERR_MODEL_UNSUPPORTED_OUTPUT', `Model output "${meta.name}" is not a tensor (a ZipMap or sequence). ${ZIPMAP_HINT}`, { stage: 'model' });
    }
  }
  const wanted: [string, string, number | undefined][] = [['model.outputs.score', config.outputs.score.name, config.outputs.score.column]];
  if (config.outputs.label) wanted.push(['model.outputs.label', config.outputs.label.name, undefined]);
  for (const [key, name, column] of wanted) {
    const meta = byName.get(name);
    if (!meta || !meta.isTensor) throw mismatch(`${key} names output "${name}", which the model does not have (it has: ${session.outputNames.join(', ')})`);
    if (column !== undefined) {
      const width = meta.shape[1];
      if (meta.shape.length !== 2) throw mismatch(`${key}.column is set but output "${name}" has shape [${meta.shape.join(', ')}], not [batch, k]`);
      if (typeof width === 'number' && column >= width) throw mismatch(`${key}.column is ${column} but output "${name}" has ${width} columns`);
    }
  }
}
