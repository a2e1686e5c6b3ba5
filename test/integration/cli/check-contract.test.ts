/**
 * `streamscore check` prints the model's contract, and with --registry checks every registered writer
 * schema of the input subject against the reader schema: per version whether it resolves and whether
 * each feature field survives; a version that would dead-letter every record is refused (exit 2),
 * naming the field. Real registry; a fresh subject per test run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../../support/environment.js';
import { TINY_MODEL, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

const reading = (fields: string[]) => ({
  type: 'record', name: 'Reading', namespace: 'io.streamscore.test',
  fields: fields.map((name) => (name === 'id' ? { name, type: 'string' } : name === 'c' ? { name, type: ['null', 'double'], default: null } : { name, type: 'double' })),
});

async function check(config: string, registry: boolean): Promise<{ code: number | null; out: string }> {
  const child = new StreamscoreProcess(['check', '--config', config, ...(registry ? ['--registry'] : [])]);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, out: child.lines.join('\n') };
}

describe('streamscore check: the contract and the registered writer schemas', () => {
  const env = useTestEnvironment();
  const topic = uniqueName('check-in');
  const subject = `${topic}-value`;
  const registry = (path: string, init?: RequestInit) => fetch(`${env.registryUrl}${path}`, { ...init, headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } });
  const register = async (fields: string[]) => {
    const response = await registry(`/subjects/${subject}/versions`, { method: 'POST', body: JSON.stringify({ schema: JSON.stringify(reading(fields)) }) });
    assert.equal(response.status, 200, await response.text());
  };
  let withDefault = '';
  let withoutDefault = '';

  before(async () => {
    const base = tinyConfig({ appId: uniqueName('check'), input: topic, output: `${topic}-out`, dlq: `${topic}-dlq`, brokers: env.brokers, registryUrl: env.registryUrl }) as { model: { inputs: { columns: Record<string, unknown>[] }[] } };
    withDefault = writeConfig(base);
    const strict = structuredClone(base);
    delete strict.model.inputs[0]!.columns[2]!.default;
    withoutDefault = writeConfig(strict);
    // Versions that BACKWARD compatibility would refuse are the point: let the subject take any.
    await registry(`/config/${subject}`, { method: 'PUT', body: JSON.stringify({ compatibility: 'NONE' }) });
    await register(['id', 'a', 'b', 'c']);
    await register(['id', 'a', 'b']);
  });

  after(async () => {
    await registry(`/subjects/${subject}`, { method: 'DELETE' });
    await registry(`/subjects/${subject}?permanent=true`, { method: 'DELETE' });
  });

  it('prints each column\'s field, reader type, dtype and index, and the outputs (no network without --registry)', async () => {
    const { code, out } = await check(withDefault, false);
    assert.equal(code, 0, out);
    assert.match(out, /^ {4}column {2}field {2}reader type +dtype$/m);
    assert.match(out, /^ +0 {2}a +double +float32$/m);
    assert.match(out, /^ +2 {2}c +\["null","double"\] {2}float32$/m);
    assert.match(out, /^ {4}score {2}← probabilities\[:, 1\]$/m);
    assert.match(out, /^ {4}flag {3}← score ≥ 0\.5$/m);
    assert.ok(out.includes(TINY_MODEL));
    assert.doesNotMatch(out, /writer schemas of/);
  });

  it('--registry: every version resolves; a field a version lacks takes the column default', async () => {
    const { code, out } = await check(withDefault, true);
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`^writer schemas of ${subject}: 2 version\\(s\\)$`, 'm'));
    assert.match(out, /^ {2}version 1 \(id \d+\): resolves; every feature field survives$/m);
    assert.match(out, /^ {2}version 2 \(id \d+\): resolves; c missing from this writer schema; always 0 \(default\)$/m);
  });

  it('--registry: a version that would dead-letter every record is refused with exit 2, naming the field', async () => {
    const strict = await check(withoutDefault, true);
    assert.equal(strict.code, 2, strict.out);
    assert.match(strict.out, /^error ERR_CHECK_WRITER_SCHEMA: writer schema version 2 \(id \d+\) has no field "c" and the reader's default is null/m);
    await register(['id', 'b', 'c']);
    const unresolvable = await check(withDefault, true);
    assert.equal(unresolvable.code, 2, unresolvable.out);
    assert.match(unresolvable.out, /^ {2}version 3 \(id \d+\): does not resolve: /m);
    assert.match(unresolvable.out, /^error ERR_CHECK_WRITER_SCHEMA: writer schema version 3 \(id \d+\) cannot be resolved to the reader schema at feature field "a"/m);
  });
});
