/**
 * The one-command demo (docs/scenarios.md): both scenarios end to end on a real broker, in one
 * process. Endpoints (env or the local stack) → this run's topics → a read_committed observer →
 * both pipelines (startService, as `streamscore run` does) → the generators → wait until every
 * record is scored and committed → report → remove what the run created.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { runGenerate } from '../generate/generate-run.js';
import type { ScenarioName } from '../generate/scenarios.js';
import { openKafkaClient, toolKafkaSettings } from '../kafka/open-client.js';
import { startStatusServer } from '../observability/http-server.js';
import type { StatusSource } from '../observability/status-snapshot.js';
import { startService, type RunningService } from '../pipeline/service.js';
import { ScenarioCollector } from './collector.js';
import { demoScenario, demoTopicSpecs, type DemoScenario } from './demo-scenario.js';
import { resolveEndpoints, type DemoEndpoints } from './endpoints.js';
import { PipelineWatch } from './pipeline-watch.js';
import type { DemoProgress } from './progress.js';
import { buildReport, type ScenarioReport } from './report.js';

export interface DemoOptions {
  scenarios: ScenarioName[];
  /** Records per scenario. */
  records: number;
  /** Records per second per scenario; 0 = as fast as possible. */
  rate: number;
  seed: number;
  /** Keep the topics, and leave the local stack running. */
  keepStack: boolean;
  /** How long to wait, once everything is produced, for the last record to be scored. */
  scoreTimeoutMs: number;
  /** Port of the live status page (127.0.0.1); 0 picks a free one. */
  statusPort?: number;
}

export interface DemoIo {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  progress: DemoProgress;
  signal: AbortSignal;
}

export interface DemoResult {
  runId: string;
  endpoints: Pick<DemoEndpoints, 'brokers' | 'registryUrl' | 'source'>;
  reports: ScenarioReport[];
  elapsedMs: number;
  interrupted: boolean;
  /** Cleanup that did not work (topics or groups left behind); reported, not fatal. */
  leftovers: string[];
  /** With keepStack: the status page, still serving the run's final figures until closed. */
  status?: { url: string; close(): void };
}

const READY_TIMEOUT_MS = 90_000;
const POLL_MS = 250;

