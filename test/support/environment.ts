/**
 * The one way integration tests get a Kafka broker and a schema registry (DESIGN.md §5):
 * 1. explicit `KAFKA_BROKERS` / `SCHEMA_REGISTRY_URL` win (scripts/test.mjs sets both for its child run);
 * 2. else, where a Docker engine answers, Testcontainers starts the pinned images;
 * 3. else the local stack (src/stack) runs the same servers as processes.
 * `STREAMSCORE_TEST_STACK=testcontainers|local-stack` forces 2 or 3.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { probeKafkaMetadata, warmUpTransactions } from '../../src/kafka/kafkajs/admin-probe.js';
import { stackRelease, stackUp } from '../../src/stack/index.js';

/** Where the broker and registry of a test run come from. */
export type EnvironmentSource = 'env' | 'testcontainers' | 'local-stack';

/** A broker and a registry that tests can use, and how to let go of them. */
export interface TestEnvironment {
  /** kafkajs `brokers`, e.g. `['127.0.0.1:39807']`. */
  brokers: string[];
  /** Confluent-compatible registry base URL, e.g. `http://127.0.0.1:43987/apis/ccompat/v7`. */
  registryUrl: string;
  source: EnvironmentSource;
  /** Stops what this call started (containers; the local stack when no other program uses it). Idempotent. */
  stop(): Promise<void>;
}

/** The images started where Docker exists; the same versions as the local stack and docker-compose.yml. */
export const KAFKA_IMAGE = 'apache/kafka:4.2.2';
export const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.3.3';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A topic, group or subject name no other test (or earlier run) uses: `<prefix>-<time>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  timeoutMs: number;
  /** What is awaited, for the error message: "the committed record", "group to be stable". */
  what: string;
  intervalMs?: number;
}

/**
 * Polls `predicate` every `intervalMs` (default 50 ms) until it returns a truthy value, which is returned.
 * On the deadline throws an error naming `what` (and the predicate's last error, if it threw).
 * This replaces sleeps: a test waits exactly as long as the event takes.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>> {
  const end = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= end) {
      const reason = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${reason}`);
    }
    await pause(options.intervalMs ?? 50);
  }
}

/** GET /_ping on a Docker unix socket; true when the engine answers within 2 s. */
function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * True when a Docker engine answers. A cheap look for a socket (or DOCKER_HOST) first, so that machines
 * without Docker never load testcontainers; then testcontainers' own runtime check decides.
 */
export async function dockerAvailable(): Promise<boolean> {
  const sockets = ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')];
  if (process.env.XDG_RUNTIME_DIR !== undefined) sockets.push(join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  const hasHint =
    (process.env.DOCKER_HOST ?? '') !== '' ||
    (process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '') !== '' ||
    (await Promise.all(sockets.filter((socket) => existsSync(socket)).map(pingSocket))).some(Boolean);
  if (!hasHint) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), pause(15_000).then(() => Promise.reject(new Error('timeout')))]);
    return true;
  } catch {
    return false;
  }
}

/**
 * apache/kafka in KRaft mode. The advertised address (the host's mapped port) is known only after the
 * container starts, so the entrypoint waits for it in a file that is copied in afterwards, then runs the
 * image's own start script, which turns KAFKA_* variables into server.properties. Transaction markers go
 * through the inter-broker listener even on one node, so that one (BROKER) is advertised inside the container.
 */
