import { probeKafkaMetadata } from '../kafka/kafkajs/admin-probe.js';
import { stackPaths } from './paths.js';
import { STACK_HOST } from './ports.js';
import { listeningPorts } from './processes.js';
import { probeRegistry } from './registry-process.js';
import { runningPid, serviceEndpoint } from './services.js';
import { readState, SERVICE_NAMES, type ServiceName } from './state.js';

/** One service as `status` reports it. */
export interface ServiceStatus {
  name: ServiceName;
  /** The recorded process runs and is ours. */
  running: boolean;
  /** It also answers (Kafka: metadata; registry: GET /subjects). */
  answering: boolean;
  pid?: number;
  endpoint?: string;
  logFile: string;
  /** TCP ports the process listens on (Linux), to show nothing else is open. */
  listening?: number[];
}

/** What {@link stackStatus} returns. */
export interface StackStatus {
  /** Both services run and answer. */
  up: boolean;
  stackDir: string;
  services: ServiceStatus[];
}

async function answers(name: ServiceName, port: number): Promise<boolean> {
  try {
    if (name === 'registry') return await probeRegistry(port);
    return (await probeKafkaMetadata([`${STACK_HOST}:${port}`])).brokerCount > 0;
  } catch {
    return false;
  }
}

/** Reports each service: running or not, pid, endpoint, log file. Takes no lock and changes nothing. */
export async function stackStatus(options: { stackDir?: string } = {}): Promise<StackStatus> {
  const paths = stackPaths(options.stackDir);
  const state = readState(paths.state);
  const services = await Promise.all(
    SERVICE_NAMES.map(async (name): Promise<ServiceStatus> => {
      const logFile = name === 'kafka' ? paths.kafkaLog : paths.registryLog;
      if (state === undefined) return { name, running: false, answering: false, logFile };
      const { endpoint } = serviceEndpoint(name, paths, state.ports);
      const pid = runningPid(name, paths, state);
      if (pid === undefined) return { name, running: false, answering: false, endpoint, logFile };
      const port = name === 'kafka' ? state.ports.kafka : state.ports.registry;
      return { name, running: true, answering: await answers(name, port), pid, endpoint, logFile, listening: listeningPorts(pid) };
    }),
  );
  return { up: services.every((service) => service.running && service.answering), stackDir: paths.root, services };
}
