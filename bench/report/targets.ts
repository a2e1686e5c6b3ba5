import type { KafkaClientName } from '../../src/kafka/types.js';
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
 * The targets of the Kafka-seam issue, per client and across clients, at the shipped window
 * (`defaultWindow`, config/*.yaml): the pipeline against its own client's copy baselines, the
 * window-scoped client (one transaction per window) against kafkajs (one per partition).
 */
export function evaluateTargets(cases: Map<string, CaseSummary>, latencies: LatencySummary[], lingerMs: number, defaultWindow: number, clients: readonly KafkaClientName[]): TargetResult[] {
  const w = defaultWindow;
  const ws = w.toLocaleString('en-US');
  const results: TargetResult[] = [];
  for (const client of clients) {
    const latency = latencies.find((l) => l.client === client && l.fraction === TARGET_LATENCY_FRACTION);
    const raw = cases.get(`copy-raw@${w} ${client}`)?.recordsPerSec;
    const eos = cases.get(`copy-eos@${w} ${client}`)?.recordsPerSec;
    const pipeline = cases.get(`pipeline@${w} ${client}`)?.recordsPerSec;
    const p1 = cases.get(`pipeline@1 ${client}`)?.recordsPerSec;
    const p1000 = cases.get(`pipeline@1000 ${client}`)?.recordsPerSec;
    const p5000 = cases.get(`pipeline@5000 ${client}`);
    const e2eLimit = latency ? lingerMs + 2 * latency.commitP99Ms + 50 : undefined;
    results.push(
      check(`pipeline-vs-copy-raw ${client}`, `${client}: pipeline@${ws} ≥ 0.8 × copy-raw@${ws}`, pipeline, raw === undefined ? undefined : 0.8 * raw, true,
        (m, l) => `${rate(m)} = ${round(m / (l / 0.8))} × copy-raw (${rate(l / 0.8)})`),
      check(`eos-vs-raw ${client}`, `${client}: copy-eos@${ws} ≥ 0.95 × copy-raw@${ws}`, eos, raw === undefined ? undefined : 0.95 * raw, true,
        (m, l) => `${rate(m)} = ${round(m / (l / 0.95))} × copy-raw (${rate(l / 0.95)})`),
      check(`window-1000-vs-1 ${client}`, `${client}: pipeline@1000 ≥ 20 × pipeline@1`, p1000, p1 === undefined ? undefined : 20 * p1, true,
        (m, l) => `${rate(m)} = ${round(m / (l / 20))} × pipeline@1 (${rate(l / 20)})`),
      check(`rss-5000 ${client}`, `${client}: peak RSS pipeline@5000 ≤ 250 MB`, p5000?.peakRssMb, 250, false, (m) => `${round(m)} MB`),
      check(`e2e-p99 ${client}`, `${client}: e2e p99 ≤ maxLingerMs (${lingerMs}) + 2 × commit p99 + 50 ms (input at 0.5 × pipeline@1000)`, latency?.p99Ms, e2eLimit, false,
        (m, l) => `${round(m)} ms (limit ${round(l)} ms, commit p99 ${round(latency!.commitP99Ms)} ms)`),
      check(`event-loop-p99 ${client}`, `${client}: event-loop p99 while scoring ≤ 50 ms (latency case at 0.5 ×)`, latency?.metricsEventLoopP99Ms, 50, false, (m) => `${round(m)} ms`),
    );
  }
  const kafkajs = cases.get(`pipeline@${w} kafkajs`)?.recordsPerSec;
  const windowScoped = cases.get(`pipeline@${w} platformatic`)?.recordsPerSec;
  results.push(check('window-vs-partition-transactions', `pipeline@${ws} platformatic (one transaction per window) ≥ 1.3 × pipeline@${ws} kafkajs (one per partition)`, windowScoped, kafkajs === undefined ? undefined : 1.3 * kafkajs, true,
    (m, l) => `${rate(m)} = ${round(m / (l / 1.3))} × kafkajs (${rate(l / 1.3)})`));
  return results;
}
