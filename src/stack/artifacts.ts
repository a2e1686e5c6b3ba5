import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StreamscoreError } from '../errors.js';
import type { StackPaths } from './paths.js';
import { requireMaven } from './prerequisites.js';
import { KAFKA_VERSION, REGISTRY_ARTIFACT, REGISTRY_VERSION } from './versions.js';

const run = promisify(execFile);

/** Maven's first fetch of ~250 MB may be slow; a stuck download must still end. */
const MAVEN_TIMEOUT_MS = 20 * 60_000;

/** What `up` reports about the artifacts: fetched now, or found in the cache. */
export interface Artifacts {
  kafkaClasspath: string;
  registryJar: string;
  fetched: string[];
}

async function runMaven(args: string[], what: string): Promise<void> {
  const mvn = requireMaven();
  try {
    await run(mvn, ['-q', '-B', ...args], { timeout: MAVEN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = error instanceof Error && 'stdout' in error ? `${String(error.stdout)}${String((error as { stderr?: unknown }).stderr ?? '')}` : '';
    const lastLine = output.trim().split('\n').filter((line) => line.includes('ERROR')).at(0) ?? output.trim().split('\n').at(-1) ?? '';
    throw new StreamscoreError('ERR_STACK_DOWNLOAD_FAILED', `mvn could not fetch ${what}: ${lastLine.trim() || String(error)}`, { cause: error });
  }
}

/**
 * The Kafka broker's classpath, resolved by Maven from scripts/stack/pom.xml.
 * Cached as a file keyed by the pom's content; reused while every jar in it still exists (in ~/.m2),
 * so a warm machine starts without running mvn at all. `version` other than the pinned one is for
 * tests that show what the pin protects against (STREAMSCORE_TEST_KAFKA_VERSION in test/support/private-kafka.ts).
 */
export async function ensureKafkaClasspath(paths: StackPaths, fetched: string[], version: string = KAFKA_VERSION): Promise<string> {
  const pomHash = createHash('sha256').update(readFileSync(paths.pom)).update(version).digest('hex').slice(0, 12);
  const cacheFile = join(paths.cache, `kafka-${version}-${pomHash}.classpath`);
  if (existsSync(cacheFile)) {
    const classpath = readFileSync(cacheFile, 'utf8').trim();
    if (classpath !== '' && classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  mkdirSync(paths.cache, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await runMaven(
    ['-f', paths.pom, `-Dkafka.version=${version}`, 'dependency:build-classpath', `-Dmdep.outputFile=${tmp}`],
    `Kafka ${version}`,
  );
  const classpath = readFileSync(tmp, 'utf8').trim();
  if (!classpath.split(':').some((jar) => jar.includes(`kafka_2.13-${version}.jar`))) {
    throw new StreamscoreError('ERR_STACK_DOWNLOAD_FAILED', `mvn resolved a Kafka classpath without kafka_2.13-${version}.jar (see ${tmp})`);
  }
  renameSync(tmp, cacheFile);
  fetched.push(`Kafka ${version} classpath (${classpath.split(':').length} jars)`);
  return classpath;
}

/**
 * The unpacked Apicurio Registry distribution: `<cache>/apicurio-registry-<version>/quarkus-run.jar`.
 * Maven copies the tar.gz out of ~/.m2 (downloading it first if needed); it is unpacked beside,
 * then renamed into place so that a half-unpacked folder is never taken for a good one.
 */
export async function ensureRegistryDistribution(paths: StackPaths, fetched: string[]): Promise<string> {
  const home = join(paths.cache, `apicurio-registry-${REGISTRY_VERSION}`);
  const jar = join(home, 'quarkus-run.jar');
  if (existsSync(jar)) return jar;
  const work = `${home}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    await runMaven(
      ['-f', paths.pom, 'dependency:copy', `-Dartifact=${REGISTRY_ARTIFACT}`, `-DoutputDirectory=${work}`, '-Dmdep.overWriteReleases=true'],
      `Apicurio Registry ${REGISTRY_VERSION}`,
    );
    const archive = readdirSync(work).find((name) => name.endsWith('.tar.gz'));
    if (archive === undefined) throw new StreamscoreError('ERR_STACK_DOWNLOAD_FAILED', `mvn copied no tar.gz for ${REGISTRY_ARTIFACT}`);
    const unpacked = join(work, 'dist');
    mkdirSync(unpacked);
    try {
      await run('tar', ['xzf', join(work, archive), '-C', unpacked], { timeout: 5 * 60_000 });
    } catch (error) {
      throw new StreamscoreError('ERR_STACK_DOWNLOAD_FAILED', `cannot unpack ${archive} with tar: ${String(error)}`, { cause: error });
    }
    if (!existsSync(join(unpacked, 'quarkus-run.jar'))) {
      throw new StreamscoreError('ERR_STACK_DOWNLOAD_FAILED', `${archive} holds no quarkus-run.jar at its top level`);
    }
    rmSync(home, { recursive: true, force: true });
    renameSync(unpacked, home);
    writeFileSync(join(home, 'ARTIFACT'), `${REGISTRY_ARTIFACT}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  fetched.push(`Apicurio Registry ${REGISTRY_VERSION}`);
  return jar;
}

export async function ensureArtifacts(paths: StackPaths): Promise<Artifacts> {
  const fetched: string[] = [];
  const kafkaClasspath = await ensureKafkaClasspath(paths, fetched);
  const registryJar = await ensureRegistryDistribution(paths, fetched);
  return { kafkaClasspath, registryJar, fetched };
}
