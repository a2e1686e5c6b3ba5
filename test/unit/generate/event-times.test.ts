import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeEventTimes, parseStartTime, scanEventTimes, startEndingAt } from '../../../src/generate/event-times.js';
import type { TopicTimestampPolicy } from '../../../src/kafka/topic-admin.js';

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
