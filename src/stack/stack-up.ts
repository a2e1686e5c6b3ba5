import { rmSync, writeFileSync } from 'node:fs';
import { probeKafkaMetadata, warmUpTransactions } from '../kafka/kafkajs/admin-probe.js';
import { StreamscoreError } from '../errors.js';
import { ensureArtifacts } from './artifacts.js';
import { formatKafkaStorage, isKafkaFormatted, kafkaDataTopics, newClusterId, startKafka, writeKafkaConfig } from './kafka-process.js';
import { withStackLock } from './lock.js';
import { stackPaths, type StackPaths } from './paths.js';
import { choosePorts, requirePortFree, STACK_HOST, type StackPorts } from './ports.js';
import { findStackJava } from './prerequisites.js';
import { isAlive, listeningPorts, stopProcess } from './processes.js';
import { waitUntilReady } from './readiness.js';
import { hasRegistryDatabase, probeRegistry, registryUrl, startRegistry } from './registry-process.js';
import { runningPid } from './services.js';
import { readState, writeState, type ServiceName, type StackState } from './state.js';

/** Options of {@link stackUp}. */
export interface StackUpOptions {
  /** Stop the stack if it runs and wipe its data (and logs) first; new ports are chosen. */
  fresh?: boolean;
  /** The stack folder; default $STREAMSCORE_STACK_DIR, else `<repo>/.stack`. */
  stackDir?: string;
  /**
   * Where the artifacts are cached; default `<stack folder>/cache`. A second stack (a test's own) can
   * share the first one's cache instead of unpacking the registry again.
   */
  cacheDir?: string;
  /** Ports to use when the stack is created (first start or `fresh`); default: free ports from the OS. */
  ports?: Partial<StackPorts>;
  /**
   * Record this process as a user of the stack (test runners, demos). A stack started with a lease is
   * stopped by {@link stackRelease} when its last user releases it; one started without is left running.
   */
  lease?: boolean;
  /** Progress lines for people (the CLI prints them); silent by default. */
  log?: (line: string) => void;
  /** Start-up deadlines in ms; the defaults suit a 2-core machine. */
  deadlines?: { kafkaMs?: number; registryMs?: number; warmUpMs?: number };
}

/** What {@link stackUp} returns. */
export interface StackUpResult {
  /** `["127.0.0.1:<port>"]`, for kafkajs and KAFKA_BROKERS (comma-joined). */
  brokers: string[];
  /** The Confluent-compatible URL: `http://127.0.0.1:<port>/apis/ccompat/v7`. */
  registryUrl: string;
  /** True when this call started at least one server; false when both were already running and answering. */
  startedNow: boolean;
  /** Per service: started now or reused. */
  services: Record<ServiceName, 'started' | 'reused'>;
  ports: StackPorts;
  /** The `.stack/env` file written with KAFKA_BROKERS and SCHEMA_REGISTRY_URL. */
  envFile: string;
  elapsedMs: number;
  /** Things a person should know that did not stop the start (the CLI prints them as `warning: …`). */
  warnings: string[];
}

const DEFAULT_DEADLINES = { kafkaMs: 90_000, registryMs: 120_000, warmUpMs: 60_000 };

async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  return (await probeKafkaMetadata(brokers)).brokerCount > 0;
}

