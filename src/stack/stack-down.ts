import { rmSync } from 'node:fs';
import { withStackLock } from './lock.js';
import { stackPaths, type StackPaths } from './paths.js';
import { isAlive, stopProcess, type StopOutcome } from './processes.js';
import { runningPid } from './services.js';
import { readState, SERVICE_NAMES, writeState, type ServiceName } from './state.js';

/** Options of {@link stackDown} and {@link stackRelease}. */
export interface StackDownOptions {
  /** Also delete the data (Kafka's log dirs, the registry's work folder), the logs and state.json. */
  wipe?: boolean;
  stackDir?: string;
  log?: (line: string) => void;
}

/** What {@link stackDown} did. */
export interface StackDownResult {
  /** Per service: what stopping it took. */
  services: Record<ServiceName, StopOutcome>;
  wiped: boolean;
}

/** Stops exactly the recorded pids that are still ours; other processes are never signalled. */
async function stopRecorded(paths: StackPaths, options: StackDownOptions): Promise<StackDownResult> {
  const log = options.log ?? (() => undefined);
  const state = readState(paths.state);
  const services: Record<ServiceName, StopOutcome> = { kafka: 'not-running', registry: 'not-running' };
  // Stop both at once: Kafka's controlled shutdown and Quarkus' shutdown each take a few seconds.
  await Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const pid = runningPid(name, paths, state);
      if (pid === undefined) return;
      log(`stopping ${name} (pid ${pid})`);
      services[name] = await stopProcess(pid);
      log(`${name} (pid ${pid}) ${services[name] === 'killed' ? 'did not stop on SIGTERM and was killed' : 'stopped'}`);
    }),
  );
  if (state !== undefined) {
    delete state.kafka;
    delete state.registry;
    state.leases = [];
    state.startedForLeases = false;
    writeState(paths.state, state);
  }
  rmSync(paths.env, { force: true });
  if (options.wipe === true) {
    for (const dir of [paths.data, paths.logs, paths.kafkaConfigDir, paths.state]) rmSync(dir, { recursive: true, force: true });
    log(`wiped ${paths.data}, ${paths.logs} and ${paths.state} (the artifact cache in ${paths.cache} stays)`);
  }
  return { services, wiped: options.wipe === true };
}

/** Stops the local stack's servers (SIGTERM, then SIGKILL after a grace period) and verifies they are gone. */
export async function stackDown(options: StackDownOptions = {}): Promise<StackDownResult> {
  const paths = stackPaths(options.stackDir);
  return withStackLock(paths.lock, () => stopRecorded(paths, options));
}

/** What {@link stackRelease} did. */
export interface StackReleaseResult {
  stopped: boolean;
  /** Why the stack was left running, when it was. */
  reason?: string;
}

/**
 * Gives up this process's lease (taken with `stackUp({ lease: true })`). The stack is stopped only when
 * a leasing program started it and no other live program still holds a lease: two test runs in one
 * checkout share one stack, and the last one out stops it.
 */
export async function stackRelease(options: StackDownOptions = {}): Promise<StackReleaseResult> {
  const paths = stackPaths(options.stackDir);
  return withStackLock(paths.lock, async () => {
    const state = readState(paths.state);
    if (state === undefined) return { stopped: false, reason: 'no stack is recorded' };
    state.leases = state.leases.filter((pid) => pid !== process.pid && isAlive(pid));
    writeState(paths.state, state);
    if (!state.startedForLeases) return { stopped: false, reason: 'the stack was started by a person (`npm run stack -- up`); it stays up' };
    if (state.leases.length > 0) return { stopped: false, reason: `still used by pid ${state.leases.join(', ')}` };
    await stopRecorded(paths, options);
    return { stopped: true };
  });
}
