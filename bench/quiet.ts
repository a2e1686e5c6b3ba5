import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchEnvironment } from './environment.js';
import { QUIET_CORES } from './options.js';
import { processCpuSeconds, systemBusySeconds } from './process-cpu.js';

/**
 * CPU cores used over `sampleMs` by everything except the broker and the registry (between
 * cases the bench itself is idle): other people's tests, builds, demos on a shared machine.
 */
async function foreignCores(env: BenchEnvironment, sampleMs: number): Promise<number | undefined> {
  const stack = (): number | undefined => {
    const kafka = processCpuSeconds(env.kafkaPid);
    const registry = processCpuSeconds(env.registryPid);
    return kafka === undefined ? undefined : kafka + (registry ?? 0);
  };
  const busy0 = systemBusySeconds();
  const stack0 = stack();
  await sleep(sampleMs);
  const busy1 = systemBusySeconds();
  const stack1 = stack();
  if (busy0 === undefined || busy1 === undefined) return undefined;
  return Math.max(0, busy1 - busy0 - (stack1 !== undefined && stack0 !== undefined ? stack1 - stack0 : 0)) / (sampleMs / 1000);
}

/**
 * Waits, up to `maxWaitS`, until the machine is quiet before a case starts, so that a run on a
 * shared 2-core machine measures the case and not a neighbour's test suite. Never fails: after
 * the wait the case runs anyway, and its foreign load is in the results.
 */
export async function waitForQuiet(env: BenchEnvironment, maxWaitS: number, log: (line: string) => void): Promise<void> {
  if (maxWaitS <= 0) return;
  const deadline = Date.now() + maxWaitS * 1000;
  let reported = false;
  for (;;) {
    const foreign = await foreignCores(env, 2_000);
    if (foreign === undefined || foreign < QUIET_CORES) return;
    if (Date.now() > deadline) {
      log(`  the machine is still busy (${foreign.toFixed(2)} cores of other work) after ${maxWaitS} s: running anyway`);
      return;
    }
    if (!reported) log(`  waiting for other work to stop (${foreign.toFixed(2)} cores busy outside the stack)`);
    reported = true;
  }
}