/** Starts what is missing, waits for it, and stops what this call started if anything fails. */
async function bringUp(paths: StackPaths, options: StackUpOptions): Promise<StackUpResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };

  if (options.fresh === true) {
    const previous = readState(paths.state);
    for (const name of ['kafka', 'registry'] as const) {
      const pid = runningPid(name, paths, previous);
      if (pid !== undefined) {
        log(`stopping ${name} (pid ${pid}) for --fresh`);
        await stopProcess(pid);
      }
    }
    for (const dir of [paths.data, paths.logs, paths.kafkaConfigDir, paths.state, paths.env]) rmSync(dir, { recursive: true, force: true });
    log(`wiped ${paths.data} and ${paths.logs}`);
  }

  const recorded = readState(paths.state);
  let state: StackState;
  if (recorded === undefined) {
    state = { version: 1, ports: await choosePorts(options.ports), clusterId: newClusterId(), leases: [], startedForLeases: false };
  } else {
    state = recorded;
    // Not tied to the data: a stack recorded before this port existed gets one now.
    state.ports.registryManagement ??= (await choosePorts({ ...state.ports, registryManagement: undefined })).registryManagement;
    for (const key of ['kafka', 'controller', 'registry'] as const) {
      const wanted = options.ports?.[key];
      if (wanted !== undefined && wanted !== state.ports[key]) {
        throw new StreamscoreError(
          'ERR_STACK_PORT_IN_USE',
          `this stack was created with ${key} port ${state.ports[key]}, not ${wanted}; run \`npm run stack -- up --fresh\` to recreate it on other ports`,
        );
      }
    }
  }
  const brokers = [`${STACK_HOST}:${state.ports.kafka}`];
  const result = { brokers, registryUrl: registryUrl(state.ports.registry), ports: state.ports, envFile: paths.env };

  const running = { kafka: runningPid('kafka', paths, state), registry: runningPid('registry', paths, state) };
  const services: Record<ServiceName, 'started' | 'reused'> = { kafka: 'reused', registry: 'reused' };
  const startedPids: number[] = [];
  const warnings: string[] = [];
  let waits: Promise<void>[] = [];
  try {
    if (running.kafka === undefined || running.registry === undefined) {
      const java = await findStackJava();
      const artifacts = await ensureArtifacts(paths);
      for (const item of artifacts.fetched) log(`fetched ${item}`);
      if (running.kafka === undefined) {
        await requirePortFree(state.ports.kafka, 'Kafka', 'stop that process, or run `npm run stack -- up --fresh` to choose new ports (wipes data)');
        await requirePortFree(state.ports.controller, 'Kafka controller', 'stop that process, or run `npm run stack -- up --fresh` to choose new ports (wipes data)');
      }
      if (running.registry === undefined) {
        await requirePortFree(state.ports.registry, 'schema registry', 'stop that process, or run `npm run stack -- up --fresh` to choose new ports (wipes data)');
        await requirePortFree(state.ports.registryManagement, 'schema registry management', 'stop that process, or run `npm run stack -- up --fresh` to choose new ports');
      }
      writeState(paths.state, state);
      if (running.kafka === undefined) {
        const config = writeKafkaConfig(paths, state.ports);
        if (!isKafkaFormatted(paths)) {
          log(`formatting Kafka storage in ${paths.kafkaData} (cluster id ${state.clusterId})`);
          await formatKafkaStorage(paths, java.kafka.path, artifacts.kafkaClasspath, state.clusterId, config.properties);
        }
        const pid = startKafka(paths, java.kafka.path, artifacts.kafkaClasspath, config);
        startedPids.push(pid);
        state.kafka = { pid, startedAt: new Date().toISOString(), java: java.kafka.path };
        writeState(paths.state, state);
        services.kafka = 'started';
        log(`started kafka (pid ${pid}, Java ${java.kafka.major}), log ${paths.kafkaLog}`);
      }
      if (running.registry === undefined) {
        const kept = kafkaDataTopics(paths);
        if (!hasRegistryDatabase(paths) && kept.length > 0) {
          // A stack created before the registry kept its schemas: the records kept name ids that a new,
          // empty registry hands out again to other schemas.
          warnings.push(
            `Kafka keeps topics from an earlier run (${kept.slice(0, 3).join(', ')}${kept.length > 3 ? `, … ${kept.length} in all` : ''}) but the registry has no database yet ` +
              `(a stack created before the registry kept its schemas): their records name schema ids the registry will give to other schemas; ` +
              '`npm run stack -- up --fresh` starts both clean',
          );
        }
        const pid = startRegistry(paths, java.registry.path, artifacts.registryJar, {
          http: state.ports.registry,
          management: state.ports.registryManagement,
        });
        startedPids.push(pid);
        state.registry = { pid, startedAt: new Date().toISOString(), java: java.registry.path };
        writeState(paths.state, state);
        services.registry = 'started';
        log(`started registry (pid ${pid}, Java ${java.registry.major}), log ${paths.registryLog}`);
      }
    }

    const kafkaPid = state.kafka?.pid ?? 0;
    const registryPid = state.registry?.pid ?? 0;
    // A reused server gets a short deadline: it has had its time to start already.
    const reuseMs = 15_000;
    waits = [
      (async () => {
        const ms = await waitUntilReady({
          service: 'kafka',
          pid: kafkaPid,
          logFile: paths.kafkaLog,
          deadlineMs: services.kafka === 'started' ? deadlines.kafkaMs : reuseMs,
          probe: () => kafkaAnswers(brokers),
        });
        if (services.kafka === 'started' || state.kafka?.ready !== true) {
          // A fresh broker refuses the first transactional sendOffsets (NOT_COORDINATOR) until its
          // internal topics exist; the warm-up absorbs that here, so tests never see it.
          try {
            const warm = await warmUpTransactions(brokers, deadlines.warmUpMs);
            log(`kafka answers (${(ms / 1000).toFixed(1)} s), transactions warmed up (${warm.attempts} attempt(s), ${(warm.elapsedMs / 1000).toFixed(1)} s)`);
          } catch (error) {
            throw new StreamscoreError('ERR_STACK_START_TIMEOUT', `kafka (pid ${kafkaPid}) answers but ${(error as Error).message}; see ${paths.kafkaLog}`, { cause: error });
          }
        }
      })(),
      (async () => {
        const ms = await waitUntilReady({
          service: 'registry',
          pid: registryPid,
          logFile: paths.registryLog,
          deadlineMs: services.registry === 'started' ? deadlines.registryMs : reuseMs,
          probe: () => probeRegistry(state.ports.registry),
        });
        if (services.registry === 'started') log(`registry answers (${(ms / 1000).toFixed(1)} s)`);
        const ports = listeningPorts(registryPid);
        const expected = [state.ports.registry, state.ports.registryManagement];
        const unexpected = ports?.filter((port) => !expected.includes(port)) ?? [];
        if (unexpected.length > 0) {
          throw new StreamscoreError(
            'ERR_STACK_START_TIMEOUT',
            `registry (pid ${registryPid}) listens on unexpected port(s) ${unexpected.join(', ')} besides ${expected.join(', ')}; see ${paths.registryLog}`,
          );
        }
      })(),
    ];
    // Fail fast: the first failure stops everything this call started, without waiting for the other.
    await Promise.all(waits);
  } catch (error) {
    for (const pid of startedPids) {
      log(`stopping pid ${pid}, started by this call`);
      await stopProcess(pid).catch(() => undefined);
    }
    // The other wait ends quickly now that its process is gone; let it, so nothing outlives this call.
    await Promise.allSettled(waits);
    if (startedPids.length > 0) {
      const after = readState(paths.state);
      if (after !== undefined) {
        if (after.kafka !== undefined && startedPids.includes(after.kafka.pid)) delete after.kafka;
        if (after.registry !== undefined && startedPids.includes(after.registry.pid)) delete after.registry;
        writeState(paths.state, after);
      }
    }
    throw error;
  }

  const startedNow = services.kafka === 'started' || services.registry === 'started';
  const latest = readState(paths.state) ?? state;
  if (latest.kafka !== undefined) latest.kafka.ready = true;
  if (latest.registry !== undefined) latest.registry.ready = true;
  if (options.lease === true) {
    latest.leases = [...new Set([...latest.leases.filter(isAlive), process.pid])];
    // Started whole by a leasing program: the last release stops it. Partly reused: keep the owner.
    if (services.kafka === 'started' && services.registry === 'started') latest.startedForLeases = true;
  } else {
    // A person asked for the stack: it stays up until a person says `down`.
    latest.startedForLeases = false;
  }
  writeState(paths.state, latest);
  writeFileSync(paths.env, `KAFKA_BROKERS=${brokers.join(',')}\nSCHEMA_REGISTRY_URL=${result.registryUrl}\n`);
  return { ...result, startedNow, services, elapsedMs: Date.now() - started, warnings };
}

/**
 * Starts the local stack (Kafka + schema registry as processes, DESIGN.md §5), or reuses it when the
 * recorded processes still run and answer. Resolves once Kafka answers metadata and has committed a
 * warm-up transaction, and the registry answers `GET /subjects`.
 */
export async function stackUp(options: StackUpOptions = {}): Promise<StackUpResult> {
  const paths = stackPaths(options.stackDir, options.cacheDir);
  return withStackLock(paths.lock, () => bringUp(paths, options));
}
