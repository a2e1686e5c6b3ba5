import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every file the local stack reads or writes, derived from one folder. */
export interface StackPaths {
  /** The stack folder: $STREAMSCORE_STACK_DIR, else `<repo root>/.stack` (git-ignored). */
  root: string;
  /** The repository root (holds package.json and scripts/stack/pom.xml). */
  repoRoot: string;
  pom: string;
  /** Artifacts that survive `--fresh` and `down --wipe`: the unpacked registry, the Kafka classpath. */
  cache: string;
  logs: string;
  /** Server data; wiped by `--fresh` and `down --wipe`. */
  data: string;
  kafkaData: string;
  kafkaConfigDir: string;
  /** The registry's working and temporary folder (its java.io.tmpdir). */
  registryWorkDir: string;
  /**
   * The registry's database, an H2 file (`<this>.mv.db`): the schemas and their ids. Under `data/`
   * like Kafka's log dirs, so the two live and are wiped together (docs/local-stack.md "Schemas").
   */
  registryDb: string;
  kafkaLog: string;
  registryLog: string;
  state: string;
  lock: string;
  /** `KAFKA_BROKERS=…` / `SCHEMA_REGISTRY_URL=…`, for `source .stack/env` or tools. */
  env: string;
}

/** Walks up from this module (dist/src/stack or src/stack) to the folder holding package.json. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'stack', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the streamscore repository root above ${start}`);
    dir = parent;
  }
}

/** The paths of the stack in `stackDir` (default $STREAMSCORE_STACK_DIR, else `<repo>/.stack`); `cacheDir` defaults to its `cache/`. */
export function stackPaths(stackDir?: string, cacheDir?: string): StackPaths {
  const repoRoot = findRepoRoot();
  const root = resolve(stackDir ?? process.env.STREAMSCORE_STACK_DIR ?? join(repoRoot, '.stack'));
  const data = join(root, 'data');
  const logs = join(root, 'logs');
  return {
    root,
    repoRoot,
    pom: join(repoRoot, 'scripts', 'stack', 'pom.xml'),
    cache: cacheDir === undefined ? join(root, 'cache') : resolve(cacheDir),
    logs,
    data,
    kafkaData: join(data, 'kafka'),
    kafkaConfigDir: join(root, 'config'),
    registryWorkDir: join(data, 'registry'),
    registryDb: join(data, 'registry-db', 'registry'),
    kafkaLog: join(logs, 'kafka.log'),
    registryLog: join(logs, 'registry.log'),
    state: join(root, 'state.json'),
    lock: join(root, 'lock'),
    env: join(root, 'env'),
  };
}
