import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCatalogue, StreamscoreError, type ErrorCode } from '../../src/errors.js';
import { isRetriable } from '../../src/retry.js';

describe('error catalogue', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const codes = Object.keys(errorCatalogue) as ErrorCode[];

  it('every code is documented in docs/errors.md with its kind', () => {
    for (const code of codes) {
      const row = doc.split('\n').find((line) => line.includes(`\`${code}\``));
      assert.ok(row, `${code} is missing from docs/errors.md`);
      assert.ok(row.includes(errorCatalogue[code][0]), `docs/errors.md gives ${code} another kind than ${errorCatalogue[code][0]}`);
    }
  });

  it('docs/errors.md documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/`(ERR_[A-Z_]+)`/g)].map((m) => m[1]);
    for (const code of documented) assert.ok(code in errorCatalogue, `docs/errors.md documents unknown ${code}`);
  });

  it('codes follow ERR_<STAGE>_<WHAT> and each error has exactly one flag', () => {
    for (const code of codes) {
      assert.match(code, /^ERR_[A-Z]+_[A-Z_]+$/);
      const error = new StreamscoreError(code, 'x');
      assert.equal([error.retriable, error.poison, error.fatal].filter(Boolean).length, 1, code);
    }
  });

  it('only retriable errors are retried; programming errors never are', () => {
    assert.equal(isRetriable(new StreamscoreError('ERR_KAFKA_TRANSIENT', 'x')), true);
    assert.equal(isRetriable(new StreamscoreError('ERR_REGISTRY_TRANSIENT', 'x')), true);
    assert.equal(isRetriable(new StreamscoreError('ERR_DECODE_MALFORMED', 'x')), false);
    assert.equal(isRetriable(new TypeError('x')), false);
    assert.equal(isRetriable(new Error('x')), false);
  });
});
