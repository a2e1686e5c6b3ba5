import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StreamscoreError } from '../errors.js';
import type { StackPaths } from './paths.js';
import { STACK_HOST, type StackPorts } from './ports.js';
import { processMarker, spawnDetached } from './processes.js';

const run = promisify(execFile);

/**
 * A new KRaft cluster id: 16 random bytes in URL-safe base64 without padding, the format of Kafka's
 * `Uuid.toString()` (what `kafka-storage random-uuid` prints), never starting with '-' (Kafka avoids that
 * so the id cannot be taken for a command-line flag).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The broker's configuration: one combined broker+controller node (KRaft), loopback only, replication
 * factors of 1 so transactions work on a single node, no topic auto-creation (the pipeline refuses to
 * start when a topic is missing, and tests must see that), few internal partitions to start fast.
 */
export function kafkaServerProperties(paths: StackPaths, ports: StackPorts): string {
  return [
    '# Written by src/stack/kafka-process.ts on every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${STACK_HOST}:${ports.controller}`,
    `listeners=PLAINTEXT://${STACK_HOST}:${ports.kafka},CONTROLLER://${STACK_HOST}:${ports.controller}`,
    `advertised.listeners=PLAINTEXT://${STACK_HOST}:${ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${paths.kafkaData}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** Log4j 2 (Kafka 4.x) to stdout, which `spawnDetached` appends to .stack/logs/kafka.log. */
const LOG4J2_YAML = `# Written by src/stack/kafka-process.ts.
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.clients
        level: WARN
      - name: state.change.logger
        level: WARN
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
`;

/** The files the broker reads, written afresh on every start (ports come from state.json). */
export function writeKafkaConfig(paths: StackPaths, ports: StackPorts): { properties: string; log4j: string } {
  mkdirSync(paths.kafkaConfigDir, { recursive: true });
  const properties = join(paths.kafkaConfigDir, 'server.properties');
  const log4j = join(paths.kafkaConfigDir, 'log4j2.yaml');
  writeFileSync(properties, kafkaServerProperties(paths, ports));
  writeFileSync(log4j, LOG4J2_YAML);
  return { properties, log4j };
}

/**
 * The topics whose partitions Kafka's data folder holds, internal ones (`__consumer_offsets`,
 * `__transaction_state`, `__cluster_metadata`) left out. A partition is a folder `<topic>-<partition>`;
 * a deleted one is renamed `<topic>-<partition>.<id>-delete` until the broker removes it, and is not counted.
 */
export function kafkaDataTopics(paths: StackPaths): string[] {
  let entries: string[];
  try {
    entries = readdirSync(paths.kafkaData, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return [];
  }
  const topics = entries
    .map((name) => /^(.+)-\d+$/.exec(name)?.[1])
    .filter((topic): topic is string => topic !== undefined && !topic.startsWith('__'));
  return [...new Set(topics)].sort();
}

/** True once `kafka-storage format` has run on the data folder. */
export function isKafkaFormatted(paths: StackPaths): boolean {
  return existsSync(join(paths.kafkaData, 'meta.properties'));
}

/**
 * Formats the storage on first start only (`kafka.tools.StorageTool format --standalone`: this node is the
 * whole controller quorum). Its output goes to the broker's log file too.
 */
export async function formatKafkaStorage(paths: StackPaths, java: string, classpath: string, clusterId: string, properties: string): Promise<void> {
  mkdirSync(paths.kafkaData, { recursive: true });
  mkdirSync(paths.logs, { recursive: true });
  const args = ['-Xmx256m', '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, '--standalone'];
  try {
    const { stdout, stderr } = await run(java, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    appendFileSync(paths.kafkaLog, `[stack] kafka-storage format -t ${clusterId}\n${stdout}${stderr}`);
  } catch (error) {
    const output = error instanceof Error && 'stderr' in error ? String((error as { stderr?: unknown }).stderr ?? '') : '';
    appendFileSync(paths.kafkaLog, `[stack] kafka-storage format failed\n${output}\n`);
    const reason = output.trim().split('\n').at(-1) ?? String(error);
    throw new StreamscoreError('ERR_STACK_START_TIMEOUT', `formatting Kafka's storage in ${paths.kafkaData} failed: ${reason} (see ${paths.kafkaLog})`, {
      cause: error,
    });
  }
}

/** Starts the broker detached; returns its pid. */
export function startKafka(paths: StackPaths, java: string, classpath: string, config: { properties: string; log4j: string }): number {
  mkdirSync(paths.logs, { recursive: true });
  appendFileSync(paths.kafkaLog, `[stack] starting Kafka at ${new Date().toISOString()}\n`);
  const args = [
    processMarker('kafka', paths.root),
    '-Xms256m',
    '-Xmx512m',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${config.log4j}`,
    '-cp',
    classpath,
    'kafka.Kafka',
    config.properties,
  ];
  return spawnDetached(java, args, { cwd: paths.root, logFile: paths.kafkaLog });
}
