/**
 * Event times of a generated stream against what a topic accepts and keeps. Pure: the topic's
 * policy and the current time come in as arguments.
 *
 * A generator's simulated clock runs much faster than the wall clock when producing as fast as
 * possible (iot: 500 devices reporting once a minute is 0.12 s of event time per record; fraud:
 * 15 s per record), and a message's timestamp is its event time. A CreateTime topic refuses a
 * timestamp more than `message.timestamp.after.max.ms` ahead of the broker's clock (one hour by
 * default since Kafka 4.0, KIP-1030), and deletes data whose timestamps are older than
 * `retention.ms` (7 days by default) within `log.retention.check.interval.ms` (5 minutes).
 * So a bounded run starts, by default, such that its LAST record is stamped about now: a history
 * that ends at the present.
 */
import type { TopicTimestampPolicy } from '../kafka/topic-admin.js';
import { createScenarioGenerator, type ScenarioName, type ScenarioOptions } from './scenarios.js';

export interface EventTimeSpan {
  first: number;
  last: number;
}

/** Parses `--start-time`: an ISO-8601 date-time (or date), or `now`. Undefined when it is neither. */
export function parseStartTime(raw: string, now: number): number | undefined {
  if (raw.trim().toLowerCase() === 'now') return now;
  // Date.parse also accepts loose formats ("Nov 5"); insist on ISO-8601's shape.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw.trim())) return undefined;
  const time = Date.parse(raw.trim());
  return Number.isFinite(time) ? time : undefined;
}

/** The event times of the first `count` records of a stream (generates them; cheap next to producing them). */
export function scanEventTimes(scenario: ScenarioName, options: ScenarioOptions, count: number): EventTimeSpan {
  const generator = createScenarioGenerator(scenario, options);
  let first = 0;
  let last = 0;
  for (let i = 0; i < count; i++) {
    const { timestamp } = generator.next();
    if (i === 0) first = timestamp;
    last = timestamp;
  }
  return { first, last };
}

/** How close to the requested end a planned run must finish (never after it). */
const END_TOLERANCE_MS = 2 * 60_000;

/**
 * A start time such that the last of `count` records is stamped at most `end`, and within a few
 * minutes of it. The fraud scenario's traffic follows the time of day, so the span depends on where
 * it starts (by an hour or more over days of records): when the first guess misses, bisect between
 * a start that ends too late and one that ends in time.
 */
export function startEndingAt(scenario: ScenarioName, options: Omit<ScenarioOptions, 'startTime'>, count: number, end: number): number {
  if (count <= 0) return end;
  const overshoot = (start: number): number => scanEventTimes(scenario, { ...options, startTime: start }, count).last - end;
  const span = overshoot(end);
  let hi = end;
  let lo = end - span;
  let f = overshoot(lo);
  if (f > 0) {
    hi = lo;
    lo = end - 2 * span - 86_400_000;
    f = overshoot(lo);
  }
  for (let step = 0; step < 16 && (f > 0 || f < -END_TOLERANCE_MS) && hi - lo > 1; step++) {
    const mid = Math.floor((lo + hi) / 2);
    const fMid = overshoot(mid);
    if (fMid <= 0) {
      lo = mid;
      f = fMid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

export interface EventTimeVerdict {
  /** Why the broker would refuse records of this run; nothing should be produced. */
  refusal?: string;
  /** Records the broker will accept but soon delete. */
  warning?: string;
}

const iso = (time: number): string => new Date(time).toISOString();

function duration(ms: number): string {
  if (ms >= 2 * 86_400_000) return `${(ms / 86_400_000).toFixed(1)} days`;
  if (ms >= 2 * 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** Checks a run's event-time span against the topic's timestamp policy at time `now`. */
export function judgeEventTimes(span: EventTimeSpan, policy: TopicTimestampPolicy, topic: string, now: number): EventTimeVerdict {
  if (policy.type === 'LogAppendTime') return {};
  const hint = 'choose an earlier --start-time, fewer records (--count), or --timestamp now (stamp records with the time they are produced)';
  if (span.last > now + policy.afterMaxMs) {
    return {
      refusal: `the run's event times reach ${iso(span.last)}, ${duration(span.last - now)} ahead of now, but topic ${topic} refuses timestamps more than ${duration(policy.afterMaxMs)} ahead (message.timestamp.after.max.ms=${policy.afterMaxMs}); ${hint}`,
    };
  }
  if (span.first < now - policy.beforeMaxMs) {
    return {
      refusal: `the run's event times start at ${iso(span.first)}, ${duration(now - span.first)} ago, but topic ${topic} refuses timestamps more than ${duration(policy.beforeMaxMs)} old (message.timestamp.before.max.ms=${policy.beforeMaxMs}); ${hint}`,
    };
  }
  if (policy.retentionMs >= 0 && span.first < now - policy.retentionMs) {
    return {
      warning: `records stamped before ${iso(now - policy.retentionMs)} are older than topic ${topic}'s retention.ms (${duration(policy.retentionMs)}): the broker deletes them within log.retention.check.interval.ms (5 min by default). For a longer history create the topic with retention.ms=-1, or use --timestamp now.`,
    };
  }
  return {};
}
