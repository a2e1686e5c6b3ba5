import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamscoreError } from '../../src/errors.js';
import { withRetry } from '../../src/retry.js';

describe('withRetry: which errors one call retries', () => {
  const fast = { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 1_000 };
  class Race extends StreamscoreError {}

  it('retries the errors it selects', async () => {
    const result = await withRetry(async (attempt) => {
      if (attempt < 2) throw new Race('ERR_REGISTRY_TRANSIENT', 'race');
      return attempt;
    }, { ...fast, shouldRetry: (error) => error instanceof Race });
    assert.equal(result, 2);
  });

  it('rethrows a retriable error it does not select at once, for an outer retry', async () => {
    let attempts = 0;
    const outage = new StreamscoreError('ERR_REGISTRY_TRANSIENT', 'outage');
    await assert.rejects(withRetry(async () => { attempts++; throw outage; }, { ...fast, shouldRetry: (error) => error instanceof Race }), outage);
    assert.equal(attempts, 1);
  });

  it('by default retries by the flags of the error: a fatal one is not retried', async () => {
    let attempts = 0;
    await assert.rejects(withRetry(async () => { attempts++; throw new StreamscoreError('ERR_SCHEMA_INCOMPATIBLE', 'no'); }, fast));
    assert.equal(attempts, 1);
  });

  it('a caller may widen it for a bounded number of attempts', async () => {
    let attempts = 0;
    const systemic = new StreamscoreError('ERR_MODEL_SYSTEMIC', 'broken model');
    await assert.rejects(withRetry(async () => { attempts++; throw systemic; }, { ...fast, shouldRetry: (error, attempt) => error === systemic && attempt + 1 < 3 }), systemic);
    assert.equal(attempts, 3);
  });
});
