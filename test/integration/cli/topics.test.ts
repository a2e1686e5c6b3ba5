/**
 * `streamscore topics`: lists the topics a configuration needs, creates the missing ones with `--create`
 * (input 6, output 3, dead letters 1 partitions, or `--partitions`; cleanup.policy delete), and never
 * changes an existing topic: a difference that matters is refused (exit 2) before anything is created.
 * Checked against the broker directly (kafkajs admin), not only against the command's own table.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type Admin } from 'kafkajs';
import { uniqueName } from '../../support/environment.js';
import { READING_SCHEMA, tinyConfig } from '../../support/pipeline-config.js';
import { CLI, writeConfig } from '../../support/streamscore-process.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

/** kafkajs itself, for what this test does to the broker directly (transactions, configs) rather than through streamscore. */
function rawKafka(brokers: string[]): InstanceType<typeof kafkajs.Kafka> {
  return new kafkajs.Kafka({ clientId: 'streamscore-test', brokers, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 10 } });
}

const { ConfigResourceTypes } = kafkajs;

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end (the environment's endpoints come through KAFKA_BROKERS / SCHEMA_REGISTRY_URL). */
function streamscore(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`streamscore ${args.join(' ')} did not end within 90 s:\n${stdout}${stderr}`)); }, 90_000);
    child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

/** The table row of a topic: its cells split on runs of two or more spaces. */
function row(stdout: string, topic: string): string[] | undefined {
  const line = stdout.split('\n').find((text) => text.trim().split(/\s{2,}/)[1] === topic);
  return line?.trim().split(/\s{2,}/);
}

