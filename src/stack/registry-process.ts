import { appendFileSync, mkdirSync } from 'node:fs';
import type { StackPaths } from './paths.js';
import { STACK_HOST } from './ports.js';
import { processMarker, spawnDetached } from './processes.js';
import { REGISTRY_CCOMPAT_PATH } from './versions.js';

/** The Confluent-compatible base URL that clients (and SCHEMA_REGISTRY_URL) use. */
export function registryUrl(port: number): string {
  return `http://${STACK_HOST}:${port}${REGISTRY_CCOMPAT_PATH}`;
}

/**
 * Starts Apicurio Registry (Quarkus fast-jar) detached; returns its pid.
 * - Storage: the default, in memory; schemas are gone after a restart, as with a fresh container.
 * - Quarkus' management interface would listen on 0.0.0.0:9000, outside loopback and on a fixed port
 *   that a second registry collides on. Apicurio's build fixes `quarkus.management.enabled=true`
 *   (setting it false at run time only logs a warning), so it is moved to a free loopback port.
 */
export function startRegistry(paths: StackPaths, java: string, jar: string, ports: { http: number; management: number }): number {
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.registryWorkDir, { recursive: true });
  appendFileSync(paths.registryLog, `[stack] starting Apicurio Registry at ${new Date().toISOString()}\n`);
  const args = [
    processMarker('registry', paths.root),
    '-Xms128m',
    '-Xmx512m',
    '-XX:+ExitOnOutOfMemoryError',
    `-Dquarkus.http.port=${ports.http}`,
    `-Dquarkus.http.host=${STACK_HOST}`,
    `-Dquarkus.management.port=${ports.management}`,
    `-Dquarkus.management.host=${STACK_HOST}`,
    `-Djava.io.tmpdir=${paths.registryWorkDir}`,
    '-jar',
    jar,
  ];
  return spawnDetached(java, args, { cwd: paths.registryWorkDir, logFile: paths.registryLog });
}

/** One `GET <ccompat>/subjects`; true when the registry answers 200 with a JSON array. */
export async function probeRegistry(port: number, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${registryUrl(port)}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 200) return false;
    return Array.isArray(await response.json());
  } catch {
    return false;
  }
}
