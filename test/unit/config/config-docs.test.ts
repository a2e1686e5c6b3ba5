import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configReference } from '../../../src/config/config-docs.js';

describe('docs/config.md', () => {
  it('is generated from the current schema (run `npm run docs:config` after changing it)', () => {
    assert.equal(readFileSync('docs/config.md', 'utf8'), configReference());
  });

  it('describes every key', () => {
    const doc = configReference();
    for (const key of ['appId', 'window.maxLingerMs', 'model.inputs[].columns[].vocabulary', 'output.subjectStrategy', 'kafka.sasl.mechanism']) {
      assert.ok(doc.includes(`\`${key}\``), key);
    }
  });
});
