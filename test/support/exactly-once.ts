import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { avroDecoder, avroEncoder, openProducer, readTopic, waitForCommittedToEnd } from './kafka-fixtures.js';
import { TEST_TRANSACTION_TIMEOUT_MS } from './kafka-clients.js';
import { READING_SCHEMA } from './pipeline-config.js';

export interface Topics {
  input: string;
  output: string;
  dlq: string;
}

/** Produces valid readings at a steady rate until stopped, spread over all partitions. */
export async function startLoad(brokers: string[], registryUrl: string, topic: string, options: { perSecond: number; partitions: number }) {
  const encode = await avroEncoder(registryUrl, `${topic}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
  const producer = await openProducer(brokers);
  let sent = 0;
  let running = true;
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((options.perSecond * tickMs) / 1000));
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const messages = [];
      for (let i = 0; i < perTick; i++, sent++) {
        messages.push({ key: `k${sent % 101}`, partition: sent % options.partitions, value: await encode({ id: `r${sent}`, a: (sent % 13) / 3, b: (sent % 7) / 2, c: null }) });
      }
      await producer.send(topic, messages);
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - started))));
    }
  })();
  return {
    get sent() { return sent; },
    async stop(): Promise<number> {
      running = false;
      await loop;
      await producer.close();
      return sent;
    },
  };
}

export interface ExactlyOnceReport {
  inputs: number;
  predictions: number;
  deadLetters: number;
  /** Output records a read_uncommitted reader sees beyond the committed ones: aborted transactions. */
  abortedOutputs: number;
}

/**
 * The conformance check every exactly-once test ends with: once the group has committed the
 * input's end offsets, a read_committed reader finds each input record exactly once across
 * predictions and dead letters, and nothing else.
 */
export async function assertExactlyOnce(brokers: string[], registryUrl: string, topics: Topics, appId: string, timeoutMs: number, isAlive?: () => void): Promise<ExactlyOnceReport> {
  await waitForCommittedToEnd(brokers, appId, topics.input, timeoutMs, isAlive);
  const inputs = await readTopic(brokers, topics.input, 'read_committed');
  const decode = await avroDecoder(registryUrl);
  // Outputs committed behind a transaction a killed instance left open become readable once the
  // broker aborts it (kafka.transactionTimeoutMs; with the window-scoped client no other instance
  // shares its transactional id to abort it sooner): read again until every input has an output,
  // or the settle deadline passes. A duplicate never settles away: it fails at once.
  const settleBy = Date.now() + SETTLE_MS;
  for (;;) {
    const predictions = await readTopic(brokers, topics.output, 'read_committed');
    const deadLetters = await readTopic(brokers, topics.dlq, 'read_committed');
    const seen = new Map<string, number>();
    const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
    for (const p of predictions) {
      const v = await decode(p.value!);
      assert.equal(v.source_topic, topics.input);
      count(`${v.source_partition}:${v.source_offset}`);
    }
    for (const d of deadLetters) count(`${d.headers['streamscore.error.partition']}:${d.headers['streamscore.error.offset']}`);
    const duplicates = [...seen].filter(([, n]) => n > 1);
    assert.equal(duplicates.length, 0, `inputs with more than one output: ${duplicates.slice(0, 10).map(([k, n]) => `${k}×${n}`).join(', ')}`);
    const missing = inputs.filter((m) => !seen.has(`${m.partition}:${m.offset}`));
    if (missing.length && Date.now() < settleBy) {
      isAlive?.();
      await new Promise((r) => setTimeout(r, 1_000));
      continue;
    }
    assert.equal(missing.length, 0, `inputs without output: ${missing.slice(0, 10).map((m) => `${m.partition}:${m.offset}`).join(', ')}`);
    assert.equal(seen.size, inputs.length, 'outputs for records that are not inputs');
    const uncommitted = await readTopic(brokers, topics.output, 'read_uncommitted');
    return { inputs: inputs.length, predictions: predictions.length, deadLetters: deadLetters.length, abortedOutputs: uncommitted.length - predictions.length };
  }
}

/** Three transaction timeouts of the tests (test/support/kafka-clients.ts). */
const SETTLE_MS = 3 * TEST_TRANSACTION_TIMEOUT_MS;

