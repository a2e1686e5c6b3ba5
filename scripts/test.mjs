#!/usr/bin/env node
/**
 * `npm test` (after `npm run build`): runs every compiled test, unit and integration, in one
 * `node --test` child with the spec reporter, against ONE broker and registry resolved here:
 * explicit KAFKA_BROKERS / SCHEMA_REGISTRY_URL, else Testcontainers where Docker answers, else the local
 * stack (see test/support/environment.ts). The stack is stopped afterwards only if this run started it
 * (also on Ctrl-C or failure). Exit code: the child's.
 *
 *   npm test                                      all tests
 *   npm test -- dist/test/integration/foundation  a folder (test/… and .ts paths work too)
 *   npm test -- transactions                      files whose path contains the word
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distTest = join(repoRoot, 'dist', 'test');

/** Every dist/test/**\/*.test.js whose source test/**\/*.test.ts still exists (dist is never cleaned). */
function compiledTests(dir = distTest) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...compiledTests(path));
    else if (entry.name.endsWith('.test.js')) {
      const source = join(repoRoot, relative(join(repoRoot, 'dist'), path)).replace(/\.js$/, '.ts');
      if (existsSync(source)) found.push(path);
    }
  }
  return found;
}

/** Maps a filter to dist: `test/a/b.test.ts` → `dist/test/a/b.test.js`; folders and files as is. */
function toDistPath(filter) {
  let path = resolve(repoRoot, filter);
  const rel = relative(repoRoot, path);
  if (rel === 'test' || rel.startsWith(`test${sep}`)) path = join(repoRoot, 'dist', rel);
  return path.replace(/\.ts$/, '.js');
}

function selectTests(filters) {
  const all = compiledTests();
  if (filters.length === 0) return all;
  const selected = new Set();
  for (const filter of filters) {
    const path = toDistPath(filter);
    const matches = existsSync(path)
      ? statSync(path).isDirectory()
        ? all.filter((file) => file.startsWith(path + sep))
        : all.filter((file) => file === path)
      : all.filter((file) => relative(repoRoot, file).includes(filter));
    if (matches.length === 0) {
      process.stderr.write(`test.mjs: no compiled test matches "${filter}" (did \`npm run build\` run?)\n`);
      process.exit(1);
    }
    for (const file of matches) selected.add(file);
  }
  return [...selected];
}

const files = selectTests(process.argv.slice(2));
if (files.length === 0) {
  process.stderr.write('test.mjs: no compiled tests under dist/test (run `npm run build` first)\n');
  process.exit(1);
}

/** Unit tests need no broker: the environment is resolved only when an integration test is selected. */
const needsEnvironment = files.some((file) => file.includes(`${sep}integration${sep}`));
let environment;
let stopping;
async function stopEnvironment() {
  if (environment === undefined) return;
  stopping ??= environment.stop().catch((error) => {
    process.stderr.write(`test.mjs: stopping the ${environment.source} environment failed: ${error.message}\n`);
  });
  await stopping;
}

let child;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child !== undefined) {
      interrupted = true;
      child.kill(signal);
    } else if (!interrupted) {
      // Still resolving: exiting now would orphan servers that are starting. Finish, then stop them.
      interrupted = true;
      process.stderr.write('test.mjs: interrupted; stopping once the environment has finished starting (again to quit at once)\n');
    } else {
      process.exit(130);
    }
  });
}

const childEnv = { ...process.env };
if (needsEnvironment) {
  const started = Date.now();
  try {
    const { resolveTestEnvironment } = await import(pathToFileURL(join(distTest, 'support', 'environment.js')).href);
    environment = await resolveTestEnvironment();
  } catch (error) {
    const code = typeof error?.code === 'string' && error.code.startsWith('ERR_') ? ` ${error.code}` : '';
    process.stderr.write(`error${code}: cannot provide Kafka and the schema registry for the integration tests: ${error?.message ?? error}\n`);
    process.exit(1);
  }
  if (interrupted) {
    await stopEnvironment();
    process.exit(130);
  }
  childEnv.KAFKA_BROKERS = environment.brokers.join(',');
  childEnv.SCHEMA_REGISTRY_URL = environment.registryUrl;
  process.stdout.write(
    `test environment: ${environment.source} (${((Date.now() - started) / 1000).toFixed(1)} s) KAFKA_BROKERS=${childEnv.KAFKA_BROKERS} SCHEMA_REGISTRY_URL=${childEnv.SCHEMA_REGISTRY_URL}\n`,
  );
}

// Every test process loads the kafkajs version check and fixes before kafkajs itself, so the few
// tests that use kafkajs directly (to test the broker or the patches) judge with the same, correct
// read_committed filter. streamscore's own modules load them by structure (src/kafka/kafkajs/patches.ts).
const fix = pathToFileURL(join(repoRoot, 'dist', 'src', 'kafka', 'kafkajs', 'patches.js')).href;
childEnv.NODE_OPTIONS = `${childEnv.NODE_OPTIONS ?? ''} --import=${fix}`.trim();

const args = ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files.map((file) => relative(repoRoot, file))];
const code = await new Promise((resolveCode) => {
  child = spawn(process.execPath, args, { cwd: repoRoot, env: childEnv, stdio: 'inherit' });
  child.on('error', (error) => {
    process.stderr.write(`test.mjs: cannot run node --test: ${error.message}\n`);
    resolveCode(1);
  });
  child.on('exit', (exitCode, signal) => resolveCode(exitCode ?? 128 + (constants.signals[signal] ?? 0)));
});
await stopEnvironment();
process.exit(interrupted && code === 0 ? 130 : code);
