/**
 * What a scenario generator yields: a record ready to be produced to Kafka, plus
 * the ground truth kept beside it. The truth is never part of `value`, so the
 * value can be serialised as-is with the scenario's Avro schema and a model
 * never sees the label it is scored against.
 */
export interface GeneratedRecord<V, T> {
  /** The Kafka record key (the entity the record is about, so one entity stays on one partition). */
  key: string;
  /** The record value; conforms to the scenario's Avro schema (schemas/<scenario>/*.avsc). */
  value: V;
  /** Ground truth for evaluation and training; not to be produced to the input topic. */
  truth: T;
  /** Event time in epoch milliseconds (equal to the value's `event_time`). */
  timestamp: number;
}

/** An endless, deterministic stream of generated records. */
export interface RecordGenerator<V, T> {
  /** The next record; event times never decrease from one call to the next. */
  next(): GeneratedRecord<V, T>;
}

/** Rounds to a fixed number of decimals, as a sensor or a ledger would report the value. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** The default start of simulated time, fixed so that a seed alone decides the output. */
export const DEFAULT_START_TIME = Date.UTC(2025, 0, 6, 0, 0, 0);

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Throws a RangeError unless `value` is a finite number in [min, max]. */
export function requireNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${value}`);
  }
}
