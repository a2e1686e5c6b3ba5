import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import ort from 'onnxruntime-node';
import { Scorer } from '../../../src/model/scorer.js';

// The real onnxruntime on the tiny test models (test/fixtures/models/make-test-models.py).
const rows = 7;
const data = new Float32Array(Array.from({ length: rows * 3 }, (_, i) => Math.sin(i)));
const scorers: Scorer[] = [];
after(() => Promise.all(scorers.map((s) => s.close())));

async function direct(): Promise<Float32Array> {
  const session = await ort.InferenceSession.create('test/fixtures/models/tiny-classifier.onnx');
  const out = await session.run({ features: new ort.Tensor('float32', data, [rows, 3]) });
  return out.probabilities.data as Float32Array;
}

describe('Scorer', () => {
  it('scores a window in one run on a worker thread, like onnxruntime directly', async () => {
    const scorer = await Scorer.start({ modelBytes: readFileSync('test/fixtures/models/tiny-classifier.onnx'), outputNames: ['probabilities', 'label'], workers: 1, intraOpThreads: 1, inputs: [{ name: 'features', dtype: 'float32', columns: 3 }] });
    scorers.push(scorer);
    const result = await scorer.score([{ name: 'features', dtype: 'float32', data, dims: [rows, 3] }]);
    assert.deepEqual([...(result.outputs.probabilities.data as Float32Array)], [...(await direct())]);
    assert.deepEqual(result.outputs.label.dims, [rows]);
  });

  it('splits a window for a model with a fixed batch of 4, padding the last run', async () => {
    const scorer = await Scorer.start({ modelBytes: readFileSync('test/fixtures/models/tiny-classifier-batch4.onnx'), outputNames: ['probabilities', 'label'], workers: 1, intraOpThreads: 1, maxBatch: 4, fixedBatch: true, inputs: [{ name: 'features', dtype: 'float32', columns: 3 }] });
    scorers.push(scorer);
    for (const n of [1, 4, 7]) {
      const result = await scorer.score([{ name: 'features', dtype: 'float32', data: data.subarray(0, n * 3), dims: [n, 3] }]);
      assert.deepEqual(result.outputs.probabilities.dims, [n, 2], `${n} rows`);
      assert.deepEqual([...(result.outputs.probabilities.data as Float32Array)], [...(await direct()).subarray(0, n * 2)], `${n} rows`);
      assert.equal((result.outputs.label.data as BigInt64Array).length, n);
    }
  });
});
