import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapOutputs } from '../../../src/model/output-mapper.js';

describe('mapOutputs', () => {
  const probabilities = { type: 'float32', dims: [3, 2], data: new Float32Array([0.9, 0.1, 0.2, 0.8, 0.5, 0.5]) };
  const labels = { type: 'int64', dims: [3], data: new BigInt64Array([0n, 1n, 1n]) };

  it('takes a column of a [batch, k] output, the label and the flag', () => {
    const out = mapOutputs({ probabilities, label: labels }, 3, { score: { name: 'probabilities', column: 1 }, label: { name: 'label' }, threshold: 0.5 });
    assert.deepEqual(out.map((o) => (o.ok ? o.row : o.error.code)), [
      { score: Math.fround(0.1), label: '0', flag: false },
      { score: Math.fround(0.8), label: '1', flag: true },
      { score: 0.5, label: '1', flag: true },
    ]);
  });

  it('reads a [batch] output without column, with null label and flag when not configured', () => {
    const out = mapOutputs({ s: { type: 'float32', dims: [2], data: new Float32Array([0.25, 0.75]) } }, 2, { score: { name: 's' } });
    assert.deepEqual(out.map((o) => o.ok && o.row), [{ score: 0.25, label: null, flag: null }, { score: 0.75, label: null, flag: null }]);
  });

  it('makes a NaN score a dead letter', () => {
    const out = mapOutputs({ s: { type: 'float32', dims: [2], data: new Float32Array([Number.NaN, 1]) } }, 2, { score: { name: 's' } });
    assert.equal(out[0].ok, false);
    assert.equal(!out[0].ok && out[0].error.code, 'ERR_OUTPUT_UNMAPPABLE');
    assert.equal(out[1].ok, true);
  });
});
