/**
 * README.md's "Running it" block, run as a user pastes it into a shell: the same lines, in order, in one
 * bash with job control on (as in an interactive shell, so `… &` and `kill %1` mean what they mean there),
 * from the repository root, through `npx streamscore`. What differs, and why:
 * - `npm run stack -- up`, `set -a; . .stack/env; set +a` and `npm run stack -- down` are left out: the
 *   test run already has its broker and registry (KAFKA_BROKERS / SCHEMA_REGISTRY_URL in the environment),
 *   and must not start or stop a stack others use;
 * - `config/iot-anomaly.yaml` is a copy with topics and appId of this test's own (fresh names) and no
 *   metrics port; `generate` gets `--topic` for that copy's input and 4,000 records instead of 100,000;
 *   `run.log` goes to a temporary folder.
 * The block must keep the shape below (one pattern per line): change the README and this list together.
 * Checks: every line succeeds, `tail` prints 5 predictions of this run's records, `run` stops cleanly on
 * `kill %1`, and the backfill scores the whole range.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { uniqueName, waitFor } from '../../support/environment.js';
import { deleteGroups, deleteTopics, readTopic } from '../../support/kafka-fixtures.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

const README = path.resolve('README.md');
const SHIPPED_CONFIG = 'config/iot-anomaly.yaml';
const RECORDS = 4_000;
/** A loaded 2-core machine: npx, generate, a run, a backfill. */
const SCRIPT_DEADLINE_MS = 8 * 60_000;

/** The block's lines (comments and blank lines dropped) and what the test does with each. */
const EXPECTED: { line: RegExp; skip?: string }[] = [
  { line: /^npm run stack -- up$/, skip: 'the test run has its stack' },
  { line: /^set -a; \. \.stack\/env; set \+a$/, skip: 'the endpoints are in the environment already' },
  { line: /^npx streamscore check --config config\/iot-anomaly\.yaml$/ },
  { line: /^npx streamscore topics --config config\/iot-anomaly\.yaml --create$/ },
  { line: /^npx streamscore generate iot --count 100000$/ },
  { line: /^npx streamscore run --config config\/iot-anomaly\.yaml > run\.log 2>&1 &$/ },
  { line: /^npx streamscore tail --config config\/iot-anomaly\.yaml --max 5$/ },
  { line: /^kill %1$/ },
  { line: /^npx streamscore backfill --config config\/iot-anomaly\.yaml --from \S+ --to latest --plan$/ },
  { line: /^npx streamscore backfill --config config\/iot-anomaly\.yaml --from \S+ --to latest$/ },
  { line: /^npm run stack -- down$/, skip: 'the test run stops its own stack' },
];

/** The first sh block under "## Running it", one command per line, comments stripped. */
function runningItLines(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Running it'));
  assert.ok(section, 'README.md has a "## Running it" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the "Running it" section has a ```sh block');
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/** Pids of live processes whose command line contains `marker` (this test's own temporary config path). */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('README "Running it", line by line', () => {
  const env = useTestEnvironment();
  const id = uniqueName('readme');
  const topics = { input: `${id}.readings`, output: `${id}.predictions`, deadLetters: `${id}.dead-letters` };
  let work: string;
  let configFile: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'streamscore-readme-'));
    const config = parse(readFileSync(SHIPPED_CONFIG, 'utf8')) as Record<string, Record<string, unknown> | string>;
    config.appId = id;
    config.input = { ...(config.input as object), topics: [topics.input] };
    config.output = { ...(config.output as object), topic: topics.output, deadLetterTopic: topics.deadLetters };
    config.observability = { ...(config.observability as object), metricsPort: 0 };
    configFile = path.join(work, 'iot-anomaly.yaml');
    writeFileSync(configFile, stringify(config));
  });

  after(async () => {
    if (work === undefined) return;
    // Anything of ours still running (a failed run): by pid, found by this test's unique config path.
    for (const pid of processesWith(configFile)) process.kill(pid, 'SIGKILL');
    await deleteTopics(env.brokers, Object.values(topics));
    await deleteGroups(env.brokers, (group) => group === id || group.startsWith(`${id}.`));
    rmSync(work, { recursive: true, force: true });
  });

  it('has the shape this test follows', () => {
    const lines = runningItLines(readFileSync(README, 'utf8'));
    assert.equal(lines.length, EXPECTED.length, `README "Running it" has ${lines.length} commands:\n${lines.join('\n')}`);
    lines.forEach((line, i) => assert.match(line, EXPECTED[i].line, `line ${i + 1}`));
  });

  it('scores the generated readings and shows predictions', async () => {
    const runLog = path.join(work, 'run.log');
    const script = runningItLines(readFileSync(README, 'utf8'))
      .map((line, i) => {
        if (EXPECTED[i].skip !== undefined) return `# left out: ${line} (${EXPECTED[i].skip})`;
        let out = line.replaceAll(SHIPPED_CONFIG, configFile).replace(/ > run\.log /, ` > ${runLog} `);
        if (/^npx streamscore generate iot /.test(out)) out = out.replace('--count 100000', `--count ${RECORDS}`) + ` --topic ${topics.input}`;
        return out;
      })
      .join('\n');
    // -e: stop at the first line that fails, as a person would. `set -m`: job control, as in an interactive
    // shell (a background job gets a process group of its own, which `kill %1` signals); bash's own -m
    // flag is dropped without a terminal ("no job control in this shell"), the set builtin is not.
    const child = spawn('bash', ['-e', '-c', `set -m\n${script}`], { cwd: path.resolve('.'), env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }, SCRIPT_DEADLINE_MS);
      child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
    });
    const shown = (): string => `script:\n${script}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    assert.equal(exit, 0, `the README lines ran to the end\n${shown()}`);

    assert.match(stdout, /^ok: .* is valid$/m, 'check');
    assert.equal(stdout.split('\n').filter((line) => /\s(created)$/.test(line)).length, 3, `topics --create made three topics\n${shown()}`);
    const predictions = stdout.split('\n').filter((line) => line.startsWith('{"topic":')).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(predictions.length, 5, `tail printed 5 predictions\n${shown()}`);
    for (const p of predictions) {
      assert.equal(p.topic, topics.output);
      assert.equal(p.source_topic, topics.input);
      assert.equal(p.model_name, 'iot-anomaly');
      assert.equal(typeof p.score, 'number');
    }

    // kill %1 reached the node process through its process group: it stopped cleanly, and nothing is left.
    await waitFor(() => processesWith(configFile).length === 0, { timeoutMs: 30_000, what: 'no streamscore process of this test to remain' }).catch((error: Error) => {
      const left = processesWith(configFile).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`);
      throw new Error(`${error.message}; still running:\n${left.join('\n')}\n${shown()}`);
    });
    const log = readFileSync(runLog, 'utf8');
    assert.match(log, /"signal":"SIGTERM".*"msg":"stopping: finishing the window in flight"/, `run got SIGTERM\n${log.slice(-2000)}`);
    assert.match(log, /"finished":true,"msg":"stopped cleanly"/, `run stopped cleanly\n${log.slice(-2000)}`);

    assert.match(stdout, new RegExp(`^  records\\s+${RECORDS.toLocaleString('en-US')}$`, 'm'), `the backfill scored every generated reading\n${shown()}`);
    // Every reading has at least the backfill's prediction (and, for those run scored first, a second).
    const committed = await readTopic(env.brokers, topics.output, 'read_committed');
    assert.ok(committed.length >= RECORDS, `${committed.length} committed predictions, at least ${RECORDS}`);
  });
});
