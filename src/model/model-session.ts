import ort from 'onnxruntime-node';
import type { TensorDtype } from '../config/types.js';
import type { FeatureTensor } from '../features/feature-mapper.js';
import { runBatched, zeroTensors, type BatchLimits, type OutputTensor } from './batched-run.js';

export interface ModelSessionOptions extends BatchLimits {
  modelBytes: Uint8Array;
  intraOpThreads: number;
  /** The input tensors' shapes, for the warm-up run. */
  inputs: { name: string; dtype: TensorDtype; columns: number }[];
}

/**
 * One onnxruntime session. run() occupies the thread it runs on, so the pipeline creates it on
 * its scoring worker thread (window-worker.ts), never on the main thread.
 */
export class ModelSession {
  private constructor(private readonly session: ort.InferenceSession, private readonly options: ModelSessionOptions) {}

  static async create(options: ModelSessionOptions): Promise<ModelSession> {
    const session = await ort.InferenceSession.create(options.modelBytes, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    const model = new ModelSession(session, options);
    await model.score(zeroTensors(options.inputs, options.maxBatch ?? 1));
    return model;
  }

  /** One run per window (split only for a fixed batch size), outputs concatenated along the batch. */
  score(tensors: FeatureTensor[]): Promise<Record<string, OutputTensor>> {
    return runBatched((part) => this.runOnce(part), tensors, this.options);
  }

  private async runOnce(tensors: FeatureTensor[]): Promise<Record<string, OutputTensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of tensors) feeds[t.name] = new ort.Tensor(t.dtype, t.data, t.dims);
    // A run that throws is reported through its error (and bisected): onnxruntime's own copy of the
    // message on stderr, once per failed run, would only repeat it (4 = fatal only).
    const results = await this.session.run(feeds, this.options.outputNames, { logSeverityLevel: 4 });
    const outputs: Record<string, OutputTensor> = {};
    for (const name of this.options.outputNames) {
      const tensor = results[name];
      outputs[name] = { data: tensor.data as OutputTensor['data'], dims: [...tensor.dims], type: tensor.type };
    }
    return outputs;
  }
}
