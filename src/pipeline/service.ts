import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import avro from 'avsc';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import { Registry } from '../codec/registry.js';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import { asKafkaError } from '../kafka/errors.js';
import { openKafkaClient } from '../kafka/open-client.js';
import { checkModel, type ModelFacts } from '../model/model-check.js';
import { startHttpServer } from '../observability/http-server.js';
import { logKafkaTransactions, logPipelineEvents, logWorkerEvents } from '../observability/log-events.js';
import { PipelineMetrics } from '../observability/metrics.js';
import { withRetry } from '../retry.js';
import { PredictionEncoder } from '../sink/prediction-encoder.js';
import { Pipeline } from './pipeline.js';
import { WindowScorer } from './window-scorer.js';

export interface RunningService {
  pipeline: Pipeline;
  scorer: WindowScorer;
  metrics: PipelineMetrics;
  model: ModelFacts;
  /** Graceful stop within the configured deadline; resolves false if the deadline passed. */
  stop(): Promise<boolean>;
}

function readAvroSchema(file: string, key: string): avro.Schema {
  try {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as avro.Schema;
    avro.Type.forSchema(schema);
    return schema;
  } catch (error) {
    throw new StreamscoreError('ERR_SCHEMA_UNREADABLE', `${key}: cannot use Avro schema ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Everything that can be refused without touching the network: model, schemas. */
export async function preflight(config: StreamscoreConfig): Promise<{ model: ModelFacts; readerSchema?: avro.Schema; predictionSchema: avro.Schema }> {
  const predictionSchema = readAvroSchema(config.output.schema, 'output.schema');
  const readerSchema = config.input.readerSchema ? readAvroSchema(config.input.readerSchema, 'input.readerSchema') : undefined;
  const model = await checkModel(config.model);
  return { model, readerSchema, predictionSchema };
}

/** Retries a start-up dependency until startup.timeoutMs, then fails with a clear fatal error. */
async function untilStarted<T>(what: string, config: StreamscoreConfig, logger: Logger, operation: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(operation, {
      initialDelayMs: 500,
      maxDelayMs: 5_000,
      deadlineMs: config.startup.timeoutMs,
      onRetry: (error, attempt, delayMs) => logger.warn({ attempt, delayMs }, `${what} not reachable yet, retrying: ${(error as Error).message}`),
    });
  } catch (error) {
    if (error instanceof StreamscoreError && !error.retriable) throw error;
    throw new StreamscoreError('ERR_STARTUP_TIMEOUT', `${what} did not answer within startup.timeoutMs=${config.startup.timeoutMs}: ${(error as Error).message}`, { cause: error });
  }
}

export interface ServiceOptions {
  /** A bounded run (backfill): see PipelineOptions.bounds. */
  bounds?: Map<string, { start: string; end: string }>;
  /** A rate limit for the fetch loop: see PipelineOptions.rateLimit. */
  rateLimit?: (records: number) => number;
}

export async function startService(config: StreamscoreConfig, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const { model, readerSchema, predictionSchema } = await preflight(config);
  const kafka = openKafkaClient(config.kafka, logger);
  const admin = kafka.admin();
  const registry = new Registry({ url: config.schemaRegistry.url!, username: config.schemaRegistry.username, password: config.schemaRegistry.password });

  await untilStarted('Kafka', config, logger, async () => {
    try {
      await admin.connect();
      await admin.listTopics();
    } catch (error) {
      throw asKafkaError(error, `Connecting to ${config.kafka.brokers.join(',')}`);
    }
  });
  await admin.requireTopics([config.output.topic, config.output.deadLetterTopic, ...(config.input.topics ?? [])]);
  await untilStarted('Schema registry', config, logger, () => registry.ping(config.schemaRegistry.url!));
  const predictionSchemaId = await untilStarted('Schema registry', config, logger, () =>
    PredictionEncoder.register(predictionSchema, registry, config.output.topic, config.output.subjectStrategy));

  const scorer = await WindowScorer.start({
    modelBytes: model.bytes,
    outputNames: [config.model.outputs.score.name, ...(config.model.outputs.label ? [config.model.outputs.label.name] : [])],
    intraOpThreads: config.model.intraOpThreads,
    maxBatch: model.fixedBatch ?? config.model.maxBatch,
    fixedBatch: model.fixedBatch !== undefined,
    inputShapes: config.model.inputs.map((i) => ({ name: i.name, dtype: i.dtype, columns: i.columns.length })),
    features: config.model.inputs,
    outputs: config.model.outputs,
    codec: config.input.codec,
    readerSchema: readerSchema as object | undefined,
    prediction: { schema: predictionSchema as object, schemaId: predictionSchemaId },
    model: { name: config.model.name, version: config.model.version, sha256: model.sha256 },
    systemicRatio: config.model.failures.systemicRatio,
  }, { workers: config.model.workers, registry, respawns: config.model.workerRespawns, clock: systemClock });

  const consumer = kafka.source({
    groupId: config.appId,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    fromBeginning: config.input.startFrom === 'earliest',
  });
  const pipeline = new Pipeline(
    {
      appId: config.appId,
      outputTopic: config.output.topic,
      deadLetterTopic: config.output.deadLetterTopic,
      window: config.window,
      transactionTimeoutMs: config.kafka.transactionTimeoutMs,
      systemicFailureAttempts: config.model.failures.attempts,
      heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
      subscription: { topics: config.input.topics, topicPattern: config.input.topicPattern },
      bounds: options.bounds,
      rateLimit: options.rateLimit,
    },
    {
      transactionScope: kafka.transactionScope,
      createProducer: (transactionalId) => kafka.transactionalSink(transactionalId, config.kafka.transactionTimeoutMs),
      admin, consumer, clock: systemClock, logger, scoring: scorer,
    },
  );
  const metrics = new PipelineMetrics();
  metrics.describeModel('live', { name: config.model.name, version: config.model.version, sha256: model.sha256 });
  metrics.subscribe(pipeline);
  logPipelineEvents(pipeline, logger);
  logWorkerEvents(scorer.pool, logger);
  logKafkaTransactions(logger);
  metrics.subscribeWorkers(scorer.pool);
  let crashed = false;
  pipeline.on('consumerCrash', ({ restarting }) => { if (!restarting) crashed = true; });
  let server: Server | undefined;
  if (config.observability.metricsPort > 0) {
    server = await startHttpServer(config.observability.metricsPort, config.observability.metricsHost, metrics.registry, {
      healthy: () => !crashed && !pipeline.failed && !scorer.pool.health().failed,
      ready: () => pipeline.isReady,
      details: () => ({ workers: scorer.pool.health(), failed: pipeline.failed?.code }),
    });
  }
  await pipeline.start();

  return {
    pipeline, scorer, metrics, model,
    async stop() {
      const finished = await pipeline.stop(config.shutdown.timeoutMs);
      await scorer.close();
      await admin.disconnect().catch(() => undefined);
      metrics.stop();
      server?.close();
      return finished;
    },
  };
}
