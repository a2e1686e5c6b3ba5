import { stackPaths, stackRelease, stackStatus, stackUp } from '../src/stack/index.js';

/** Where the benchmark runs: explicit endpoints, or the local stack (DESIGN.md §5). */
export interface BenchEnvironment {
  brokers: string[];
  registryUrl: string;
  source: 'env' | 'local-stack';
  /** The broker's pid, when it runs on this machine as the local stack (for its CPU time). */
  kafkaPid?: number;
  registryPid?: number;
  repoRoot: string;
  /** Gives up the stack lease; a stack someone started by hand is never stopped. */
  release(): Promise<void>;
}

/**
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL win when both are set; otherwise the local stack is
 * used (started if needed) under a lease, so that the bench stops it afterwards only if it
 * started it itself and nobody else uses it.
 */
export async function resolveEnvironment(log: (line: string) => void): Promise<BenchEnvironment> {
  const repoRoot = stackPaths().repoRoot;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';
  if (brokers.length && registryUrl) {
    log(`using KAFKA_BROKERS=${brokers.join(',')} SCHEMA_REGISTRY_URL=${registryUrl}`);
    return { brokers, registryUrl, source: 'env', repoRoot, release: async () => undefined };
  }
  const stack = await stackUp({ lease: true, log });
  const status = await stackStatus();
  const kafkaPid = status.services.find((s) => s.name === 'kafka')?.pid;
  const registryPid = status.services.find((s) => s.name === 'registry')?.pid;
  log(`using the local stack (${stack.startedNow ? 'started now' : 'already running'}): ${stack.brokers.join(',')}, ${stack.registryUrl}`);
  return {
    brokers: stack.brokers, registryUrl: stack.registryUrl, source: 'local-stack', kafkaPid, registryPid, repoRoot,
    release: async () => { await stackRelease(); },
  };
}
