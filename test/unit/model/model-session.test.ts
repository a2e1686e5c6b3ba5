import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { ModelSession } from '../../../src/model/model-session.js';

// The real onnxruntime on the tiny test models (test/fixtures/models/make-test-models.py).
const rows = 7;
const data = new Float32Array(Array.from({ length: rows * 3 }, (_, i) => Math.sin(i)));

async function direct(): Promise<Float32Array> {
  const session = await ort.InferenceSession.create('test/fixtures/models/tiny-classifier.onnx');
  const out = await session.run({ features: new ort.Tensor('float32', data, [rows, 3]) });
  return out.probabilities.data as Float32Array;
}

describe('ModelSession', () => {
  it('scores a window in one run, like onnxruntime directly', async () => {
    const model = await ModelSession.create({ modelBytes: readFileSync('test/fixtures/models/tiny-classifier.onnx'), outputNames: ['probabilities', 'label'], intraOpThreads: 1, inputs: [{ name: 'features', dtype: 'float32', columns: 3 }] });
    const outputs = await model.score([{ name: 'features', dtype: 'float32', data, dims: [rows, 3] }]);
    assert.deepEqual([...(outputs.probabilities.data as Float32Array)], [...(await direct())]);
    assert.deepEqual(outputs.label.dims, [rows]);
  });

  it('splits a window for a model with a fixed batch of 4, padding the last run', async () => {
    const model = await ModelSession.create({ modelBytes: readFileSync('test/fixtures/models/tiny-classifier-batch4.onnx'), outputNames: ['probabilities', 'label'], intraOpThreads: 1, maxBatch: 4, fixedBatch: true, inputs: [{ name: 'features', dtype: 'float32', columns: 3 }] });
    for (const n of [1, 4, 7]) {
      const outputs = await model.score([{ name: 'features', dtype: 'float32', data: data.subarray(0, n * 3), dims: [n, 3] }]);
      assert.deepEqual(outputs.probabilities.dims, [n, 2], `${n} rows`);
      assert.deepEqual([...(outputs.probabilities.data as Float32Array)], [...(await direct()).subarray(0, n * 2)], `${n} rows`);
      assert.equal((outputs.label.data as BigInt64Array).length, n);
    }
  });
});
