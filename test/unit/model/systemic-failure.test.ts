import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bisectionBudget, SystemicFailureJudge } from '../../../src/model/systemic-failure.js';

describe('SystemicFailureJudge', () => {
  const cases: { name: string; history: [rows: number, failed: number][]; window: [rows: number, failed: number]; systemic: boolean }[] = [
    { name: 'no failure', history: [], window: [100, 0], systemic: false },
    { name: 'a few bad rows in a big window', history: [], window: [100, 3], systemic: false },
    { name: 'exactly half is not more than half', history: [], window: [100, 50], systemic: false },
    { name: 'most rows of a big window', history: [], window: [100, 51], systemic: true },
    { name: 'a one-row window that fails, nothing before it: too little evidence', history: [], window: [1, 1], systemic: false },
    { name: 'a one-row window after healthy windows', history: [[50, 0]], window: [1, 1], systemic: false },
    { name: 'a trickle of one-row windows that all failed', history: Array.from({ length: 19 }, () => [1, 1] as [number, number]), window: [1, 1], systemic: true },
    { name: 'a small window judged with the ones before it', history: [[10, 6], [5, 4]], window: [5, 5], systemic: true },
    { name: 'a big window is judged alone, whatever came before', history: [[1000, 1000]], window: [20, 2], systemic: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const judge = new SystemicFailureJudge(0.5, 20);
      for (const [rows, failed] of c.history) judge.accept(rows, failed);
      assert.equal(judge.isSystemic(...c.window), c.systemic);
    });
  }

  it('tells bisection to give up only on windows big enough to judge alone', () => {
    assert.equal(bisectionBudget(19, 0.5, 20), Infinity);
    assert.equal(bisectionBudget(20, 0.5, 20), 10);
    assert.equal(bisectionBudget(21, 0.5, 20), 10);
    assert.equal(bisectionBudget(1000, 0.9, 20), 900);
    const judge = new SystemicFailureJudge(0.5, 20);
    assert.equal(judge.isSystemic(20, bisectionBudget(20, 0.5, 20) + 1), true, 'a window past its budget is systemic on its own');
  });

  it('forgets windows once newer ones cover the sample', () => {
    const judge = new SystemicFailureJudge(0.5, 20);
    for (let i = 0; i < 19; i++) judge.accept(1, 1);
    for (let i = 0; i < 20; i++) judge.accept(1, 0);
    assert.equal(judge.isSystemic(1, 1), false, 'the failing trickle is older than the last 20 rows');
  });
});
