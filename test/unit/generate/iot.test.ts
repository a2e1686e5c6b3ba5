import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createIotGenerator,
  IOT_ANOMALY_KINDS,
  type GeneratedRecord,
  type IotTruth,
  type SensorReading,
} from '../../../src/generate/index.js';
import { loadSchema, schemaFieldNames } from './schema-support.js';

const V1 = 'schemas/iot/sensor-reading.avsc';
const V2 = 'schemas/iot/sensor-reading-v2.avsc';
const N = 50_000;

function take(n: number, seed: number, extra: Partial<Parameters<typeof createIotGenerator>[0]> = {}): GeneratedRecord<SensorReading, IotTruth>[] {
  const generator = createIotGenerator({ seed, ...extra });
  return Array.from({ length: n }, () => generator.next());
}

describe('createIotGenerator', () => {
  const records = take(N, 11);

  test('the same seed gives the same records, a different seed different ones', () => {
    assert.deepEqual(take(2000, 11), records.slice(0, 2000));
    const other = take(2000, 12);
    assert.notDeepEqual(other.map((r) => r.value), records.slice(0, 2000).map((r) => r.value));
  });

  test('the anomaly rate is close to the requested one (default 0.02)', () => {
    const rate = records.filter((r) => r.truth.anomaly).length / N;
    assert.ok(rate > 0.015 && rate < 0.025, `rate ${rate}`);
    const high = take(N, 13, { anomalyRate: 0.1 });
    const highRate = high.filter((r) => r.truth.anomaly).length / N;
    assert.ok(highRate > 0.085 && highRate < 0.115, `rate ${highRate}`);
    assert.equal(take(N, 14, { anomalyRate: 0 }).filter((r) => r.truth.anomaly).length, 0);
  });

  test('every anomaly kind appears, and truth.kind agrees with truth.anomaly', () => {
    const seen = new Set(records.map((r) => r.truth.kind));
    for (const kind of ['none', ...IOT_ANOMALY_KINDS] as const) assert.ok(seen.has(kind), `no ${kind} in ${N} records`);
    for (const { truth } of records) assert.equal(truth.anomaly, truth.kind !== 'none');
  });

  test('the truth is never inside the value: its fields are exactly the schema fields', () => {
    const fields = schemaFieldNames(V1).sort();
    for (const { value } of records) {
      assert.deepEqual(Object.keys(value).sort(), fields);
    }
  });

  test('values conform to the v1 Avro schema and resolve under the v2 reader schema', () => {
    const v1 = loadSchema(V1);
    const v2 = loadSchema(V2);
    for (const { value } of records) assert.ok(v1.isValid(value), JSON.stringify(value));
    // Backward compatible: a v2 reader reads v1 data, the new field taking its default.
    const resolver = v2.createResolver(v1);
    const decoded = v2.fromBuffer(v1.toBuffer(records[0]!.value), resolver) as Record<string, unknown>;
    assert.equal(decoded.firmware_version, null);
    assert.equal(decoded.temperature, records[0]!.value.temperature);
    // Forward compatible: a v1 reader reads v2 data, ignoring the new field.
    const v2Value = { ...records[1]!.value, firmware_version: '4.2.1' };
    assert.ok(v2.isValid(v2Value));
    assert.deepEqual({ ...v1.fromBuffer(v2.toBuffer(v2Value), v1.createResolver(v2)) }, records[1]!.value);
  });

  test('keys, timestamps and event times are consistent and never go backwards', () => {
    let previous = -Infinity;
    for (const { key, value, timestamp } of records) {
      assert.equal(key, value.device_id);
      assert.equal(timestamp, value.event_time);
      assert.ok(Number.isInteger(timestamp));
      assert.ok(timestamp >= previous);
      previous = timestamp;
    }
  });

  test('each device reports once per interval from startTime on', () => {
    const startTime = Date.UTC(2024, 5, 1);
    const devices = 50;
    const batch = take(devices * 4, 15, { devices, startTime, intervalMs: 10_000 });
    const byDevice = new Map<string, number[]>();
    for (const { value } of batch) byDevice.set(value.device_id, [...(byDevice.get(value.device_id) ?? []), value.event_time]);
    assert.equal(byDevice.size, devices);
    for (const times of byDevice.values()) {
      assert.equal(times.length, 4);
      assert.ok(times[0]! >= startTime && times[0]! < startTime + 10_000);
      for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, 10_000);
    }
  });

  test('the derived fields follow the device history', () => {
    const previous = new Map<string, SensorReading>();
    for (const { value, truth } of records) {
      const before = previous.get(value.device_id);
      if (before !== undefined) {
        assert.ok(Math.abs(value.temperature_delta - (value.temperature - before.temperature)) < 1e-6);
        assert.ok(Math.abs(value.pressure_delta - (value.pressure - before.pressure)) < 1e-6);
      }
      if (truth.kind === 'stuck') {
        assert.equal(value.temperature_delta, 0);
        assert.ok(value.temperature_unchanged_count >= 1);
      }
      assert.equal(value.temperature_unchanged_count === 0, value.temperature_delta !== 0);
      assert.ok(value.temperature_rolling_std >= 0 && value.vibration >= 0 && value.rpm >= 0);
      assert.ok(value.humidity >= 0 && value.humidity <= 100);
      previous.set(value.device_id, value);
    }
  });

  test('anomalies look anomalous: spikes and bearing failures raise the signals', () => {
    const meanOf = (kind: string, f: (v: SensorReading) => number) => {
      const xs = records.filter((r) => r.truth.kind === kind).map((r) => f(r.value));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const deviation = (v: SensorReading) => Math.abs(v.temperature_deviation);
    assert.ok(meanOf('drift', deviation) > 3 * meanOf('none', deviation));
    assert.ok(meanOf('correlated', (v) => v.vibration / v.vibration_rolling_mean) > meanOf('none', (v) => v.vibration / v.vibration_rolling_mean));
  });

  test('refuses invalid options', () => {
    assert.throws(() => createIotGenerator({ seed: 1, devices: 0 }), RangeError);
    assert.throws(() => createIotGenerator({ seed: 1, anomalyRate: 1.5 }), RangeError);
    assert.throws(() => createIotGenerator({ seed: 1, intervalMs: 0 }), RangeError);
  });
});
