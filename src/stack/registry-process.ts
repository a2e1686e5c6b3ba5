import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StreamscoreError } from '../errors.js';
import type { StackPaths } from './paths.js';
import { STACK_HOST } from './ports.js';
import { processMarker, spawnDetached } from './processes.js';
import { REGISTRY_CCOMPAT_PATH } from './versions.js';

/** The Confluent-compatible base URL that clients (and SCHEMA_REGISTRY_URL) use. */
export function registryUrl(port: number): string {
  return `http://${STACK_HOST}:${port}${REGISTRY_CCOMPAT_PATH}`;
}

/**
 * The JDBC URL of the registry's H2 file database. Apicurio's own default is `jdbc:h2:mem:…`: every
 * schema, and the id counter, gone at each restart, while Kafka keeps the records that name those ids;
 * the next registrations then reuse ids 1, 2, … and old records decode with the wrong schema.
 * `WRITE_DELAY=0`: H2 otherwise writes a commit to the file up to 500 ms later, and a registry killed
 * (kill -9, a crash) within that time loses a schema whose id it has already handed out; measured:
 * without it, 1 to 4 of 5 schemas registered just before a kill -9 were gone after the restart.
 * H2's URL syntax has no quoting: a `;` in the path would start a setting, so such a path is refused.
 */
export function registryDatasourceUrl(paths: StackPaths): string {
  if (paths.registryDb.includes(';')) {
    throw new StreamscoreError('ERR_STACK_DIR_UNUSABLE', `the registry's database path ${paths.registryDb} contains ";", which H2's JDBC URL cannot carry; set STREAMSCORE_STACK_DIR to a folder without it`);
  }
  return `jdbc:h2:file:${paths.registryDb};WRITE_DELAY=0`;
}

/** True once the registry has created its database file (H2's MVStore: `<name>.mv.db`). */
export function hasRegistryDatabase(paths: StackPaths): boolean {
  return existsSync(`${paths.registryDb}.mv.db`);
}

/**
 * Starts Apicurio Registry (Quarkus fast-jar) detached; returns its pid.
 * - Storage: SQL on an H2 file under `.stack/data/` ({@link registryDatasourceUrl}), so schemas and their
 *   ids live exactly as long as Kafka's data: `down` keeps both, `down --wipe` and `up --fresh` delete both.
 *   Apicurio's `kafkasql` storage (the schemas in a topic of the same broker) would tie them by
 *   construction, but it answered after 17–29 s (6.7–10 s with a 100 ms journal poll timeout) against
 *   4.0–4.9 s for the H2 file, and only once Kafka is up (docs/local-stack.md "Schemas").
 * - Quarkus' management interface would listen on 0.0.0.0:9000, outside loopback and on a fixed port
 *   that a second registry collides on. Apicurio's build fixes `quarkus.management.enabled=true`
 *   (setting it false at run time only logs a warning), so it is moved to a free loopback port.
 */
export function startRegistry(paths: StackPaths, java: string, jar: string, ports: { http: number; management: number }): number {
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.registryWorkDir, { recursive: true });
  mkdirSync(dirname(paths.registryDb), { recursive: true });
  const datasourceUrl = registryDatasourceUrl(paths);
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
    '-Dapicurio.storage.kind=sql',
    '-Dapicurio.storage.sql.kind=h2',
    `-Dapicurio.datasource.url=${datasourceUrl}`,
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
