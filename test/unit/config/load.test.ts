import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/load.js';
import { StreamscoreError } from '../../../src/errors.js';

export function baseConfig(): Record<string, unknown> {
  return {
    appId: 'unit',
    kafka: { brokers: ['127.0.0.1:9092'] },
    schemaRegistry: { url: 'http://127.0.0.1:8081' },
    input: { topics: ['in'], codec: 'json' },
    output: { topic: 'out', deadLetterTopic: 'dlq' },
    window: { maxRecords: 100 },
    model: { path: 'models/x.onnx', name: 'x', inputs: [{ name: 'features', columns: [{ field: 'a', dtype: 'float32' }] }], outputs: { score: { name: 'p', column: 1 } } },
  };
}

function refused(raw: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    validateConfig(raw, env, '/base');
  } catch (error) {
    assert.ok(error instanceof StreamscoreError);
    assert.equal(error.code, 'ERR_CONFIG_INVALID');
    return error.message;
  }
  assert.fail('the config was accepted');
}

describe('validateConfig', () => {
  it('accepts a minimal config and fills defaults', () => {
    const config = validateConfig(baseConfig(), {}, '/base');
    assert.equal(config.window.maxInFlight, 4);
    assert.equal(config.kafka.sessionTimeoutMs, 30000);
    assert.equal(config.input.startFrom, 'earliest');
    assert.equal(config.output.subjectStrategy, 'topic');
    assert.equal(config.model.inputs[0].dtype, 'float32');
    assert.equal(config.model.path, '/base/models/x.onnx', 'relative paths resolve against the base dir');
  });

  it('lets env override brokers, registry and credentials', () => {
    const config = validateConfig(baseConfig(), { KAFKA_BROKERS: 'a:1, b:2', SCHEMA_REGISTRY_URL: 'http://r', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', LOG_LEVEL: 'debug' }, '/base');
    assert.deepEqual(config.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(config.schemaRegistry.url, 'http://r');
    assert.deepEqual(config.kafka.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
    assert.equal(config.observability.logLevel, 'debug');
  });

  const refusals: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['an unknown key', (c) => { c.window.maxRecrods = 5; }, /key "window.maxRecrods": expected no such key/],
    ['a missing required key', (c) => { delete c.appId; }, /key "appId": expected the key to be set, found nothing/],
    ['a wrong type', (c) => { c.window.maxRecords = 'many'; }, /key "window.maxRecords": expected a value of type integer, found "many"/],
    ['an out-of-range number', (c) => { c.window.maxRecords = 0; }, /key "window.maxRecords": expected a number >= 1, found 0/],
    ['a bad enum', (c) => { c.input.codec = 'xml'; }, /key "input.codec": expected one of "avro", "json", found "xml"/],
    ['a window without bounds', (c) => { c.window = {}; }, /key "window": expected at least one of/],
    ['both topics and a pattern', (c) => { c.input.topicPattern = 'in.*'; }, /key "input": expected exactly one of: topics \| topicPattern/],
    ['an invalid regex', (c) => { delete c.input.topics; c.input.topicPattern = '(['; }, /key "input.topicPattern": expected a valid regular expression/],
    ['avro without a reader schema', (c) => { c.input.codec = 'avro'; }, /key "input.readerSchema"/],
    ['no brokers anywhere', (c) => { delete c.kafka; }, /key "kafka.brokers"/],
    ['a category without vocabulary', (c) => { c.model.inputs[0].columns[0].dtype = 'category'; }, /key "model.inputs.0.columns.0.vocabulary"/],
    ['the dead-letter topic equal to the output', (c) => { c.output.deadLetterTopic = 'out'; }, /key "output.deadLetterTopic"/],
    ['a bad appId', (c) => { c.appId = 'has space'; }, /key "appId": expected a string matching/],
    ['a non-mapping config', () => undefined, /expected a mapping/],
  ];
  for (const [name, mutate, message] of refusals) {
    it(`refuses ${name}, naming the key`, () => {
      const config = baseConfig();
      mutate(config);
      assert.match(refused(name === 'a non-mapping config' ? [1, 2] : config), message);
    });
  }
});
