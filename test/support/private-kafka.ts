/**
 * A Kafka broker of one test's own, for tests that take the broker down (kill -9, restart) without
 * touching the shared broker that other tests and the benchmark use. It is started with the local
 * stack's own code (src/stack): the same jars, Java lookup, server.properties, storage format and
 * readiness checks as `npm run stack -- up`, only in a temporary folder and on ports of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probeKafkaMetadata, warmUpTransactions } from '../../src/kafka/kafkajs/admin-probe.js';
import { ensureKafkaClasspath } from '../../src/stack/artifacts.js';
import { formatKafkaStorage, isKafkaFormatted, newClusterId, startKafka, writeKafkaConfig } from '../../src/stack/kafka-process.js';
import { stackPaths, type StackPaths } from '../../src/stack/paths.js';
import { choosePorts, isPortFree, STACK_HOST, type StackPorts } from '../../src/stack/ports.js';
import { findJava } from '../../src/stack/prerequisites.js';
import { isAlive, stopProcess } from '../../src/stack/processes.js';
import { waitUntilReady } from '../../src/stack/readiness.js';
import { KAFKA_MIN_JAVA, KAFKA_VERSION } from '../../src/stack/versions.js';
import { waitFor } from './environment.js';

/**
 * The broker version of private brokers: the pinned one, unless STREAMSCORE_TEST_KAFKA_VERSION names
 * another, e.g. 4.4.0 to watch broker-outage.test.ts fail on KAFKA-20734 (docs/exactly-once.md).
 */
export const PRIVATE_KAFKA_VERSION = process.env.STREAMSCORE_TEST_KAFKA_VERSION || KAFKA_VERSION;

/** How long a (re)start may take on a loaded 2-core machine; the shared stack allows 90 s too. */
const START_DEADLINE_MS = 90_000;

/** A single-node KRaft broker in its own folder; `kill()` and `restart()` keep its data and ports. */
export class PrivateKafka {
  private pid: number | undefined;
  private readonly config: { properties: string; log4j: string };

  private constructor(
    /** The broker's folder: data/kafka (log dirs), config/, logs/kafka.log. */
    readonly paths: StackPaths,
    readonly ports: StackPorts,
    private readonly java: string,
    private readonly classpath: string,
  ) {
    this.config = writeKafkaConfig(paths, ports);
  }

  /** `["127.0.0.1:<port>"]`; the same across restarts. */
  get brokers(): string[] {
    return [`${STACK_HOST}:${this.ports.kafka}`];
  }

  get running(): boolean {
    return this.pid !== undefined && isAlive(this.pid);
  }

  /**
   * Formats a fresh folder, starts the broker, waits until it answers metadata and has committed a
   * warm-up transaction (as `stackUp` does, so the first real transaction is not refused while the
   * internal topics are created). The Kafka classpath comes from the shared stack's cache.
   */
  static async start(): Promise<PrivateKafka> {
    const root = mkdtempSync(path.join(tmpdir(), 'streamscore-broker-'));
    try {
      const shared = stackPaths();
      const paths: StackPaths = { ...stackPaths(root), cache: shared.cache, pom: shared.pom };
      const java = await findJava(KAFKA_MIN_JAVA, `Kafka ${PRIVATE_KAFKA_VERSION}`, 'STREAMSCORE_KAFKA_JAVA');
      const classpath = await ensureKafkaClasspath(paths, [], PRIVATE_KAFKA_VERSION);
      const kafka = new PrivateKafka(paths, await choosePorts(), java.path, classpath);
      if (!isKafkaFormatted(paths)) await formatKafkaStorage(paths, java.path, classpath, newClusterId(), kafka.config.properties);
      await kafka.launch();
      await warmUpTransactions(kafka.brokers, 60_000);
      return kafka;
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** Starts the process and waits until it answers metadata; a process that exits fails at once. */
  private async launch(): Promise<void> {
    const pid = startKafka(this.paths, this.java, this.classpath, this.config);
    this.pid = pid;
    // A last resort if the test process exits without its after hooks: never leave a broker behind.
    process.once('exit', () => this.signal('SIGKILL', pid));
    await waitUntilReady({
      service: 'private kafka',
      pid,
      logFile: this.paths.kafkaLog,
      deadlineMs: START_DEADLINE_MS,
      probe: async () => (await probeKafkaMetadata(this.brokers)).brokerCount > 0,
    });
  }

  private signal(signal: NodeJS.Signals, pid = this.pid): void {
    if (pid === undefined || !isAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }

  /** kill -9: no controlled shutdown, open transactions stay open in the log. Resolves once it is gone. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    this.signal('SIGKILL', pid);
    await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, what: `private kafka (pid ${pid}) to die` });
  }

  /**
   * Starts the broker again on the same data folder and ports (what an operator does after a crash);
   * resolves once it answers metadata. No warm-up: recovering coordinators are for clients to cope with.
   */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`private kafka (pid ${this.pid}) is still running`);
    for (const port of [this.ports.kafka, this.ports.controller]) {
      await waitFor(() => isPortFree(port), { timeoutMs: 10_000, what: `port ${port} to be free again` });
    }
    await this.launch();
  }

  /** Stops the broker (SIGTERM, SIGKILL after 5 s) and deletes its folder. Idempotent. */
  async stop(): Promise<void> {
    if (this.pid !== undefined) await stopProcess(this.pid, 5_000);
    rmSync(this.paths.root, { recursive: true, force: true });
  }
}
