/**
 * The topics a configuration needs, and how the cluster's topics compare with them: what
 * `streamscore topics` lists, creates and refuses (docs/operations.md "Topics"). Pure: the cluster's
 * state comes in as arguments.
 */
import type { StreamscoreConfig } from '../config/types.js';
import type { TopicDescription } from '../kafka/types.js';

/** What a topic is to the pipeline. */
export type TopicRole = 'input' | 'output' | 'dead-letters';

/**
 * Partitions of a topic this command creates, by role: the counts the shipped configs' headers and
 * docker-compose.yml use. Input partitions bound how many instances share the work (one consumer per
 * partition) and how many transactions a window commits in parallel (one per partition present,
 * docs/exactly-once.md); predictions are fewer and smaller per record; dead letters are rare.
 */
export const DEFAULT_PARTITIONS: Readonly<Record<TopicRole, number>> = { input: 6, output: 3, 'dead-letters': 1 };

/**
 * Every topic streamscore reads or writes is a log, never compacted: compaction would keep one record per
 * key, dropping predictions and dead letters of earlier records of the same key (a device, a card) and,
 * on an input topic, the history a backfill replays.
 */
export const CLEANUP_POLICY = 'delete';

/** A topic the configuration names, with what `--create` would give it. */
export interface WantedTopic {
  topic: string;
  /** Usually one; two only if a configuration names one topic twice. */
  roles: TopicRole[];
  partitions: number;
  cleanupPolicy: string;
  /** Matched by `input.topicPattern` rather than named: it exists by definition and is never created. */
  fromPattern: boolean;
}

export interface TopicPlan {
  topics: WantedTopic[];
  /** `input.topicPattern`, when the configuration reads by pattern. */
  inputPattern?: string;
}

export interface PlanOptions {
  /** `--partitions`: the count for every topic to create, instead of the per-role defaults. */
  partitions?: number;
}

/**
 * The topics the configuration names: input (named, or the existing topics the pattern matches),
 * output, dead letters. Internal topics (`__consumer_offsets`, …) never match a pattern here.
 */
export function planTopics(config: StreamscoreConfig, existing: readonly string[], options: PlanOptions = {}): TopicPlan {
  const byName = new Map<string, WantedTopic>();
  const want = (topic: string, role: TopicRole, fromPattern = false): void => {
    const partitions = options.partitions ?? DEFAULT_PARTITIONS[role];
    const known = byName.get(topic);
    if (known) {
      if (!known.roles.includes(role)) known.roles.push(role);
      known.partitions = Math.max(known.partitions, partitions);
      return;
    }
    byName.set(topic, { topic, roles: [role], partitions, cleanupPolicy: CLEANUP_POLICY, fromPattern });
  };
  const pattern = config.input.topicPattern;
  if (pattern !== undefined) {
    const regex = new RegExp(pattern);
    for (const topic of [...existing].sort()) if (!topic.startsWith('__') && regex.test(topic)) want(topic, 'input', true);
  } else {
    for (const topic of config.input.topics ?? []) want(topic, 'input');
  }
  want(config.output.topic, 'output');
  want(config.output.deadLetterTopic, 'dead-letters');
  return { topics: [...byName.values()], inputPattern: pattern };
}

/** One wanted topic against the cluster. */
export interface TopicCheck {
  wanted: WantedTopic;
  /** undefined: the topic does not exist. */
  found?: TopicDescription;
  status: 'ok' | 'missing' | 'differs';
  /** What differs, one phrase each: `partitions 12, --partitions asks 4`, `cleanup.policy compact, needs delete`. */
  differences: string[];
  /** Differences that are advice only (a partition count other than the default when none was asked). */
  notes: string[];
}

/**
 * Compares each wanted topic with what exists. A cleanup policy other than `delete` always differs.
 * A partition count differs only when `--partitions` asked for one (`explicitPartitions`); otherwise the
 * per-role default is advice, and another count is a note: streamscore works with any count, and an
 * operator may have chosen it. Existing topics are never changed, whatever differs.
 */
export function checkTopics(plan: TopicPlan, found: ReadonlyMap<string, TopicDescription>, explicitPartitions: boolean): TopicCheck[] {
  return plan.topics.map((wanted) => {
    const description = found.get(wanted.topic);
    if (description === undefined) return { wanted, status: 'missing', differences: [], notes: [] };
    const differences: string[] = [];
    const notes: string[] = [];
    // A topic the pattern matched is never created, so a count asked for does not apply to it.
    if (description.partitions !== wanted.partitions && !wanted.fromPattern) {
      if (explicitPartitions) differences.push(`partitions ${description.partitions}, --partitions asks ${wanted.partitions}`);
      else notes.push(`partitions ${description.partitions}, default for ${wanted.roles.join('/')} ${wanted.partitions}`);
    }
    const policies = description.cleanupPolicy.split(',').map((policy) => policy.trim());
    if (policies.length !== 1 || policies[0] !== wanted.cleanupPolicy) {
      differences.push(`cleanup.policy ${description.cleanupPolicy}, needs ${wanted.cleanupPolicy}`);
    }
    return { wanted, found: description, status: differences.length > 0 ? 'differs' : 'ok', differences, notes };
  });
}
