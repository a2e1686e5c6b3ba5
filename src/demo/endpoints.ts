/**
 * Where the demo's Kafka and schema registry come from: explicit KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL win (DESIGN.md §5); otherwise the local stack is started (or reused) with a
 * lease, and released at the end, which stops it only if the demo started it and nobody else uses it.
 */
import { stackRelease, stackUp } from '../stack/index.js';

export interface DemoEndpoints {
  brokers: string[];
  registryUrl: string;
  source: 'env' | 'local-stack';
  /** Whether this call started a stack server (false when it was already running). */
  startedStack: boolean;
  /** Gives the stack lease back; a line saying what happened, for the log. */
  release(): Promise<string>;
}

export async function resolveEndpoints(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<DemoEndpoints> {
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  const registryUrl = (env.SCHEMA_REGISTRY_URL ?? '').trim();
  if (brokers.length > 0 && registryUrl !== '') {
    return { brokers, registryUrl, source: 'env', startedStack: false, release: async () => 'endpoints from the environment: nothing to release' };
  }
  if (brokers.length > 0 || registryUrl !== '') {
    log(`only one of KAFKA_BROKERS and SCHEMA_REGISTRY_URL is set; using the local stack for both`);
  }
  log('starting the local stack (Kafka and the schema registry as local processes; the first start downloads them)');
  const up = await stackUp({ lease: true, log: (line) => log(`stack: ${line}`) });
  log(`local stack ${up.startedNow ? 'started' : 'reused'} in ${(up.elapsedMs / 1000).toFixed(1)} s: ${up.brokers.join(',')}, ${up.registryUrl}`);
  return {
    brokers: up.brokers,
    registryUrl: up.registryUrl,
    source: 'local-stack',
    startedStack: up.startedNow,
    async release() {
      const result = await stackRelease();
      return result.stopped ? 'local stack stopped' : `local stack left running: ${result.reason ?? 'still in use'}`;
    },
  };
}
