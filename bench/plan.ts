import { copyCaseId, runCopyCase } from './cases/copy.js';
import { CONSUMER_PERF, PRODUCER_PERF, runConsumerPerf, runProducerPerf } from './cases/kafka-tools.js';
import { pipelineCaseId, runPipelineCase } from './cases/pipeline.js';
import type { BenchContext, RunRecord } from './context.js';

/** One throughput case of a round. */
export interface PlannedCase {
  caseId: string;
  run(rep: number): Promise<RunRecord>;
}

/**
 * The throughput cases in round order. Rounds repeat the whole list (A B C A B C …), so slow
 * drifts of the machine (page cache, broker JIT, a neighbour's load) spread over every case
 * instead of biasing one.
 */
export function planThroughputCases(ctx: BenchContext): PlannedCase[] {
  const cases: PlannedCase[] = [];
  const wanted = new Set(ctx.options.cases);
  for (const client of ctx.options.clients) {
    for (const size of ctx.options.copyWindows) {
      if (wanted.has('copy-raw')) cases.push({ caseId: copyCaseId('copy-raw', size, client), run: (rep) => runCopyCase(ctx, 'copy-raw', size, client, rep) });
      if (wanted.has('copy-eos')) cases.push({ caseId: copyCaseId('copy-eos', size, client), run: (rep) => runCopyCase(ctx, 'copy-eos', size, client, rep) });
    }
    const windows = [...ctx.options.windows];
    // The latency case needs pipeline@1000's maximum rate: measure it even if not asked for.
    const latencyNeedsRate = wanted.has('latency') && ctx.options.latencyMaxRate === undefined;
    if (latencyNeedsRate && !windows.includes(1_000)) windows.push(1_000);
    if (wanted.has('pipeline') || latencyNeedsRate) {
      for (const size of wanted.has('pipeline') ? windows : [1_000]) cases.push({ caseId: pipelineCaseId(size, client), run: (rep) => runPipelineCase(ctx, size, client, rep) });
    }
  }
  if (wanted.has('kafka-tools')) {
    cases.push({ caseId: CONSUMER_PERF, run: (rep) => runConsumerPerf(ctx, rep) });
    cases.push({ caseId: PRODUCER_PERF, run: (rep) => runProducerPerf(ctx, rep) });
  }
  return cases;
}
