import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { StreamscoreError } from '../errors.js';
import { KAFKA_MIN_JAVA, KAFKA_VERSION, REGISTRY_MIN_JAVA, REGISTRY_VERSION } from './versions.js';

const run = promisify(execFile);

/** A Java runtime found on this machine. */
export interface JavaRuntime {
  path: string;
  major: number;
}

/** Returns the absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Parses the major version out of `java -version` output:
 * `openjdk version "17.0.15" 2025-04-15`, `openjdk version "25" 2025-09-16`, `java version "1.8.0_412"`.
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

async function javaMajor(path: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await run(path, ['-version'], { timeout: 15_000 });
    return parseJavaMajor(`${stderr}\n${stdout}`);
  } catch {
    return undefined;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The Java candidates in the order they are tried: an explicit variable, JAVA_HOME, PATH, /usr/lib/jvm. */
function javaCandidates(explicitVariable?: string): { path: string; from: string }[] {
  const candidates: { path: string; from: string }[] = [];
  const explicit = explicitVariable === undefined ? undefined : process.env[explicitVariable];
  if (explicit !== undefined && explicit !== '') candidates.push({ path: explicit, from: `$${explicitVariable}` });
  const javaHome = process.env.JAVA_HOME;
  if (javaHome !== undefined && javaHome !== '') candidates.push({ path: join(javaHome, 'bin', 'java'), from: '$JAVA_HOME' });
  const onPath = findOnPath('java');
  if (onPath !== undefined) candidates.push({ path: onPath, from: 'PATH' });
  try {
    for (const entry of readdirSync('/usr/lib/jvm').sort()) {
      candidates.push({ path: join('/usr/lib/jvm', entry, 'bin', 'java'), from: '/usr/lib/jvm' });
    }
  } catch {
    // no /usr/lib/jvm on this machine
  }
  return candidates;
}

/**
 * Finds the first Java runtime whose major version is at least `minMajor`.
 * When `explicitVariable` is set in the environment it must point at a suitable java: no fallback hides a typo.
 */
export async function findJava(minMajor: number, purpose: string, explicitVariable?: string): Promise<JavaRuntime> {
  const seen: string[] = [];
  const checked = new Set<string>();
  for (const candidate of javaCandidates(explicitVariable)) {
    const real = realPath(candidate.path);
    if (checked.has(real)) continue;
    checked.add(real);
    const major = await javaMajor(candidate.path);
    if (major !== undefined && major >= minMajor) return { path: candidate.path, major };
    seen.push(`${candidate.path} (${major === undefined ? 'not runnable' : `Java ${major}`})`);
    if (candidate.from.startsWith('$STREAMSCORE')) {
      throw new StreamscoreError(
        'ERR_STACK_JAVA_MISSING',
        `${candidate.from}=${candidate.path} is ${major === undefined ? 'not a runnable java' : `Java ${major}`}, but ${purpose} needs Java ${minMajor}+; point it at a Java ${minMajor}+ bin/java or unset it`,
      );
    }
  }
  const found = seen.length === 0 ? 'no java found' : `found only ${seen.join(', ')}`;
  throw new StreamscoreError(
    'ERR_STACK_JAVA_MISSING',
    `${purpose} needs Java ${minMajor}+ (${found}); install a JDK ${minMajor}+ (e.g. Temurin) and set JAVA_HOME${explicitVariable === undefined ? '' : ` or ${explicitVariable}`} to it`,
  );
}

/** The Java runtimes the two servers use. */
export interface StackJava {
  kafka: JavaRuntime;
  registry: JavaRuntime;
}

export async function findStackJava(): Promise<StackJava> {
  const kafka = await findJava(KAFKA_MIN_JAVA, `Kafka ${KAFKA_VERSION}`, 'STREAMSCORE_KAFKA_JAVA');
  const registry = await findJava(REGISTRY_MIN_JAVA, `Apicurio Registry ${REGISTRY_VERSION}`, 'STREAMSCORE_REGISTRY_JAVA');
  return { kafka, registry };
}

/** mvn is only needed while an artifact is missing from the cache; then it must be on PATH. */
export function requireMaven(): string {
  const mvn = findOnPath('mvn');
  if (mvn === undefined) {
    throw new StreamscoreError(
      'ERR_STACK_MAVEN_MISSING',
      'the local stack fetches Kafka and the registry from Maven Central with mvn, which is not on the PATH; install Maven (e.g. apt-get install maven)',
    );
  }
  return mvn;
}
