import { startCaseChild } from '../child/run-child.js';
import { toRunRecord, type BenchContext, type RunRecord } from '../context.js';
import { uniqueName } from '../kafka.js';
import { pipelineMaxInFlight } from '../pipeline-config.js';
import { withCaseTopics } from './measure-case.js';

/** Cases 1 and 2: the kafkajs copy baselines, at the pipeline's default window (1,000) and linger. */
export async function runCopyCase(ctx: BenchContext, kind: 'copy-raw' | 'copy-eos', rep: number): Promise<RunRecord> {
  const dataset = ctx.datasets.full;
  const { value: result, usage } = await withCaseTopics(ctx, kind, [{ name: 'out', partitions: dataset.partitions }], async ([outputTopic]) => {
    const child = startCaseChild({
      kind,
      brokers: ctx.env.brokers,
      inputTopic: dataset.topic,
      outputTopic,
      groupId: uniqueName(`streamscore-bench-${kind}`),
      partitions: dataset.partitions,
      expectedRecords: dataset.records,
      window: { maxRecords: 1_000, maxLingerMs: ctx.options.lingerMs, maxInFlight: pipelineMaxInFlight(ctx.env.repoRoot) },
    }, { timeoutMs: ctx.options.caseTimeoutS * 1000 });
    return child.result;
  });
  return toRunRecord(kind, rep, dataset.topic, result, usage);
}
