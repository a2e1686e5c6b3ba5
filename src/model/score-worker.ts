import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import type { OutputTensor, ScoreRequest, ScoreResponse, WorkerInit } from './score-protocol.js';

/**
 * A scoring thread. onnxruntime's run() occupies the thread it runs on, so it runs here:
 * the main thread keeps fetching, heartbeating and committing meanwhile.
 */
const init = workerData as WorkerInit;
const session = await ort.InferenceSession.create(init.modelBytes, {
  intraOpNumThreads: init.intraOpThreads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
});

parentPort!.on('message', async (request: ScoreRequest) => {
  let response: ScoreResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of request.inputs) feeds[input.name] = new ort.Tensor(input.dtype, input.data, input.dims);
    const started = performance.now();
    const results = await session.run(feeds, init.outputNames);
    const inferenceMs = performance.now() - started;
    const outputs: Record<string, OutputTensor> = {};
    for (const name of init.outputNames) {
      const tensor = results[name];
      const data = tensor.data as OutputTensor['data'];
      // Copy out of onnxruntime's buffer so it can be transferred, not cloned.
      const copy = Array.isArray(data) ? [...data] : (data as Float32Array).slice();
      if (!Array.isArray(copy)) transfer.push((copy as Float32Array).buffer as ArrayBuffer);
      outputs[name] = { data: copy as OutputTensor['data'], dims: [...tensor.dims], type: tensor.type };
    }
    response = { id: request.id, ok: true, outputs, inferenceMs };
  } catch (error) {
    response = { id: request.id, ok: false, message: (error as Error).message };
  }
  parentPort!.postMessage(response, transfer);
});

parentPort!.postMessage({ ready: true });
