import path from 'node:path';
import type { StreamscoreConfig } from '../config/types.js';

/** Backfills score history in bulk: windows larger than live ones, where latency does not matter. */
export const BACKFILL_WINDOW_RECORDS = 5_000;
export const BACKFILL_LINGER_MS = 500;

export interface BackfillOverrides {
  topic: string;
  /** The backfill's consumer group, `<appId>.backfill.<id>`: the run's appId. */
  group: string;
  outputTopic?: string;
  modelPath?: string;
  windowRecords?: number;
}

/** The topic a backfill reads when `--topic` is not given: the config's single input topic, if it has exactly one. */
export function defaultTopic(config: StreamscoreConfig): string | undefined {
  return !config.input.topicPattern && config.input.topics?.length === 1 ? config.input.topics[0] : undefined;
}

/**
 * The live configuration turned into a backfill's: one topic, its own group (and so its own
 * transactional ids), bigger windows, the overrides of the command line, and no metrics port
 * (the live service on the same host may hold it).
 */
export function backfillConfig(config: StreamscoreConfig, overrides: BackfillOverrides): StreamscoreConfig {
  const copy = structuredClone(config);
  copy.appId = overrides.group;
  copy.input = { ...copy.input, topics: [overrides.topic], topicPattern: undefined };
  if (overrides.outputTopic) copy.output.topic = overrides.outputTopic;
  if (overrides.modelPath) copy.model.path = path.resolve(overrides.modelPath);
  copy.window = {
    maxRecords: overrides.windowRecords ?? Math.max(BACKFILL_WINDOW_RECORDS, config.window.maxRecords ?? 0),
    maxLingerMs: Math.max(BACKFILL_LINGER_MS, config.window.maxLingerMs ?? 0),
    maxBytes: config.window.maxBytes,
    maxInFlight: config.window.maxInFlight,
  };
  copy.observability = { ...copy.observability, metricsPort: 0 };
  return copy;
}
