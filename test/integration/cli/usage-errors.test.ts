import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { READING_SCHEMA, tinyConfig } from '../../support/pipeline-config.js';
import { CLI, writeConfig } from '../../support/streamscore-process.js';

// Endpoints nobody listens on: a refused command line must be refused before any connection attempt.
const unreachable = { KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '' };

function streamscore(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...unreachable } });
  return { status: result.status, stderr: result.stderr };
}

/** One refusal of commander's own per command with options, and one with none at all. */
const commanderRefusals: { name: string; args: string[]; message: RegExp }[] = [
  { name: 'run without its required --config', args: ['run'], message: /^error: required option '-c, --config <file>' not specified$/m },
  { name: 'check with an unknown option', args: ['check', '--config', 'x.yaml', '--bogus'], message: /^error: unknown option '--bogus'$/m },
  { name: 'generate with a bad --count', args: ['generate', 'iot', '--count', 'x'], message: /^error: option '-n, --count <n>' argument 'x' is invalid\. expected a whole number ≥ 0, got "x"$/m },
  { name: 'generate without its scenario', args: ['generate'], message: /^error: missing required argument 'scenario'$/m },
  { name: 'backfill with a bad --window-records', args: ['backfill', '--config', 'x.yaml', '--from', 'earliest', '--to', 'latest', '--window-records', '0'], message: /^error: option '--window-records <n>' argument '0' is invalid\. expected a whole number ≥ 1, got "0"$/m },
  { name: 'demo with a --scenario it does not have', args: ['demo', '--scenario', 'nope'], message: /^error: option '--scenario <name>' argument 'nope' is invalid\. Allowed choices are both, iot, fraud\.$/m },
  { name: 'topics with a bad --partitions', args: ['topics', '--config', 'x.yaml', '--partitions', '0'], message: /^error: option '--partitions <n>' argument '0' is invalid\. expected a whole number ≥ 1, got "0"$/m },
  { name: 'tail with a bad --max', args: ['tail', '--config', 'x.yaml', '--max', 'x'], message: /^error: option '-n, --max <n>' argument 'x' is invalid\. expected a whole number ≥ 0, got "x"$/m },
  { name: 'an unknown command', args: ['nope'], message: /^error: unknown command 'nope'$/m },
];

describe('command lines the parser refuses exit 2 with its message', () => {
  for (const r of commanderRefusals) {
    it(`refuses ${r.name}`, () => {
      const result = streamscore(r.args);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, r.message);
    });
  }

  it('help still exits 0', () => {
    for (const args of [['--help'], ['backfill', '--help']]) assert.equal(streamscore(args).status, 0, args.join(' '));
  });
});

describe('backfill usage refusals: ERR_BACKFILL_USAGE, exit 2, before connecting', () => {
  const config = (extra?: object) => writeConfig(tinyConfig({ appId: 'usage', input: 'in', output: 'out', dlq: 'dlq', brokers: ['127.0.0.1:1'], registryUrl: 'http://127.0.0.1:1', extra }));
  const range = ['--from', 'earliest', '--to', 'latest'];
  const cases: { name: string; args: () => string[]; message: RegExp }[] = [
    { name: 'no --topic for a config that reads two', args: () => ['--config', config({ input: { topics: ['a', 'b'], codec: 'avro', readerSchema: READING_SCHEMA } }), ...range], message: /^error ERR_BACKFILL_USAGE: --topic is needed: the config reads several topics or a pattern$/m },
    { name: '--yes without --restart', args: () => ['--config', config(), ...range, '--yes'], message: /^error ERR_BACKFILL_USAGE: --yes only confirms --restart$/m },
    { name: '--restart without --yes off a terminal', args: () => ['--config', config(), ...range, '--restart'], message: /^error ERR_BACKFILL_USAGE: --restart deletes the progress of this backfill: confirm with --yes/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const result = streamscore(['backfill', ...c.args()]);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, c.message);
    });
  }
});