/** Polls until `predicate` holds; false on the deadline or when the signal aborts. */
async function waitUntil(predicate: () => boolean | Promise<boolean>, deadlineMs: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (!signal.aborted) {
    if (await predicate()) return true;
    if (Date.now() >= end) return false;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  return false;
}

interface Lane {
  scenario: DemoScenario;
  collector: ScenarioCollector;
  service?: RunningService;
  stopped?: boolean;
  watch?: PipelineWatch;
  produced: number;
  incomplete?: string;
}

export async function runDemo(options: DemoOptions, io: DemoIo): Promise<DemoResult> {
  const started = Date.now();
  const { progress, signal, logger } = io;
  const runId = `demo-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const endpoints = await resolveEndpoints(io.env, (line) => progress.log(line));
  const leftovers: string[] = [];
  const kafka = openKafkaClient(toolKafkaSettings(endpoints.brokers, 'streamscore-demo'), logger);
  const topicAdmin = kafka.topicAdmin();
  const offsets = kafka.admin();
  const reader = kafka.topicReader({ groupPrefix: `streamscore-${runId}-observer` });
  const lanes: Lane[] = [];
  const createdTopics: string[] = [];
  let reports: ScenarioReport[] = [];
  let statusServer: Server | undefined;
  let statusUrl: string | undefined;
  const stopPipelines = () => Promise.all(lanes.map(async (lane) => {
    if (!lane.service || lane.stopped) return;
    lane.stopped = true;
    await lane.service.stop().catch((error: unknown) => logger.error({ err: error, scenario: lane.scenario.name }, 'stopping the pipeline failed'));
  }));

  try {
    for (const name of options.scenarios) {
      const scenario = demoScenario(name, runId, endpoints);
      lanes.push({ scenario, collector: new ScenarioCollector(name, scenario.topics, scenario.config.output.schema), produced: 0 });
    }
    await topicAdmin.connect();
    await offsets.connect();
    for (const lane of lanes) {
      const specs = demoTopicSpecs(lane.scenario);
      await topicAdmin.createTopics(specs);
      createdTopics.push(...specs.map((s) => s.topic));
    }
    progress.log(`run ${runId}: topics ${createdTopics.join(', ')}`);

    await reader.start(lanes.flatMap((l) => Object.values(l.scenario.topics)), (records, receivedAt) => {
      for (const lane of lanes) if (lane.collector.owns(records[0]!.topic)) lane.collector.add(records, receivedAt);
    });

    for (const lane of lanes) {
      if (signal.aborted) break;
      lane.service = await startService(lane.scenario.config, logger.child({ scenario: lane.scenario.name }));
      lane.watch = new PipelineWatch(lane.service.pipeline);
      progress.log(`${lane.scenario.name}: pipeline ${lane.scenario.appId} started (model ${lane.scenario.config.model.name}@${lane.scenario.config.model.version}, sha256 ${lane.service.model.sha256.slice(0, 12)}…)`);
    }
    if (!signal.aborted) {
      const sources: StatusSource[] = lanes.filter((l) => l.service).map(({ scenario, service }) => ({
        name: scenario.name,
        metrics: service!.metrics,
        health: {
          healthy: () => !service!.pipeline.failed && !service!.scorer.pool.health().failed,
          ready: () => service!.pipeline.isReady,
          details: () => ({ workers: service!.scorer.pool.health(), failed: service!.pipeline.failed?.code }),
        },
      }));
      statusServer = await startStatusServer(options.statusPort ?? 0, '127.0.0.1', sources);
      statusUrl = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/`;
      progress.log(`live status page: ${statusUrl}`);
    }
    const isReady = (lane: Lane): boolean => lane.service?.pipeline.isReady === true && lane.service.pipeline.ownedPartitions.length > 0;
    // The observer must be fetching before the first record is produced, or its late start would count as latency.
    const ready = await waitUntil(() => reader.joined && lanes.every(isReady), READY_TIMEOUT_MS, signal);
    if (!ready && !signal.aborted) {
      for (const lane of lanes) lane.incomplete = `the ${isReady(lane) ? 'observing consumer' : 'pipeline'} did not become ready within ${READY_TIMEOUT_MS / 1000} s`;
    }

    progress.start(() => Object.fromEntries(lanes.map((l) => [l.scenario.name, { produced: l.produced, scored: l.watch?.committedRecords ?? 0, total: options.records }])));
    const rate = options.rate > 0 ? `${options.rate.toLocaleString('en-US')} records/s each` : 'as fast as possible';
    progress.log(`producing ${options.records.toLocaleString('en-US')} records per scenario, ${rate}`);
    await Promise.all(lanes.map(async (lane) => {
      if (lane.incomplete) return;
      const result = await runGenerate({
        scenario: lane.scenario.name,
        topic: lane.scenario.topics.input,
        brokers: endpoints.brokers,
        registryUrl: endpoints.registryUrl,
        count: options.records,
        rate: options.rate,
        seed: options.seed,
        startTime: Date.now(),
        timestamp: 'event',
        schemaVersion: 1,
      }, { logger, signal, onProgress: (p) => { lane.produced = p.produced; } });
      lane.produced = result.summary?.produced ?? lane.produced;
      if (!result.ok) lane.incomplete = `the generator stopped: ${result.refusal}`;
    }));

    const scoredAll = await waitUntil(async () => {
      // A pipeline that failed (a window it could not score) commits nothing more: stop waiting.
      if (lanes.some((lane) => lane.service?.pipeline.failed)) return true;
      for (const lane of lanes) {
        if (lane.collector.accountedFor < lane.produced) return false;
        const committed = await offsets.committedOffsets(lane.scenario.appId, [lane.scenario.topics.input]);
        const ends = await offsets.partitionOffsets(lane.scenario.topics.input);
        if (ends.some((p) => p.high !== '0' && committed.get(`${lane.scenario.topics.input}:${p.partition}`) !== p.high)) return false;
      }
      return true;
    }, options.scoreTimeoutMs, signal);
    progress.stop();
    for (const lane of lanes) {
      const failure = lane.service?.pipeline.failed;
      if (failure) lane.incomplete = `the pipeline failed: ${failure.code}: ${failure.message}`;
    }
    if (!scoredAll && !signal.aborted) {
      for (const lane of lanes) {
        if (!lane.incomplete && lane.collector.accountedFor < lane.produced) lane.incomplete = `timed out after ${options.scoreTimeoutMs / 1000} s with ${lane.produced - lane.collector.accountedFor} records unscored`;
      }
    }

    await stopPipelines();
    for (const lane of lanes) lane.watch?.settleWindows();
    if (!signal.aborted) {
      reports = lanes.map((lane) => buildReport({
        scenario: lane.scenario.name,
        model: `${lane.scenario.config.model.name}@${lane.scenario.config.model.version}`,
        threshold: lane.scenario.config.model.outputs.threshold,
        requested: options.records,
        produced: lane.produced,
        collector: lane.collector,
        watch: lane.watch!,
        incomplete: lane.incomplete,
      }));
    }
  } finally {
    progress.stop();
    await stopPipelines();
    if (!options.keepStack) statusServer?.close();
    await reader.stop();
    if (!options.keepStack) {
      const topicProblem = await topicAdmin.deleteTopics(createdTopics);
      if (topicProblem) leftovers.push(`topics ${createdTopics.join(', ')}: ${topicProblem}`);
      const groups = [...lanes.map((l) => l.scenario.appId), reader.groupId];
      const groupProblem = await topicAdmin.deleteGroups(groups);
      if (groupProblem) leftovers.push(`consumer groups ${groups.join(', ')}: ${groupProblem}`);
    }
    await topicAdmin.disconnect();
    await offsets.disconnect().catch(() => undefined);
    if (endpoints.source === 'local-stack') {
      progress.log(options.keepStack ? 'local stack left running (--keep-stack); stop it with `npm run stack -- down`' : await endpoints.release());
    }
  }
  return {
    runId,
    endpoints: { brokers: endpoints.brokers, registryUrl: endpoints.registryUrl, source: endpoints.source },
    reports,
    elapsedMs: Date.now() - started,
    interrupted: signal.aborted,
    leftovers,
    status: options.keepStack && statusServer && statusUrl ? { url: statusUrl, close: () => statusServer!.close() } : undefined,
  };
}
