import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputTensorConfig } from '../../../src/config/types.js';
import { FeatureMapper } from '../../../src/features/feature-mapper.js';

const input = (columns: InputTensorConfig['columns'], dtype: InputTensorConfig['dtype'] = 'float32'): InputTensorConfig[] => [{ name: 'x', dtype, columns }];

describe('FeatureMapper', () => {
  it('maps every dtype, in column order', () => {
    const mapper = new FeatureMapper(input([
      { field: 'a', dtype: 'float32' },
      { field: 'b', dtype: 'float64' },
      { field: 'c', dtype: 'int64' },
      { field: 'd', dtype: 'bool' },
      { field: 'e', dtype: 'category', vocabulary: ['x', 'y', 'z'] },
    ], 'float64'));
    const out = mapper.map([{ a: 1.5, b: 2.25, c: 7, d: true, e: 'z' }, { a: 0, b: -1, c: -3, d: false, e: 'x' }]);
    assert.deepEqual(out.rows, [0, 1]);
    assert.equal(out.failures.size, 0);
    assert.deepEqual(out.tensors[0].dims, [2, 5]);
    assert.deepEqual([...out.tensors[0].data as Float64Array], [1.5, 2.25, 7, 1, 2, 0, -1, -3, 0, 0]);
  });

  it('reads nested paths', () => {
    const out = new FeatureMapper(input([{ field: 'reading.temp', dtype: 'float32' }])).map([{ reading: { temp: 21.5 } }]);
    assert.deepEqual([...out.tensors[0].data as Float32Array], [21.5]);
  });

  it('uses the default of a missing optional field, and fails a missing required one', () => {
    const mapper = new FeatureMapper(input([{ field: 'a', dtype: 'float32' }, { field: 'b', dtype: 'float32', default: -1 }]));
    const out = mapper.map([{ a: 1 }, { b: 2 }, { a: 3, b: null }]);
    assert.deepEqual(out.rows, [0, 2]);
    assert.deepEqual([...out.tensors[0].data as Float32Array], [1, -1, 3, -1]);
    assert.equal(out.failures.get(1)?.code, 'ERR_FEATURE_MISSING');
    assert.match(out.failures.get(1)!.message, /"a"/);
  });

  it('fails NaN and infinite values but scores the rest of the window', () => {
    const mapper = new FeatureMapper(input([{ field: 'a', dtype: 'float32' }]));
    const out = mapper.map([{ a: Number.NaN }, { a: 4 }, { a: Number.POSITIVE_INFINITY }]);
    assert.deepEqual(out.rows, [1]);
    assert.equal(out.failures.get(0)?.code, 'ERR_FEATURE_NOT_FINITE');
    assert.equal(out.failures.get(2)?.code, 'ERR_FEATURE_NOT_FINITE');
    assert.deepEqual(out.tensors[0].dims, [1, 1]);
  });

  const typeErrors: [string, InputTensorConfig['columns'][number], unknown][] = [
    ['a string for a number', { field: 'a', dtype: 'float32' }, '3'],
    ['a fraction for int64', { field: 'a', dtype: 'int64' }, 1.5],
    ['a string for bool', { field: 'a', dtype: 'bool' }, 'yes'],
    ['a category outside the vocabulary', { field: 'a', dtype: 'category', vocabulary: ['x'] }, 'q'],
    ['a number for a category', { field: 'a', dtype: 'category', vocabulary: ['x'] }, 0],
  ];
  for (const [name, column, value] of typeErrors) {
    it(`refuses ${name}`, () => {
      const out = new FeatureMapper(input([column])).map([{ a: value }]);
      assert.equal(out.rows.length, 0);
      assert.equal(out.failures.get(0)?.code, 'ERR_FEATURE_TYPE');
    });
  }

  it('scales by mean/std and by min/max', () => {
    const mapper = new FeatureMapper(input([
      { field: 'a', dtype: 'float64', scale: { mean: 10, std: 2 } },
      { field: 'b', dtype: 'float64', scale: { min: 0, max: 4 } },
    ], 'float64'));
    assert.deepEqual([...mapper.map([{ a: 14, b: 1 }]).tensors[0].data as Float64Array], [2, 0.25]);
  });

  it('writes int64 tensors as BigInt64Array', () => {
    const out = new FeatureMapper(input([{ field: 'a', dtype: 'int64' }], 'int64')).map([{ a: 5 }]);
    assert.ok(out.tensors[0].data instanceof BigInt64Array);
    assert.equal((out.tensors[0].data as BigInt64Array)[0], 5n);
  });

  it('fills several input tensors from the same record', () => {
    const mapper = new FeatureMapper([
      { name: 'num', dtype: 'float32', columns: [{ field: 'a', dtype: 'float32' }] },
      { name: 'cat', dtype: 'int64', columns: [{ field: 'c', dtype: 'category', vocabulary: ['p', 'q'] }] },
    ]);
    const out = mapper.map([{ a: 1, c: 'q' }]);
    assert.deepEqual(out.tensors.map((t) => t.name), ['num', 'cat']);
    assert.equal((out.tensors[1].data as BigInt64Array)[0], 1n);
  });

  it('maps an empty window to empty tensors', () => {
    const out = new FeatureMapper(input([{ field: 'a', dtype: 'float32' }])).map([]);
    assert.deepEqual(out.tensors[0].dims, [0, 1]);
  });
});
