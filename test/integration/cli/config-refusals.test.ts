import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tinyConfig } from '../../support/pipeline-config.js';
import { CLI, writeConfig } from '../../support/streamscore-process.js';

// Endpoints nobody listens on: a refusal must come before any connection attempt.
const base = () => tinyConfig({ appId: 'refusal', input: 'in', output: 'out', dlq: 'dlq', brokers: ['127.0.0.1:1'], registryUrl: 'http://127.0.0.1:1' }) as any;

function run(command: 'run' | 'check', file: string): { status: number | null; stderr: string; ms: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, command, '--config', file], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '' } });
  return { status: result.status, stderr: result.stderr, ms: Date.now() - started };
}

const cases: { name: string; mutate: (c: any) => void; code: string; message: RegExp; exit: number }[] = [
  { name: 'an unknown key', mutate: (c) => { c.window.maxRecrods = 1; }, code: 'ERR_CONFIG_INVALID', message: /key "window.maxRecrods"/, exit: 2 },
  { name: 'a missing required key', mutate: (c) => { delete c.output.topic; }, code: 'ERR_CONFIG_INVALID', message: /key "output.topic": expected the key to be set/, exit: 2 },
  { name: 'a window without bounds', mutate: (c) => { c.window = {}; }, code: 'ERR_CONFIG_INVALID', message: /key "window"/, exit: 2 },
  { name: 'a wrong type', mutate: (c) => { c.kafka.sessionTimeoutMs = 'long'; }, code: 'ERR_CONFIG_INVALID', message: /key "kafka.sessionTimeoutMs": expected a value of type integer, found "long"/, exit: 2 },
  { name: 'a missing model file', mutate: (c) => { c.model.path = '/nonexistent/model.onnx'; }, code: 'ERR_MODEL_UNREADABLE', message: /\/nonexistent\/model.onnx/, exit: 1 },
  { name: 'a file that is not a model', mutate: (c) => { c.model.path = path.resolve('package.json'); }, code: 'ERR_MODEL_UNREADABLE', message: /onnxruntime cannot load/, exit: 1 },
  { name: 'a column count that does not match the model', mutate: (c) => { c.model.inputs[0].columns.pop(); }, code: 'ERR_MODEL_MISMATCH', message: /has 3 columns, the config lists 2/, exit: 1 },
  { name: 'an input name the model lacks', mutate: (c) => { c.model.inputs[0].name = 'x'; }, code: 'ERR_MODEL_MISMATCH', message: /input "features" but model.inputs does not configure it/, exit: 1 },
  { name: 'a wrong tensor dtype', mutate: (c) => { c.model.inputs[0].dtype = 'float64'; }, code: 'ERR_MODEL_MISMATCH', message: /type float32, model.inputs config says dtype float64/, exit: 1 },
  { name: 'a score output the model lacks', mutate: (c) => { c.model.outputs.score.name = 'proba'; }, code: 'ERR_MODEL_MISMATCH', message: /names output "proba", which the model does not have \(it has: label, probabilities\)/, exit: 1 },
  { name: 'a ZipMap classifier', mutate: (c) => { c.model.path = path.resolve('test/fixtures/models/tiny-zipmap.onnx'); }, code: 'ERR_MODEL_UNSUPPORTED_OUTPUT', message: /zipmap/, exit: 1 },
  { name: 'an unreadable reader schema', mutate: (c) => { c.input.readerSchema = '/nonexistent.avsc'; }, code: 'ERR_SCHEMA_UNREADABLE', message: /input.readerSchema/, exit: 1 },
];

describe('bad configurations are refused at start without connecting', () => {
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const config = base();
      c.mutate(config);
      for (const command of ['run', 'check'] as const) {
        const result = run(command, writeConfig(config));
        assert.equal(result.status, c.exit, `${command}: exit code (stderr: ${result.stderr})`);
        assert.match(result.stderr, new RegExp(`^error ${c.code}: `), `${command}: one clear error line`);
        assert.match(result.stderr, c.message);
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
        assert.ok(result.ms < 15_000, `${command} answered in ${result.ms} ms: it must not wait for a broker`);
      }
    });
  }

  it('refuses a file that is not YAML', () => {
    const file = writeConfig({});
    writeFileSync(file, 'appId: [unclosed');
    const result = run('run', file);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error ERR_CONFIG_UNREADABLE: .*not valid YAML/);
  });

  it('refuses a missing file', () => {
    const result = run('check', '/nonexistent/config.yaml');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error ERR_CONFIG_UNREADABLE: Cannot read configuration file \/nonexistent\/config.yaml/);
  });

  it('check accepts the valid base config', () => {
    const result = spawnSync(process.execPath, [CLI, 'check', '--config', writeConfig(base())], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ok: /);
  });
});
