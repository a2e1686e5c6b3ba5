import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureTensor } from '../../../src/features/feature-mapper.js';
import type { OutputTensor } from '../../../src/model/batched-run.js';
import { runIsolatingFailures } from '../../../src/model/isolating-run.js';

/** One column; a row whose value is negative makes the (fake) model throw, as an out-of-range lookup does. */
function column(values: number[]): FeatureTensor[] {
  return [{ name: 'features', dtype: 'float32', data: Float32Array.from(values), dims: [values.length, 1] }];
}

/** A fake model run (pure logic under test is the bisection, not onnxruntime): score = value × 2. */
function fakeModel(failsOn: (values: number[]) => boolean) {
  const calls: number[][] = [];
  const run = async (tensors: FeatureTensor[]): Promise<Record<string, OutputTensor>> => {
    const values = [...(tensors[0].data as Float32Array)];
    calls.push(values);
    if (failsOn(values)) throw new Error(`bad rows in [${values.join(',')}]`);
    return { score: { data: Float32Array.from(values, (v) => v * 2), dims: [values.length], type: 'float32' } };
  };
  return { run, calls };
}

const anyNegative = (values: number[]) => values.some((v) => v < 0);

/** Rows scored, by row index, from the parts' outputs. */
function scoredRows(parts: { start: number; end: number; outputs: Record<string, OutputTensor> }[]): Map<number, number> {
  const scores = new Map<number, number>();
  for (const part of parts) {
    for (let row = part.start; row < part.end; row++) {
      assert.ok(!scores.has(row), `row ${row} scored twice`);
      scores.set(row, Number(part.outputs.score.data[row - part.start]));
    }
  }
  return scores;
}

describe('runIsolatingFailures', () => {
  const n = 64;
  const cases: { name: string; bad: number[] }[] = [
    { name: 'no bad row: one run', bad: [] },
    { name: 'one bad row', bad: [37] },
    { name: 'the first and the last row', bad: [0, n - 1] },
    { name: 'a bad row in each half', bad: [5, 40] },
    { name: 'two neighbours', bad: [20, 21] },
    { name: 'many bad rows', bad: [1, 2, 3, 17, 30, 31, 44, 50, 63] },
  ];
  for (const c of cases) {
    it(`${c.name}: isolates exactly the bad rows, scores every other row once, within 1 + 2·k·log2(n) runs`, async () => {
      const values = Array.from({ length: n }, (_, i) => (c.bad.includes(i) ? -1 : i + 1));
      const model = fakeModel(anyNegative);
      const result = await runIsolatingFailures(model.run, column(values));
      assert.deepEqual([...result.failedRows.keys()].sort((a, b) => a - b), c.bad);
      for (const message of result.failedRows.values()) assert.match(message, /bad rows/);
      const scores = scoredRows(result.parts);
      assert.equal(scores.size, n - c.bad.length);
      for (const [row, score] of scores) assert.equal(score, values[row] * 2, `row ${row} scored with its own value`);
      assert.ok(result.parts.every((p, i) => i === 0 || p.start >= result.parts[i - 1].end), 'parts in row order');
      assert.equal(result.runs, model.calls.length);
      assert.ok(result.runs <= 1 + 2 * c.bad.length * Math.log2(n), `${result.runs} runs for ${c.bad.length} bad rows`);
      assert.equal(result.gaveUp, false);
    });
  }

  it('blames no row for a failure that depends on the batch, not on a row', async () => {
    const values = Array.from({ length: 16 }, (_, i) => i + 1);
    const model = fakeModel((v) => v.length > 4);
    const result = await runIsolatingFailures(model.run, column(values));
    assert.equal(result.failedRows.size, 0);
    assert.equal(scoredRows(result.parts).size, 16);
  });

  it('gives up once more rows failed than allowed', async () => {
    const values = Array.from({ length: 40 }, () => -1);
    const model = fakeModel(anyNegative);
    const result = await runIsolatingFailures(model.run, column(values), 20);
    assert.equal(result.gaveUp, true);
    assert.equal(result.failedRows.size, 21);
    assert.ok(result.runs < 2 * 40, `stopped early (${result.runs} runs)`);
  });

  it('a window of one bad row is one failed run', async () => {
    const model = fakeModel(anyNegative);
    const result = await runIsolatingFailures(model.run, column([-1]));
    assert.deepEqual([...result.failedRows.keys()], [0]);
    assert.equal(result.runs, 1);
  });
});
