import type { CaseSummary, LatencySummary } from '../summary.js';
import { round } from '../stats.js';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

/** One target of the benchmark issue, evaluated on the medians. */
export interface TargetResult {
  id: string;
  target: string;
  measured: string;
  status: TargetStatus;
}

function check(id: string, target: string, measured: number | undefined, limit: number | undefined, atLeast: boolean, show: (m: number, l: number) => string): TargetResult {
  if (measured === undefined || limit === undefined || !Number.isFinite(measured) || !Number.isFinite(limit)) return { id, target, measured: 'not measured', status: 'n/a' };
  const ok = atLeast ? measured >= limit : measured <= limit;
  return { id, target, measured: show(measured, limit), status: ok ? 'PASS' : 'MISS' };
}

const rate = (v: number): string => `${Math.round(v).toLocaleString('en-US')} rec/s`;

/** The latency targets are taken at half of the maximum rate, as the benchmark issue defines them. */
export const TARGET_LATENCY_FRACTION = 0.5;

/**
 * `defaultWindow`: the window size users get as shipped (config/*.yaml), where the exactly-once
 * cost target is judged ("copy-eos ≥ 0.9 × copy-raw at the pipeline's default window").
 */
export function evaluateTargets(cases: Map<string, CaseSummary>, latencies: LatencySummary[], lingerMs: number, defaultWindow: number): TargetResult[] {
  const latency = latencies.find((l) => l.fraction === TARGET_LATENCY_FRACTION);
  const raw = cases.get('copy-raw@1000')?.recordsPerSec;
  const rawAtDefault = cases.get(`copy-raw@${defaultWindow}`)?.recordsPerSec;
  const eos = cases.get(`copy-eos@${defaultWindow}`)?.recordsPerSec;
  const p1 = cases.get('pipeline@1')?.recordsPerSec;
  const p1000 = cases.get('pipeline@1000')?.recordsPerSec;
  const p5000 = cases.get('pipeline@5000');
  const e2eLimit = latency ? lingerMs + 2 * latency.commitP99Ms + 50 : undefined;
  return [
    check('pipeline-vs-copy-raw', 'pipeline@1000 ≥ 0.6 × copy-raw@1000', p1000, raw === undefined ? undefined : 0.6 * raw, true,
      (m, l) => `${rate(m)} = ${round(m / (l / 0.6))} × copy-raw@1000 (${rate(l / 0.6)})`),
    check('window-1000-vs-1', 'pipeline@1000 ≥ 20 × pipeline@1', p1000, p1 === undefined ? undefined : 20 * p1, true,
      (m, l) => `${rate(m)} = ${round(m / (l / 20))} × pipeline@1 (${rate(l / 20)})`),
    check('eos-vs-raw', `copy-eos ≥ 0.9 × copy-raw at the shipped window (${defaultWindow.toLocaleString('en-US')})`, eos, rawAtDefault === undefined ? undefined : 0.9 * rawAtDefault, true,
      (m, l) => `copy-eos@${defaultWindow} ${rate(m)} = ${round(m / (l / 0.9))} × copy-raw@${defaultWindow} (${rate(l / 0.9)})`),
    check('rss-5000', 'peak RSS pipeline@5000 ≤ 300 MB', p5000?.peakRssMb, 300, false, (m) => `${round(m)} MB`),
    check('e2e-p99', `e2e p99 ≤ maxLingerMs (${lingerMs}) + 2 × commit p99 + 50 ms (input at 0.5 × pipeline@1000)`, latency?.p99Ms, e2eLimit, false,
      (m, l) => `${round(m)} ms (limit ${round(l)} ms, commit p99 ${round(latency!.commitP99Ms)} ms)`),
    check('event-loop-p99', 'event-loop p99 while scoring ≤ 50 ms (latency case at 0.5 ×, metrics.eventLoopP99Ms())', latency?.metricsEventLoopP99Ms, 50, false, (m) => `${round(m)} ms`),
  ];
}
