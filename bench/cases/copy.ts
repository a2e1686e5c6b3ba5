import type { KafkaClientName } from '../../src/kafka/types.js';
import { startCaseChild } from '../child/run-child.js';
import { toRunRecord, type BenchContext, type RunRecord } from '../context.js';
import { uniqueName } from '../kafka.js';
import { pipelineMaxInFlight } from '../pipeline-config.js';
import { withCaseTopics } from './measure-case.js';

export function copyCaseId(kind: 'copy-raw' | 'copy-eos', windowRecords: number, client: KafkaClientName): string {
  return `${kind}@${windowRecords} ${client}`;
}

/** Cases 1 and 2: a client's copy baselines (bench/child/seam-copy.ts), at a window size, with the pipeline's linger and windows in flight. */
export async function runCopyCase(ctx: BenchContext, kind: 'copy-raw' | 'copy-eos', windowRecords: number, client: KafkaClientName, rep: number): Promise<RunRecord> {
  const dataset = ctx.datasets.full;
  const { value: result, usage } = await withCaseTopics(ctx, `${kind}-${client}`, [{ name: 'out', partitions: dataset.partitions }], async ([outputTopic]) => {
    const child = startCaseChild({
      kind,
      client,
      brokers: ctx.env.brokers,
      inputTopic: dataset.topic,
      outputTopic,
      groupId: uniqueName(`streamscore-bench-${kind}-${client}`),
      partitions: dataset.partitions,
      expectedRecords: dataset.records,
      brokerPid: ctx.env.kafkaPid,
      window: { maxRecords: windowRecords, maxLingerMs: ctx.options.lingerMs, maxInFlight: pipelineMaxInFlight(ctx.env.repoRoot) },
    }, { timeoutMs: ctx.options.caseTimeoutS * 1000 });
    return child.result;
  });
  return toRunRecord(copyCaseId(kind, windowRecords, client), rep, dataset.topic, result, usage);
}
