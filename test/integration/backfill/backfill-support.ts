import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '../../support/environment.js';
import { avroDecoder, avroEncoder, deleteGroups, openProducer, readTopic } from '../../support/kafka-fixtures.js';
import { READING_SCHEMA } from '../../support/pipeline-config.js';
import { StreamscoreProcess } from '../../support/streamscore-process.js';

export const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
export const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';

/** Removes the consumer groups of the app's backfills (`<appId>.backfill.<id>` and its `.plan`): a test leaves nothing behind. */
export async function deleteBackfillGroups(appId: string): Promise<void> {
  await deleteGroups(brokers, (g) => g.startsWith(`${appId}.backfill.`));
}

/** One produced input record: where it landed and its message timestamp. */
export interface HistoryRecord {
  partition: number;
  offset: number;
  timestamp: number;
}

/**
 * Produces `count` readings round-robin over the partitions, record i stamped `startMs + i * stepMs`
 * (so timestamps rise within each partition), to a fresh topic: record i lands at offset ⌊i / partitions⌋.
 */
export async function produceHistory(topic: string, options: { partitions: number; count: number; startMs: number; stepMs: number }): Promise<HistoryRecord[]> {
  const encode = await avroEncoder(registryUrl, `${topic}-value`, JSON.parse(readFileSync(READING_SCHEMA, 'utf8')));
  const producer = await openProducer(brokers);
  const history: HistoryRecord[] = [];
  try {
    let messages = [];
    for (let i = 0; i < options.count; i++) {
      const timestamp = options.startMs + i * options.stepMs;
      const partition = i % options.partitions;
      history.push({ partition, offset: Math.floor(i / options.partitions), timestamp });
      messages.push({ key: `k${i % 53}`, partition, timestamp: String(timestamp), value: await encode({ id: `r${i}`, a: (i % 13) / 3, b: (i % 7) / 2, c: i % 4 ? null : i % 10 }) });
      if (messages.length === 2000 || i === options.count - 1) {
        await producer.send(topic, messages);
        messages = [];
      }
    }
  } finally {
    await producer.close();
  }
  return history;
}

/** What a backfill wrote, by source `partition:offset`. */
export interface Scored {
  /** source `partition:offset` → number of predictions. */
  counts: Map<string, number>;
  modelSha256: Set<string>;
  total: number;
}

export async function readPredictions(outputTopic: string, sourceTopic: string): Promise<Scored> {
  const decode = await avroDecoder(registryUrl);
  const counts = new Map<string, number>();
  const modelSha256 = new Set<string>();
  const messages = await readTopic(brokers, outputTopic, 'read_committed');
  for (const m of messages) {
    const p = await decode(m.value!);
    assert.equal(p.source_topic, sourceTopic);
    const key = `${p.source_partition}:${p.source_offset}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    modelSha256.add(p.model_sha256);
  }
  return { counts, modelSha256, total: messages.length };
}

/**
 * The predictions once every expected source offset has one, or at the deadline. A backfill killed
 * mid-transaction leaves that transaction open until the broker aborts it (kafka.transactionTimeoutMs;
 * with the window-scoped client no later run shares its transactional id to abort it sooner): until
 * then read_committed readers, and the end offsets they read to, stop in front of it, and the resumed
 * run's outputs after it are not visible yet (docs/backfill.md).
 */
export async function readPredictionsSettled(outputTopic: string, sourceTopic: string, expected: Iterable<string>, timeoutMs = 60_000): Promise<Scored> {
  const want = [...expected];
  let last: Scored | undefined;
  await waitFor(async () => {
    last = await readPredictions(outputTopic, sourceTopic);
    return want.every((k) => last!.counts.has(k)) ? true : undefined;
  }, { timeoutMs, what: `predictions for all ${want.length} source offsets`, intervalMs: 1_000 }).catch(() => undefined);
  return last!;
}

/** Exactly the expected source offsets, each once: the report lists what is missing, extra or repeated. */
export function assertScoredExactly(scored: Scored, expected: Iterable<string>): void {
  const want = new Set(expected);
  const missing = [...want].filter((k) => !scored.counts.has(k));
  const extra = [...scored.counts.keys()].filter((k) => !want.has(k));
  const repeated = [...scored.counts].filter(([, n]) => n > 1);
  assert.deepEqual(
    { missing: missing.slice(0, 10), extra: extra.slice(0, 10), repeated: repeated.slice(0, 10) },
    { missing: [], extra: [], repeated: [] },
    `scored ${scored.counts.size} distinct of ${want.size} expected: ${missing.length} missing, ${extra.length} outside the range, ${repeated.length} more than once`,
  );
}

/** `streamscore backfill <args>` as a child process (logs as JSON: stderr is not a terminal). */
export function backfill(args: string[], env: NodeJS.ProcessEnv = {}): StreamscoreProcess {
  return new StreamscoreProcess(['backfill', ...args], { LOG_LEVEL: process.env.STREAMSCORE_TEST_LOG_LEVEL ?? 'info', ...env });
}

/** Runs a backfill to its exit: the exit code and every line it printed. */
export async function backfillToExit(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 180_000): Promise<{ code: number | null; lines: string[]; out: string }> {
  const child = backfill(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, lines: child.lines, out: child.lines.join('\n') };
}

export interface LoggedPlan {
  total: number;
  partitions: { partition: number; start: number; end: number; count: number }[];
}

/** The plan from the `backfill plan` log line. */
export function loggedPlan(lines: string[]): LoggedPlan {
  const line = lines.find((l) => l.includes('"msg":"backfill plan"'));
  assert.ok(line, `no "backfill plan" log line in:\n${lines.slice(-20).join('\n')}`);
  const { plan } = JSON.parse(line);
  return {
    total: Number(plan.total),
    partitions: plan.partitions.map((p: Record<string, string | number>) => ({ partition: Number(p.partition), start: Number(p.start), end: Number(p.end), count: Number(p.count) })),
  };
}

/** Every `partition:offset` of the plan's ranges. */
export function planOffsets(plan: LoggedPlan): string[] {
  return plan.partitions.flatMap((p) => Array.from({ length: p.end - p.start }, (_, i) => `${p.partition}:${p.start + i}`));
}
