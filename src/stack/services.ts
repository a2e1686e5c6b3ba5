import type { StackPaths } from './paths.js';
import { STACK_HOST, type StackPorts } from './ports.js';
import { isOurProcess, processMarker } from './processes.js';
import { registryUrl } from './registry-process.js';
import type { ServiceName, StackState } from './state.js';

/** Where a service answers and logs, derived from the paths and ports. */
export interface ServiceEndpoint {
  name: ServiceName;
  endpoint: string;
  logFile: string;
}

export function serviceEndpoint(name: ServiceName, paths: StackPaths, ports: StackPorts): ServiceEndpoint {
  return name === 'kafka'
    ? { name, endpoint: `${STACK_HOST}:${ports.kafka}`, logFile: paths.kafkaLog }
    : { name, endpoint: registryUrl(ports.registry), logFile: paths.registryLog };
}

/** The recorded pid of `name` when that process still runs and is ours; otherwise undefined. */
export function runningPid(name: ServiceName, paths: StackPaths, state: StackState | undefined): number | undefined {
  const pid = state?.[name]?.pid;
  return isOurProcess(pid, processMarker(name, paths.root)) ? pid : undefined;
}
