import type { KafkaClientName } from '../../src/kafka/types.js';
import { startCaseChild } from '../child/run-child.js';
import { toRunRecord, type BenchContext, type RunRecord } from '../context.js';
import { uniqueName } from '../kafka.js';
import { iotPipelineConfig } from '../pipeline-config.js';
import { withCaseTopics } from './measure-case.js';

export function pipelineCaseId(windowSize: number, client: KafkaClientName): string {
  return `pipeline@${windowSize} ${client}`;
}

/** Node flags for a pipeline child: with `--profile`, a CPU profile per run. */
export function profileFlags(ctx: BenchContext, name: string): string[] {
  if (!ctx.options.profile || !ctx.profileDir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/**
 * Case 3: the pipeline (startService, exactly-once, IoT model) drains the preloaded topic with
 * window.maxRecords = windowSize. Window 1 drains the small topic (one transaction per record
 * makes it too slow for the full one); records/s stays comparable.
 */
export async function runPipelineCase(ctx: BenchContext, windowSize: number, client: KafkaClientName, rep: number): Promise<RunRecord> {
  const dataset = windowSize === 1 ? ctx.datasets.small : ctx.datasets.full;
  const caseId = pipelineCaseId(windowSize, client);
  const slug = `pipeline-${windowSize}-${client}`;
  const { value: result, usage } = await withCaseTopics(ctx, slug, [{ name: 'out', partitions: dataset.partitions }, { name: 'dlq', partitions: 1 }], async ([outputTopic, deadLetterTopic]) => {
    const config = iotPipelineConfig({
      repoRoot: ctx.env.repoRoot,
      appId: uniqueName(`streamscore-bench-${slug}`),
      brokers: ctx.env.brokers,
      registryUrl: ctx.env.registryUrl,
      inputTopic: dataset.topic,
      outputTopic,
      deadLetterTopic,
      window: { maxRecords: windowSize, maxLingerMs: ctx.options.lingerMs },
      client,
    });
    const child = startCaseChild(
      { kind: 'pipeline', mode: 'drain', config, baseDir: ctx.env.repoRoot, expectedRecords: dataset.records, expectedPartitions: dataset.partitions, brokerPid: ctx.env.kafkaPid },
      { timeoutMs: ctx.options.caseTimeoutS * 1000, execArgv: profileFlags(ctx, `${slug}-r${rep}`) },
    );
    return child.result;
  });
  return toRunRecord(caseId, rep, dataset.topic, result, usage);
}
