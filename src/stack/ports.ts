import { createServer } from 'node:net';
import { StreamscoreError } from '../errors.js';

/** The loopback address every stack server binds to; nothing listens on other interfaces. */
export const STACK_HOST = '127.0.0.1';

/** The ports of one stack; chosen once, remembered in state.json, reused by every later `up`. */
export interface StackPorts {
  kafka: number;
  controller: number;
  registry: number;
  /**
   * Quarkus' management interface (health, metrics) of the registry. Apicurio's build fixes
   * `quarkus.management.enabled=true`, so it cannot be turned off at run time; it is moved from its
   * default 0.0.0.0:9000 (a fixed port on every interface) to a free loopback port instead.
   */
  registryManagement: number;
}

/** Resolves true when `port` can be bound on 127.0.0.1 right now. */
export function isPortFree(port: number, host: string = STACK_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Asks the OS for a port that is free now (bind to port 0, read it back, close). */
export function freePort(host: string = STACK_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}

/** Three distinct free ports, unless some are given. */
export async function choosePorts(given: Partial<StackPorts> = {}): Promise<StackPorts> {
  const taken = new Set<number>(Object.values(given).filter((port): port is number => port !== undefined));
  const pick = async (explicit: number | undefined): Promise<number> => {
    if (explicit !== undefined) return explicit;
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  return {
    kafka: await pick(given.kafka),
    controller: await pick(given.controller),
    registry: await pick(given.registry),
    registryManagement: await pick(given.registryManagement),
  };
}

/** Fails with ERR_STACK_PORT_IN_USE naming the service and what to do, when a port cannot be bound. */
export async function requirePortFree(port: number, service: string, hint: string): Promise<void> {
  if (await isPortFree(port)) return;
  throw new StreamscoreError('ERR_STACK_PORT_IN_USE', `port ${port} (${service}) on ${STACK_HOST} is in use by another process; ${hint}`);
}