describe('streamscore topics', () => {
  const env = useTestEnvironment();
  let admin: Admin;
  const made: string[] = [];

  /** Three fresh topic names and a config naming them (the tiny test model; it is never loaded here). */
  function scenario(extra?: object): { input: string; output: string; dlq: string; file: string } {
    const prefix = uniqueName('topics');
    const names = { input: `${prefix}-in`, output: `${prefix}-out`, dlq: `${prefix}-dlq` };
    made.push(...Object.values(names));
    const file = writeConfig(tinyConfig({ appId: prefix, ...names, brokers: env.brokers, registryUrl: env.registryUrl, extra }));
    return { ...names, file };
  }

  async function describeTopic(topic: string): Promise<{ partitions: number; cleanupPolicy: string } | undefined> {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
    return { partitions: metadata.topics[0].partitions.length, cleanupPolicy: configs.resources[0].configEntries[0].configValue };
  }

  async function createDirectly(topic: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] });
  }

  before(async () => {
    admin = rawKafka(env.brokers).admin();
    await admin.connect();
  });

  after(async () => {
    if (admin === undefined) return;
    const existing = new Set(await admin.listTopics());
    const ours = made.filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  });

  it('lists what a config needs, says what is missing, and exits 1 without --create (creating nothing)', async () => {
    const s = scenario();
    const result = await streamscore(['topics', '--config', s.file]);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(row(result.stdout, s.input), ['input', s.input, '-', '-', '-', 'missing (--create makes it: 6 partitions, delete)']);
    assert.deepEqual(row(result.stdout, s.output), ['output', s.output, '-', '-', '-', 'missing (--create makes it: 3 partitions, delete)']);
    assert.deepEqual(row(result.stdout, s.dlq), ['dead-letters', s.dlq, '-', '-', '-', 'missing (--create makes it: 1 partition, delete)']);
    assert.match(result.stderr, new RegExp(`^error ERR_TOPIC_MISSING: Topic\\(s\\) ${s.input}, ${s.output}, ${s.dlq} do not exist; create them with: streamscore topics --config .* --create$`, 'm'));
    for (const topic of [s.input, s.output, s.dlq]) assert.equal(await describeTopic(topic), undefined, `${topic} was not created`);
  });

  it('--create creates them (6, 3, 1 partitions, cleanup.policy delete); a second --create changes nothing', async () => {
    const s = scenario();
    const created = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(created.status, 0, created.stderr);
    assert.deepEqual(row(created.stdout, s.input), ['input', s.input, '6', '1', 'delete', 'created']);
    assert.deepEqual(await describeTopic(s.input), { partitions: 6, cleanupPolicy: 'delete' });
    assert.deepEqual(await describeTopic(s.output), { partitions: 3, cleanupPolicy: 'delete' });
    assert.deepEqual(await describeTopic(s.dlq), { partitions: 1, cleanupPolicy: 'delete' });

    const again = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(again.status, 0, again.stderr);
    for (const topic of [s.input, s.output, s.dlq]) assert.equal(row(again.stdout, topic)?.at(-1), 'exists');
    const listed = await streamscore(['topics', '--config', s.file]);
    assert.equal(listed.status, 0, `without --create, all present: exit 0 (${listed.stderr})`);
  });

  it('refuses (exit 2) an existing topic whose partitions differ from --partitions, creating nothing and changing nothing', async () => {
    const s = scenario();
    await createDirectly(s.input, 6);
    const result = await streamscore(['topics', '--config', s.file, '--create', '--partitions', '2']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stdout, new RegExp(`^  ${s.input}: partitions 6, --partitions asks 2$`, 'm'));
    assert.equal(row(result.stdout, s.input)?.at(-1), 'differs, left as is');
    assert.match(result.stderr, /^error ERR_TOPIC_MISMATCH: .*never changes an existing topic, so nothing was created/m);
    assert.deepEqual(await describeTopic(s.input), { partitions: 6, cleanupPolicy: 'delete' });
    assert.equal(await describeTopic(s.output), undefined, 'the missing output topic was not created either');
    assert.equal(await describeTopic(s.dlq), undefined);
  });

  it('refuses (exit 2) a compacted output topic and leaves it compacted', async () => {
    const s = scenario();
    await createDirectly(s.output, 3, { 'cleanup.policy': 'compact' });
    const result = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stdout, new RegExp(`^  ${s.output}: cleanup.policy compact, needs delete$`, 'm'));
    assert.deepEqual(await describeTopic(s.output), { partitions: 3, cleanupPolicy: 'compact' });
    assert.equal(await describeTopic(s.input), undefined, 'nothing created while a topic is refused');
  });

  it('takes another partition count on an existing topic as a note when --partitions is not given', async () => {
    const s = scenario();
    await createDirectly(s.input, 2);
    const result = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(row(result.stdout, s.input), ['input', s.input, '2', '1', 'delete', 'exists']);
    assert.match(result.stdout, new RegExp(`^  ${s.input}: partitions 2, default for input 6 \\(kept; streamscore works with any count\\)$`, 'm'));
    assert.deepEqual(await describeTopic(s.input), { partitions: 2, cleanupPolicy: 'delete' });
    assert.deepEqual(await describeTopic(s.output), { partitions: 3, cleanupPolicy: 'delete' });
  });

  it('with input.topicPattern: lists the matching topics, never creates one, exits 1 when none matches', async () => {
    const prefix = uniqueName('topics-pattern');
    const matching = `${prefix}-in-a`;
    const s = scenario({ input: { topicPattern: `^${prefix}-in-.*`, codec: 'avro', readerSchema: READING_SCHEMA } });
    made.push(matching);

    const none = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(none.status, 1, none.stderr);
    assert.match(none.stdout, new RegExp(`the pattern /\\^${prefix}-in-\\.\\*/ matches no topic`));
    assert.match(none.stderr, /^error ERR_TOPIC_MISSING: input.topicPattern .* matches no topic/m);
    assert.deepEqual(await describeTopic(s.output), { partitions: 3, cleanupPolicy: 'delete' }, 'output and dead letters are created all the same');

    await createDirectly(matching, 2);
    const result = await streamscore(['topics', '--config', s.file, '--create']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(row(result.stdout, matching), ['input', matching, '2', '1', 'delete', 'exists (matched by the pattern)']);
    assert.doesNotMatch(result.stdout, new RegExp(`^  ${matching}: partitions`, 'm'), 'no partition advice for a topic the command would never create');
  });

  it('refuses a configuration it cannot read with exit 2, before connecting', async () => {
    const result = await streamscore(['topics', '--config', '/nonexistent/streamscore.yaml', '--create']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error ERR_CONFIG_UNREADABLE: /m);
  });
});