async function startKafkaContainer(): Promise<{ container: StartedTestContainer; brokers: string[] }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withEnvironment({
      CLUSTER_ID: 'c3RyZWFtc2NvcmUtdGVzdA',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9094,CONTROLLER://0.0.0.0:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '10',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '1',
    })
    .withExposedPorts(9092)
    .withEntrypoint(['sh', '-c'])
    .withCommand([
      'echo "streamscore: waiting for advertised listeners"; ' +
        'while [ ! -s /tmp/advertised-listeners ]; do sleep 0.1; done; ' +
        'export KAFKA_ADVERTISED_LISTENERS="$(cat /tmp/advertised-listeners)"; exec /etc/kafka/docker/run',
    ])
    .withWaitStrategy(Wait.forLogMessage('streamscore: waiting for advertised listeners'))
    .withStartupTimeout(120_000)
    .start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(9092)}`];
  await container.copyContentToContainer([
    { content: `PLAINTEXT://${brokers[0]},BROKER://localhost:9094`, target: '/tmp/advertised-listeners', mode: 0o644 },
  ]);
  await waitFor(async () => (await probeKafkaMetadata(brokers)).brokerCount > 0, { timeoutMs: 120_000, what: `Kafka in ${KAFKA_IMAGE}`, intervalMs: 250 });
  await warmUpTransactions(brokers, 60_000);
  return { container, brokers };
}

/**
 * The registry keeps its default in-memory storage here: both containers are started for one test run
 * and stopped together at its end (neither has a volume), so the schemas already live exactly as long as
 * the broker's data, which is the property the local stack's H2 file and docker-compose's kafkasql storage
 * give (docs/local-stack.md "Schemas"). A test that restarts the registry alone must use the local stack.
 */
async function startRegistryContainer(): Promise<{ container: StartedTestContainer; registryUrl: string }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(REGISTRY_IMAGE)
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080).forStatusCode(200))
    .withStartupTimeout(180_000)
    .start();
  return { container, registryUrl: `http://${container.getHost()}:${container.getMappedPort(8080)}/apis/ccompat/v7` };
}

async function fromTestcontainers(): Promise<TestEnvironment> {
  const [kafka, registry] = await Promise.allSettled([startKafkaContainer(), startRegistryContainer()]);
  if (kafka.status === 'rejected' || registry.status === 'rejected') {
    if (kafka.status === 'fulfilled') await kafka.value.container.stop();
    if (registry.status === 'fulfilled') await registry.value.container.stop();
    throw kafka.status === 'rejected' ? kafka.reason : (registry as PromiseRejectedResult).reason;
  }
  let stopped = false;
  return {
    brokers: kafka.value.brokers,
    registryUrl: registry.value.registryUrl,
    source: 'testcontainers',
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([kafka.value.container.stop(), registry.value.container.stop()]);
    },
  };
}

async function fromLocalStack(): Promise<TestEnvironment> {
  const up = await stackUp({ lease: true });
  let released = false;
  return {
    brokers: up.brokers,
    registryUrl: up.registryUrl,
    source: 'local-stack',
    async stop() {
      if (released) return;
      released = true;
      // Stops the stack only if a leasing program (this one, or a concurrent test run) started it
      // and no other live program still uses it; a stack a person started stays up.
      await stackRelease();
    },
  };
}

/** Resolves the environment; see the module comment for the order. */
export async function resolveTestEnvironment(): Promise<TestEnvironment> {
  const envBrokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
  const envRegistry = (process.env.SCHEMA_REGISTRY_URL ?? '').trim();
  if (envBrokers.length > 0 && envRegistry !== '') {
    return { brokers: envBrokers, registryUrl: envRegistry, source: 'env', stop: async () => undefined };
  }
  const forced = process.env.STREAMSCORE_TEST_STACK;
  if (forced !== undefined && forced !== '' && forced !== 'testcontainers' && forced !== 'local-stack') {
    throw new Error(`STREAMSCORE_TEST_STACK must be "testcontainers" or "local-stack", not "${forced}"`);
  }
  const useContainers = forced === 'testcontainers' || (forced !== 'local-stack' && (await dockerAvailable()));
  const environment = useContainers ? await fromTestcontainers() : await fromLocalStack();
  // An explicit variable still wins for its own role when only one of the two is set.
  return {
    ...environment,
    brokers: envBrokers.length > 0 ? envBrokers : environment.brokers,
    registryUrl: envRegistry !== '' ? envRegistry : environment.registryUrl,
  };
}
