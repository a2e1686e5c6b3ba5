/**
 * Event times of a generated stream against what a topic accepts and keeps. Pure: the topic's
 * policy and the current time come in as arguments, so tests can plan a run at any hour of the day.
 *
 * A generator's simulated clock runs much faster than the wall clock when producing as fast as
 * possible (iot: 500 devices reporting once a minute is 0.12 s of event time per record; fraud:
 * 15 s per record on average, 9 s in the European afternoon, 37 s at night), and a message's
 * timestamp is its event time. A CreateTime topic refuses a timestamp more than
 * `message.timestamp.after.max.ms` ahead of the broker's clock (one hour by default since Kafka 4.0,
 * KIP-1030), and deletes data whose timestamps are older than `retention.ms` (7 days by default)
 * within `log.retention.check.interval.ms` (5 minutes).
 * So a bounded run starts, by default, such that its LAST record is stamped at most now: a history
 * that ends at the present. Since the fraud stream's density follows the time of day, how much event
 * time a number of records spans depends on where it starts: spans are computed by generating the
 * records (scanEventTimes), never estimated from an average.
 */
import type { TopicTimestampPolicy } from '../kafka/types.js';
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

/** How many of the first `count` records are stamped at most `limit` (generates them, up to the first later one). */
export function recordsUpTo(scenario: ScenarioName, options: ScenarioOptions, count: number, limit: number): number {
  const generator = createScenarioGenerator(scenario, options);
  for (let i = 0; i < count; i++) {
    if (generator.next().timestamp > limit) return i;
  }
  return count;
}

/** Good enough for "ends now": the search stops once a start ends this close before the requested end. */
const END_TOLERANCE_MS = 2 * 60_000;

/**
 * A start time such that the last of `count` records is stamped at most `end`: never after it,
 * usually within a few minutes of it.
 *
 * The span of iot records does not depend on the start. The fraud scenario's does (its traffic
 * follows the time of day), and not smoothly: moving the start shifts legitimate traffic against
 * fraud episodes, which changes their interleaving and with it every later random draw. So this
 * bisects between a start that ends too late and one that ends in time, keeps the best start seen
 * that ends in time, and may end up to about half an hour early for runs of thousands of records.
 */
export function startEndingAt(scenario: ScenarioName, options: Omit<ScenarioOptions, 'startTime'>, count: number, end: number): number {
  if (count <= 0) return end;
  const overshoot = (start: number): number => scanEventTimes(scenario, { ...options, startTime: start }, count).last - end;
  let best = { start: -Infinity, overshoot: -Infinity };
  const tried = (start: number): number => {
    const f = overshoot(start);
    if (f <= 0 && f > best.overshoot) best = { start, overshoot: f };
    return f;
  };
  const span = overshoot(end);
  let hi = end;
  let lo = end - span;
  // Back off further (a day, then twice as far each time) until a start ends in time.
  for (let back = 86_400_000; tried(lo) > 0; back *= 2) {
    hi = lo;
    lo = end - span - back;
  }
  for (let step = 0; step < 24 && best.overshoot < -END_TOLERANCE_MS && hi - lo > 1; step++) {
    const mid = Math.floor((lo + hi) / 2);
    if (tried(mid) <= 0) lo = mid;
    else hi = mid;
  }
  return best.start;
}

export interface EventTimeVerdict {
  /** Why the broker would refuse records of this run; nothing should be produced. */
  refusal?: string;
  /** The limit a refusal is about: timestamps too far ahead, or too old. */
  refused?: 'ahead' | 'old';
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

const GENERAL_HINT = 'choose an earlier --start-time, fewer records (--count), or --timestamp now (stamp records with the time they are produced)';

/** Checks a run's event-time span against the topic's timestamp policy at time `now`; a refusal ends with `hint`. */
export function judgeEventTimes(span: EventTimeSpan, policy: TopicTimestampPolicy, topic: string, now: number, hint = GENERAL_HINT): EventTimeVerdict {
  if (policy.type === 'LogAppendTime') return {};
  if (span.last > now + policy.afterMaxMs) {
    return {
      refused: 'ahead',
      refusal: `the run's event times reach ${iso(span.last)}, ${duration(span.last - now)} ahead of now, but topic ${topic} refuses timestamps more than ${duration(policy.afterMaxMs)} ahead (message.timestamp.after.max.ms=${policy.afterMaxMs}); ${hint}`,
    };
  }
  if (span.first < now - policy.beforeMaxMs) {
    return {
      refused: 'old',
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

/** A bounded run of a scenario, as `streamscore generate` is asked for it. */
export interface RunRequest {
  scenario: ScenarioName;
  options: Omit<ScenarioOptions, 'startTime'>;
  /** Records to produce; more than 0. */
  count: number;
  /** `--start-time`: the event time of the first record; absent, the run ends at `now`. */
  startTime?: number;
}

export interface EventTimePlan extends EventTimeVerdict {
  startTime: number;
}

/**
 * Plans a bounded run at time `now`. A requested start is kept as asked, never shifted: the seed and
 * the start decide the records, and a user who names a start expects those records. A run the topic
 * would refuse is refused whole, before anything is produced; when it reaches too far ahead the
 * refusal says what fits instead: how many records from the requested start, and a start from which
 * all of them fit.
 */
export function planEventTimes(request: RunRequest, policy: TopicTimestampPolicy, topic: string, now: number): EventTimePlan {
  const { scenario, options, count } = request;
  const startTime = request.startTime ?? startEndingAt(scenario, options, count, now);
  const span = scanEventTimes(scenario, { ...options, startTime }, count);
  const verdict = judgeEventTimes(span, policy, topic, now);
  if (verdict.refused !== 'ahead' || request.startTime === undefined) return { startTime, ...verdict };
  return { startTime, ...judgeEventTimes(span, policy, topic, now, whatFits({ ...request, startTime }, now + policy.afterMaxMs, now)) };
}

/** The hint of a refusal for timestamps too far ahead: the records that fit from the requested start, and a start for all. */
function whatFits(request: RunRequest & { startTime: number }, limit: number, now: number): string {
  const { scenario, options, count, startTime } = request;
  const fitting = recordsUpTo(scenario, { ...options, startTime }, count, limit);
  const from = fitting > 0 ? `from ${iso(startTime)} the first ${fitting} records fit (--count ${fitting})` : `from ${iso(startTime)} no record fits`;
  // Ending now rather than at the limit leaves the hour's margin to the time that passes before a rerun.
  const exact = startEndingAt(scenario, options, count, now);
  const minute = Math.floor(exact / 60_000) * 60_000;
  const allFrom = scanEventTimes(scenario, { ...options, startTime: minute }, count).last <= limit ? minute : exact;
  return `${from}; all ${count} fit from --start-time ${iso(allFrom)} (they then end about now, as without --start-time); or stamp records with the time they are sent (--timestamp now)`;
}
