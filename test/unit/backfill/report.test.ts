import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackfillPlan } from '../../../src/backfill/plan.js';
import { formatDuration, formatPlan, formatSummary, resumeCommand } from '../../../src/backfill/report.js';

const plan: BackfillPlan = {
  topic: 't', from: 'earliest', to: 'latest', plannedAt: 1_700_000_000_000,
  partitions: [{ partition: 0, start: 100n, end: 1100n }, { partition: 1, start: 0n, end: 1000n }],
};

describe('report', () => {
  it('resumes with the same arguments, minus the one-off flags, quoted for a shell', () => {
    assert.equal(
      resumeCommand(['-c', 'config/my conf.yaml', '--from', '2026-11-01T00:00:00Z', '--to', 'latest', '--restart', '--yes', '--max-rate', '500']),
      "streamscore backfill -c 'config/my conf.yaml' --from 2026-11-01T00:00:00Z --to latest --max-rate 500",
    );
    assert.equal(resumeCommand(['--id', "it's"]), "streamscore backfill --id 'it'\\''s'");
  });

  it('formats durations people read', () => {
    assert.deepEqual([0, 3.4, 59.6, 75, 3599, 4000].map(formatDuration), ['0s', '3s', '1m 00s', '1m 15s', '59m 59s', '1h 06m']);
  });

  it('prints the plan as a table with its total', () => {
    assert.equal(formatPlan(plan), [
      '  partition  start    end  count',
      '  0            100  1,100  1,000',
      '  1              0  1,000  1,000',
      '  total                    2,000',
    ].join('\n'));
  });

  it('summarises a run: records, predictions, dead letters, duration, mean rate', () => {
    const snapshot = {
      done: 1_500, total: 2_000, doneBefore: 400, percent: 75, rate: 0, etaSeconds: undefined, records: 1_000, predictions: 990, deadLetters: 10,
      elapsedMs: 2_500, meanRate: 400, partitions: [],
    };
    assert.equal(formatSummary(snapshot, 'out', 'dlq'), [
      '  records       1,000 (plus 400 of the range done by earlier runs)',
      '  no record     100 offsets done without a record scored here (transaction markers, aborted records, or another process of this backfill)',
      '  predictions   990 → out',
      '  dead letters  10 → dlq',
      '  duration      2.5 s',
      '  mean rate     400 records/s',
    ].join('\n'));
  });
});
