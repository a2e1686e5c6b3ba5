import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runIsolatingFailures } from '../../../src/model/isolating-run.js';
import { ModelSession } from '../../../src/model/model-session.js';

// The real onnxruntime on tiny-poison.onnx (test/fixtures/models/make-test-models.py): a run throws for
// any batch holding a row with c >= 100. Its golden file has Python onnxruntime's scores of good rows.
const golden = JSON.parse(readFileSync('test/fixtures/models/tiny-poison.golden.json', 'utf8')) as { poisonC: number; rows: { a: number; b: number; c: number; score: number }[] };

async function session(file: string): Promise<ModelSession> {
  return ModelSession.create({ modelBytes: readFileSync(file), outputNames: ['probabilities'], intraOpThreads: 1, inputs: [{ name: 'features', dtype: 'float32', columns: 3 }] });
}

describe('bisecting a real model run that throws', () => {
  it('isolates the poison rows and gives every other row the score Python onnxruntime gives it alone', async () => {
    const model = await session('test/fixtures/models/tiny-poison.onnx');
    const poisonAt = new Set([0, 3, 4, 150, 151, 299, 406]);
    const rows: { a: number; b: number; c: number; score?: number }[] = [];
    let next = 0;
    for (let i = 0; i < golden.rows.length + poisonAt.size; i++) rows.push(poisonAt.has(i) ? { a: 1, b: 1, c: golden.poisonC } : golden.rows[next++]);
    const data = Float32Array.from(rows.flatMap((r) => [r.a, r.b, r.c]));
    const result = await runIsolatingFailures((t) => model.score(t), [{ name: 'features', dtype: 'float32', data, dims: [rows.length, 3] }]);

    assert.deepEqual([...result.failedRows.keys()].sort((x, y) => x - y), [...poisonAt]);
    for (const message of result.failedRows.values()) assert.match(message, /out of data bounds/);
    let compared = 0;
    let maxDelta = 0;
    for (const part of result.parts) {
      const probabilities = part.outputs.probabilities.data as Float32Array;
      for (let row = part.start; row < part.end; row++) {
        const expected = rows[row].score;
        assert.ok(expected !== undefined, `row ${row} is a poison row but was scored`);
        maxDelta = Math.max(maxDelta, Math.abs(probabilities[(row - part.start) * 2 + 1] - expected));
        compared++;
      }
    }
    assert.equal(compared, golden.rows.length);
    assert.ok(maxDelta <= 1e-6, `max |Δscore| ${maxDelta}`);
    assert.ok(result.runs <= 1 + 2 * poisonAt.size * Math.log2(rows.length), `${result.runs} runs`);
  });

  it('a broken model passes its warm-up and fails every real row', async () => {
    const model = await session('test/fixtures/models/tiny-broken.onnx');
    const data = Float32Array.from([0.5, 1, 2, 1, 0, 0]);
    const result = await runIsolatingFailures((t) => model.score(t), [{ name: 'features', dtype: 'float32', data, dims: [2, 3] }]);
    assert.deepEqual([...result.failedRows.keys()], [0, 1]);
  });
});
