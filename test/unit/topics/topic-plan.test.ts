import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../src/config/load.js';
import type { TopicDescription } from '../../../src/kafka/types.js';
import { checkTopics, planTopics } from '../../../src/topics/topic-plan.js';
import { READING_SCHEMA, tinyConfig } from '../../support/pipeline-config.js';

const noEnv = {};
const config = (extra?: object) =>
  validateConfig(tinyConfig({ appId: 'plan', input: 'in', output: 'out', dlq: 'dlq', brokers: ['b:9092'], registryUrl: 'http://r', extra }), noEnv);
const described = (topic: string, partitions: number, cleanupPolicy = 'delete'): [string, TopicDescription] => [topic, { topic, partitions, replicationFactor: 1, cleanupPolicy }];

describe('planTopics', () => {
  it('names input, output and dead letters with the default partitions and cleanup.policy delete', () => {
    assert.deepEqual(planTopics(config(), []).topics, [
      { topic: 'in', roles: ['input'], partitions: 6, cleanupPolicy: 'delete', fromPattern: false },
      { topic: 'out', roles: ['output'], partitions: 3, cleanupPolicy: 'delete', fromPattern: false },
      { topic: 'dlq', roles: ['dead-letters'], partitions: 1, cleanupPolicy: 'delete', fromPattern: false },
    ]);
  });

  it('--partitions applies to every topic', () => {
    assert.deepEqual(planTopics(config(), [], { partitions: 12 }).topics.map((t) => t.partitions), [12, 12, 12]);
  });

  it('every input topic of the list, once', () => {
    const plan = planTopics(config({ input: { topics: ['a', 'b', 'a'], codec: 'avro', readerSchema: READING_SCHEMA } }), []);
    assert.deepEqual(plan.topics.map((t) => `${t.roles.join('/')}:${t.topic}`), ['input:a', 'input:b', 'output:out', 'dead-letters:dlq']);
  });

  it('a pattern takes the existing topics it matches, never internal ones, and says it is a pattern', () => {
    const plan = planTopics(config({ input: { topicPattern: '^sensor\\.', codec: 'avro', readerSchema: READING_SCHEMA } }), ['sensor.b', 'other', 'sensor.a', '__consumer_offsets']);
    assert.equal(plan.inputPattern, '^sensor\\.');
    assert.deepEqual(plan.topics.filter((t) => t.fromPattern).map((t) => t.topic), ['sensor.a', 'sensor.b']);
    const everything = planTopics(config({ input: { topicPattern: '.*', codec: 'avro', readerSchema: READING_SCHEMA } }), ['__consumer_offsets', 'x']);
    assert.deepEqual(everything.topics.filter((t) => t.fromPattern).map((t) => t.topic), ['x']);
  });
});

describe('checkTopics', () => {
  const plan = planTopics(config(), []);
  const cases: { name: string; found: [string, TopicDescription][]; explicit: boolean; expect: Record<string, { status: string; differences?: string[]; notes?: string[] }> }[] = [
    { name: 'nothing exists', found: [], explicit: false, expect: { in: { status: 'missing' }, out: { status: 'missing' }, dlq: { status: 'missing' } } },
    { name: 'all as created', found: [described('in', 6), described('out', 3), described('dlq', 1)], explicit: false, expect: { in: { status: 'ok' }, out: { status: 'ok' }, dlq: { status: 'ok' } } },
    {
      name: 'another count without --partitions is a note',
      found: [described('in', 12)],
      explicit: false,
      expect: { in: { status: 'ok', notes: ['partitions 12, default for input 6'] } },
    },
    {
      name: 'compaction always differs',
      found: [described('out', 3, 'compact'), described('dlq', 1, 'compact,delete')],
      explicit: false,
      expect: { out: { status: 'differs', differences: ['cleanup.policy compact, needs delete'] }, dlq: { status: 'differs', differences: ['cleanup.policy compact,delete, needs delete'] } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const checks = checkTopics(plan, new Map(c.found), c.explicit);
      for (const [topic, expected] of Object.entries(c.expect)) {
        const check = checks.find((x) => x.wanted.topic === topic)!;
        assert.equal(check.status, expected.status, topic);
        assert.deepEqual(check.differences, expected.differences ?? [], topic);
        assert.deepEqual(check.notes, expected.notes ?? [], topic);
      }
    });
  }

  it('another count than --partitions asks differs', () => {
    const explicit = planTopics(config(), [], { partitions: 6 });
    const checks = checkTopics(explicit, new Map([described('in', 6), described('out', 3)]), true);
    assert.deepEqual(checks.map((c) => [c.wanted.topic, c.status, c.differences]), [
      ['in', 'ok', []],
      ['out', 'differs', ['partitions 3, --partitions asks 6']],
      ['dlq', 'missing', []],
    ]);
  });

  it('a topic the pattern matched is never judged on its partition count', () => {
    const patterned = planTopics(config({ input: { topicPattern: '^s', codec: 'avro', readerSchema: READING_SCHEMA } }), ['s1'], { partitions: 4 });
    const checks = checkTopics(patterned, new Map([described('s1', 9)]), true);
    assert.deepEqual(checks.find((c) => c.wanted.topic === 's1'), { wanted: patterned.topics[0], found: described('s1', 9)[1], status: 'ok', differences: [], notes: [] });
  });
});
