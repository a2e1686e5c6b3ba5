import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFraudGenerator } from '../../../src/generate/index.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../src/generate/dump-training-data.js', import.meta.url));

test('dump-training-data writes {value, truth} lines identical to the generator', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-dump-'));
  try {
    const out = join(dir, 'fraud.jsonl');
    await run(process.execPath, [SCRIPT, 'fraud', '--count', '2500', '--seed', '9', '--out', out]);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 2500);
    const generator = createFraudGenerator({ seed: 9 });
    for (const line of lines) {
      const { value, truth } = generator.next();
      assert.deepEqual(JSON.parse(line), { value, truth });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dump-training-data refuses a bad scenario or a missing --count with exit code 2', async () => {
  for (const args of [['weather', '--count', '1', '--seed', '1'], ['iot', '--seed', '1'], ['iot', '--count', 'x', '--seed', '1']]) {
    await assert.rejects(run(process.execPath, [SCRIPT, ...args]), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /usage: dump-training-data/);
      return true;
    });
  }
});
