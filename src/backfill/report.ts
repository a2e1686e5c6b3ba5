import { planTotal, rangeCount, type BackfillPlan } from './plan.js';
import type { ProgressSnapshot } from './progress.js';
import type { BackfillState } from './state.js';

/** Thousands separators, for counts people read. */
export function formatCount(n: number | bigint): string {
  return typeof n === 'bigint' ? n.toLocaleString('en-US') : Math.round(n).toLocaleString('en-US');
}

/** 75 → "1m 15s"; 3 → "3s"; 4000 → "1h 06m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The plan as a table: per partition start, end (exclusive), count, and, when the backfill has
 * progress, how much of it is done; then the total.
 */
export function formatPlan(plan: BackfillPlan, state?: BackfillState): string {
  const header = ['partition', 'start', 'end', 'count', ...(state ? ['done'] : [])];
  const rows = plan.partitions.map((r) => [
    String(r.partition), formatCount(r.start), formatCount(r.end), formatCount(rangeCount(r)),
    ...(state ? [formatCount(state.perPartition.get(r.partition) ?? 0n)] : []),
  ]);
  rows.push(['total', '', '', formatCount(planTotal(plan)), ...(state ? [formatCount(state.done)] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

/** The plan for a log line: numbers as strings (offsets are 64-bit). */
export function planForLog(plan: BackfillPlan): Record<string, unknown> {
  return {
    topic: plan.topic,
    from: plan.from,
    to: plan.to,
    plannedAt: new Date(plan.plannedAt).toISOString(),
    partitions: plan.partitions.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString(), count: rangeCount(r).toString() })),
    total: planTotal(plan).toString(),
  };
}

/** One progress line (logs off a terminal, and the numbers the bar shows). */
export function progressFields(s: ProgressSnapshot): Record<string, number | string> {
  return {
    done: s.done,
    total: s.total,
    percent: Number(s.percent.toFixed(1)),
    rate: Math.round(s.rate),
    eta: s.etaSeconds === undefined ? '-' : formatDuration(s.etaSeconds),
    records: s.records,
    predictions: s.predictions,
    deadLetters: s.deadLetters,
  };
}

/** The end-of-run summary: what this run scored, and how fast. */
export function formatSummary(s: ProgressSnapshot, outputTopic: string, deadLetterTopic: string): string {
  const seconds = s.elapsedMs / 1000;
  // Offsets done during this run without a record scored by it: transaction markers and aborted
  // records of a transactional input (a read_committed consumer never sees them), or the share of
  // another process running the same backfill.
  const withoutRecord = s.done - s.doneBefore - s.records;
  return [
    `  records       ${formatCount(s.records)}${s.doneBefore > 0 ? ` (plus ${formatCount(s.doneBefore)} of the range done by earlier runs)` : ''}`,
    ...(withoutRecord > 0 ? [`  no record     ${formatCount(withoutRecord)} offsets done without a record scored here (transaction markers, aborted records, or another process of this backfill)`] : []),
    `  predictions   ${formatCount(s.predictions)} → ${outputTopic}`,
    `  dead letters  ${formatCount(s.deadLetters)} → ${deadLetterTopic}`,
    `  duration      ${seconds.toFixed(1)} s`,
    `  mean rate     ${formatCount(s.meanRate)} records/s`,
  ].join('\n');
}

const SAFE_ARG = /^[A-Za-z0-9_./:@%+=,-]+$/;

function shellQuote(arg: string): string {
  return SAFE_ARG.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Options that must not be repeated on resume: they would start over or only plan. */
const ONE_OFF_FLAGS = new Set(['--restart', '--yes', '-y', '--plan']);

/**
 * The command that resumes this backfill: the same arguments, without the one-off flags.
 * `args` are the arguments after `backfill`.
 */
export function resumeCommand(args: string[]): string {
  return ['streamscore', 'backfill', ...args.filter((a) => !ONE_OFF_FLAGS.has(a))].map(shellQuote).join(' ');
}
