import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ScenarioCollector } from '../../src/demo/collector.js';
import { openKafkaClient, toolKafkaSettings } from '../../src/kafka/open-client.js';
import type { TopicReader } from '../../src/kafka/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { startService, type RunningService } from '../../src/pipeline/service.js';
import { waitFor } from './environment.js';
import { avroEncoder, createTopics, deleteTopics, produce, type TestMessage } from './kafka-fixtures.js';
import { READING_SCHEMA, suffix, tinyConfig } from './pipeline-config.js';
import { writeConfig } from './streamscore-process.js';

/** A port nobody listens on now (the metrics server takes a fixed port; 0 would disable it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A pipeline run in this process as `streamscore run` runs it (startService, metrics server on a
 * free port), with what the demo adds: the model described on the metrics, and a read_committed
 * observer of the output topic that reports each prediction's flag and end-to-end latency
 * (src/demo/run-demo.ts does the same). Input: `produceBatch` sends valid readings and, with
 * `poison`, records that cannot be decoded (dead letters ERR_CODEC_*).
 */
export class ObservedPipeline {
  readonly topics: { input: string; output: string; dlq: string };
  readonly appId: string;
  service!: RunningService;
  port!: number;
  produced = 0;
  private reader!: TopicReader;
  private encode!: (value: unknown) => Promise<Buffer>;
  private sequence = 0;

  constructor(private readonly brokers: string[], private readonly registryUrl: string, name: string) {
    const id = suffix();
    this.topics = { input: `${name}-in-${id}`, output: `${name}-out-${id}`, dlq: `${name}-dlq-${id}` };
    this.appId = `${name}-${id}`;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await createTopics(this.brokers, [{ topic: this.topics.input, partitions: 6 }, { topic: this.topics.output, partitions: 3 }, { topic: this.topics.dlq, partitions: 1 }]);
    this.encode = await avroEncoder(this.registryUrl, `${this.topics.input}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
    this.port = await freePort();
    const config = loadConfig(writeConfig(tinyConfig({
      appId: this.appId, ...this.topics, brokers: this.brokers, registryUrl: this.registryUrl,
      window: { maxRecords: 200, maxLingerMs: 100 },
      extra: { observability: { metricsPort: this.port, metricsHost: '127.0.0.1', logLevel: 'warn' } },
    })), {});
    this.service = await startService(config, createLogger('warn'));

    const collector = new ScenarioCollector('iot', { input: '', output: this.topics.output, deadLetters: '' }, path.resolve('schemas/prediction.avsc'));
    this.reader = openKafkaClient(toolKafkaSettings(this.brokers, `observer-${this.appId}`), createLogger('warn')).topicReader({ groupPrefix: `observer-${this.appId}` });
    await this.reader.start([this.topics.output], (records, receivedAt) => collector.add(records, receivedAt));
    await waitFor(() => this.reader.joined && this.service.pipeline.isReady && this.service.pipeline.ownedPartitions.length === 6, { timeoutMs: 60_000, what: 'the pipeline and the observer to join their groups' });
  }

  /** `count` readings spread over the 6 partitions, and `poison` undecodable records. */
  async produceBatch(count: number, poison = 0): Promise<void> {
    const messages: TestMessage[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.sequence++;
      messages.push({ key: `device-${n % 17}`, value: await this.encode({ id: `r${n}`, a: Math.sin(n) * 3, b: Math.cos(n * 0.7) * 2, c: (n % 97) / 10 }), partition: n % 6 });
    }
    for (let i = 0; i < poison; i++) messages.push({ key: 'poison', value: Buffer.from(`not avro ${i}`), partition: i % 6 });
    await produce(this.brokers, this.topics.input, messages);
    this.produced += count + poison;
  }

  async stop(): Promise<void> {
    await this.reader?.stop().catch(() => undefined);
    await this.service?.stop().catch(() => undefined);
    await deleteTopics(this.brokers, Object.values(this.topics)).catch(() => undefined);
  }
}

/** Prometheus' text format, parsed to samples: enough for tests (no escapes in label values). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: match[3] === '+Inf' ? Infinity : Number(match[3]) });
  }
  return samples;
}
