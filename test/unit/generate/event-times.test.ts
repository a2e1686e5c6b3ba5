import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeEventTimes, parseStartTime, planEventTimes, recordsUpTo, scanEventTimes, startEndingAt, type RunRequest } from '../../../src/generate/event-times.js';
import type { TopicTimestampPolicy } from '../../../src/kafka/types.js';
import { historyStart } from '../../support/history-start.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const kafka4: TopicTimestampPolicy = { type: 'CreateTime', afterMaxMs: HOUR, beforeMaxMs: Number.MAX_SAFE_INTEGER, retentionMs: 7 * DAY };

describe('parseStartTime', () => {
  const table: [raw: string, expected: number | undefined][] = [
    ['now', NOW],
    ['NOW', NOW],
    ['2026-11-01T00:00:00Z', Date.UTC(2026, 10, 1)],
    ['2026-11-01T01:30:00+01:00', Date.UTC(2026, 10, 1, 0, 30)],
    ['2026-11-01T00:00:00.250Z', Date.UTC(2026, 10, 1) + 250],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
    ['yesterday', undefined],
    ['Nov 1 2026', undefined],
    ['1764547200000', undefined],
    ['2026-13-01T00:00:00Z', undefined],
  ];
  for (const [raw, expected] of table) test(`"${raw}"`, () => assert.equal(parseStartTime(raw, NOW), expected));
});

describe('judgeEventTimes', () => {
  const table: [name: string, first: number, last: number, policy: TopicTimestampPolicy, verdict: 'ok' | 'refusal' | 'warning'][] = [
    ['a history ending now', NOW - 3 * HOUR, NOW, kafka4, 'ok'],
    ['ending 30 min ahead: within the hour', NOW, NOW + HOUR / 2, kafka4, 'ok'],
    ['ending 2 h ahead: refused', NOW, NOW + 2 * HOUR, kafka4, 'refusal'],
    ['starting before the retention: deleted soon', NOW - 10 * DAY, NOW, kafka4, 'warning'],
    ['retention -1 keeps everything', NOW - 300 * DAY, NOW, { ...kafka4, retentionMs: -1 }, 'ok'],
    ['older than before.max.ms: refused', NOW - 2 * DAY, NOW, { ...kafka4, beforeMaxMs: DAY }, 'refusal'],
    ['LogAppendTime ignores event times', NOW + 30 * DAY, NOW + 60 * DAY, { ...kafka4, type: 'LogAppendTime' }, 'ok'],
  ];
  for (const [name, first, last, policy, expected] of table) {
    test(name, () => {
      const verdict = judgeEventTimes({ first, last }, policy, 't', NOW);
      const got = verdict.refusal ? 'refusal' : verdict.warning ? 'warning' : 'ok';
      assert.equal(got, expected, JSON.stringify(verdict));
    });
  }

  test('the refusal names the limit and how to get round it', () => {
    const { refusal } = judgeEventTimes({ first: NOW, last: NOW + 17 * DAY }, kafka4, 'card.transactions', NOW);
    assert.match(refusal!, /17\.0 days ahead/);
    assert.match(refusal!, /message\.timestamp\.after\.max\.ms=3600000/);
    assert.match(refusal!, /--start-time/);
  });
});

describe('startEndingAt', () => {
  for (const scenario of ['iot', 'fraud'] as const) {
    test(`${scenario}: the last of N records is stamped just before the requested end`, () => {
      const start = startEndingAt(scenario, { seed: 3 }, 20_000, NOW);
      const span = scanEventTimes(scenario, { seed: 3, startTime: start }, 20_000);
      assert.ok(start < NOW);
      assert.ok(span.last <= NOW, 'never ends after the requested end');
      assert.ok(NOW - span.last < 2 * 60_000, `ends ${(NOW - span.last) / 60_000} min before the requested end`);
    });
  }
});

describe('recordsUpTo', () => {
  test('counts the records stamped at most the limit', () => {
    const span = scanEventTimes('fraud', { seed: 3, startTime: NOW }, 100);
    assert.equal(recordsUpTo('fraud', { seed: 3, startTime: NOW }, 100, span.last), 100);
    assert.equal(recordsUpTo('fraud', { seed: 3, startTime: NOW }, 100, span.last - 1) < 100, true);
    assert.equal(recordsUpTo('fraud', { seed: 3, startTime: NOW }, 100, NOW - 1), 0);
  });
});

/**
 * The generators' event times at every hour of the day, with `now` injected: the fraud stream's
 * density follows the time of day, so a run that fits at noon may not at midnight (P0 issue 10: the
 * generate test's 300 transactions from "an hour ago" were refused at 23:18 UTC).
 */
describe('at every hour of the day', () => {
  const fraud300: RunRequest = { scenario: 'fraud', options: { seed: 7, rate: 0.05 }, count: 300 };
  const iot1234: RunRequest = { scenario: 'iot', options: { seed: 42 }, count: 1234 };
  const verdictOf = (plan: { refusal?: string; warning?: string }) => plan.refusal ?? plan.warning ?? 'ok';
  for (let hour = 0; hour < 24; hour++) {
    const now = Date.UTC(2026, 11, 1, hour, 18);
    const at = `${String(hour).padStart(2, '0')}:18 UTC`;

    test(`${at}: without --start-time a run ends by now and is accepted`, () => {
      for (const request of [fraud300, iot1234]) {
        const plan = planEventTimes(request, kafka4, 't', now);
        assert.equal(verdictOf(plan), 'ok');
        const span = scanEventTimes(request.scenario, { ...request.options, startTime: plan.startTime }, request.count);
        assert.ok(span.last <= now, `${request.scenario} ends ${new Date(span.last).toISOString()}, after now`);
      }
    });

    test(`${at}: the generate test's start times are accepted`, () => {
      const fraudStart = Date.parse(historyStart([{ scenario: 'fraud', seed: 7, rate: 0.05, count: 300 }], now));
      assert.equal(verdictOf(planEventTimes({ ...fraud300, startTime: fraudStart }, kafka4, 't', now)), 'ok');
      const iotStart = Date.parse(historyStart([{ scenario: 'iot', seed: 42, count: 1234 }, { scenario: 'iot', seed: 43, count: 1234 }], now));
      for (const seed of [42, 43]) {
        assert.equal(verdictOf(planEventTimes({ ...iot1234, options: { seed }, startTime: iotStart }, kafka4, 't', now)), 'ok');
      }
    });

    test(`${at}: a run refused for reaching too far ahead is told what fits, and that fits`, () => {
      // Half an hour ahead: 300 transactions span more than 30 minutes at any hour.
      const plan = planEventTimes({ ...fraud300, startTime: now + 30 * 60_000 }, kafka4, 't', now);
      assert.match(plan.refusal ?? '', /message\.timestamp\.after\.max\.ms=3600000/);
      const [, fitting] = /the first (\d+) records fit \(--count \1\)/.exec(plan.refusal!) ?? [];
      assert.ok(Number(fitting) > 0 && Number(fitting) < 300, plan.refusal);
      assert.equal(verdictOf(planEventTimes({ ...fraud300, count: Number(fitting), startTime: now + 30 * 60_000 }, kafka4, 't', now)), 'ok');
      const [, allFrom] = /all 300 fit from --start-time (\S+) /.exec(plan.refusal!) ?? [];
      assert.equal(verdictOf(planEventTimes({ ...fraud300, startTime: Date.parse(allFrom!) }, kafka4, 't', now)), 'ok');
    });
  }
});
