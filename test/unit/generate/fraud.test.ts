import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createFraudGenerator,
  FRAUD_KINDS,
  MERCHANT_CATEGORIES,
  type CardTransaction,
  type FraudTruth,
  type GeneratedRecord,
} from '../../../src/generate/index.js';
import { loadSchema, schemaFieldNames } from './schema-support.js';

const V1 = 'schemas/fraud/card-transaction.avsc';
const V2 = 'schemas/fraud/card-transaction-v2.avsc';
const N = 50_000;

function take(n: number, seed: number, extra: Partial<Parameters<typeof createFraudGenerator>[0]> = {}): GeneratedRecord<CardTransaction, FraudTruth>[] {
  const generator = createFraudGenerator({ seed, ...extra });
  return Array.from({ length: n }, () => generator.next());
}

describe('createFraudGenerator', () => {
  const records = take(N, 21);

  test('the same seed gives the same records, a different seed different ones', () => {
    assert.deepEqual(take(2000, 21), records.slice(0, 2000));
    const other = take(2000, 22);
    assert.notDeepEqual(other.map((r) => r.value), records.slice(0, 2000).map((r) => r.value));
  });

  test('the fraud rate is close to the requested one (default 0.01)', () => {
    const rate = records.filter((r) => r.truth.fraud).length / N;
    assert.ok(rate > 0.007 && rate < 0.013, `rate ${rate}`);
    const high = take(N, 23, { fraudRate: 0.05 });
    const highRate = high.filter((r) => r.truth.fraud).length / N;
    assert.ok(highRate > 0.042 && highRate < 0.058, `rate ${highRate}`);
    assert.equal(take(N, 24, { fraudRate: 0 }).filter((r) => r.truth.fraud).length, 0);
  });

  test('every fraud kind appears, and truth.kind agrees with truth.fraud', () => {
    const seen = new Set(records.map((r) => r.truth.kind));
    for (const kind of ['none', ...FRAUD_KINDS] as const) assert.ok(seen.has(kind), `no ${kind} in ${N} records`);
    for (const { truth } of records) assert.equal(truth.fraud, truth.kind !== 'none');
  });

  test('the truth is never inside the value: its fields are exactly the schema fields', () => {
    const fields = schemaFieldNames(V1).sort();
    for (const { value } of records) assert.deepEqual(Object.keys(value).sort(), fields);
  });

  test('values conform to the v1 Avro schema and resolve under the v2 reader schema', () => {
    const v1 = loadSchema(V1);
    const v2 = loadSchema(V2);
    for (const { value } of records) assert.ok(v1.isValid(value), JSON.stringify(value));
    const decoded = v2.fromBuffer(v1.toBuffer(records[0]!.value), v2.createResolver(v1)) as Record<string, unknown>;
    assert.equal(decoded.merchant_id, null);
    assert.equal(decoded.amount, records[0]!.value.amount);
    const v2Value = { ...records[1]!.value, merchant_id: 'm-123' };
    assert.ok(v2.isValid(v2Value));
    assert.deepEqual({ ...v1.fromBuffer(v2.toBuffer(v2Value), v1.createResolver(v2)) }, records[1]!.value);
  });

  test('keys, timestamps and event times are consistent and never go backwards; ids are unique', () => {
    let previous = -Infinity;
    const ids = new Set<string>();
    for (const { key, value, timestamp } of records) {
      assert.equal(key, value.card_id);
      assert.equal(timestamp, value.event_time);
      assert.ok(Number.isInteger(timestamp) && timestamp >= previous);
      previous = timestamp;
      ids.add(value.transaction_id);
    }
    assert.equal(ids.size, N);
  });

  test('fields stay in their domains and seconds_since_last_txn follows the card history', () => {
    const last = new Map<string, number>();
    for (const { value } of records) {
      assert.ok((MERCHANT_CATEGORIES as readonly string[]).includes(value.merchant_category));
      assert.ok(Number.isInteger(value.hour_of_day) && value.hour_of_day >= 0 && value.hour_of_day < 24);
      assert.ok(value.amount >= 0.5 && value.distance_from_home_km >= 0 && value.seconds_since_last_txn >= 0);
      assert.match(value.merchant_country, /^[A-Z]{2}$/);
      assert.match(value.currency, /^[A-Z]{3}$/);
      if (value.card_present) assert.equal(value.new_device, false);
      const before = last.get(value.card_id);
      if (before !== undefined) assert.ok(Math.abs(value.seconds_since_last_txn - (value.event_time - before) / 1000) < 1e-9);
      last.set(value.card_id, value.event_time);
    }
  });

  test('each fraud kind has its signature', () => {
    const of = (kind: string) => records.filter((r) => r.truth.kind === kind).map((r) => r.value);
    for (const v of of('card_testing')) {
      assert.ok(v.amount < 5 && !v.card_present, JSON.stringify(v));
    }
    for (const v of of('far_from_home')) assert.ok(v.distance_from_home_km >= 800);
    for (const v of of('new_device_high_amount')) assert.ok(v.new_device && !v.card_present && v.amount >= 100);
  });

  test('the start time and the interval set the time scale (mean gap over whole days)', () => {
    const startTime = Date.UTC(2024, 0, 1);
    const batch = take(4 * 1440, 25, { startTime, intervalMs: 60_000 });
    assert.ok(batch[0]!.timestamp >= startTime);
    const meanGap = (batch.at(-1)!.timestamp - batch[0]!.timestamp) / (batch.length - 1);
    assert.ok(meanGap > 54_000 && meanGap < 66_000, `mean gap ${meanGap}`);
  });

  test('refuses invalid options', () => {
    assert.throws(() => createFraudGenerator({ seed: 1, cards: 0 }), RangeError);
    assert.throws(() => createFraudGenerator({ seed: 1, fraudRate: -0.1 }), RangeError);
    assert.throws(() => createFraudGenerator({ seed: 1, intervalMs: Number.NaN }), RangeError);
  });
});
