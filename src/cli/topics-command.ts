import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import type { TopicAdmin, TopicDescription } from '../kafka/types.js';
import { checkTopics, DEFAULT_PARTITIONS, planTopics, type TopicCheck } from '../topics/topic-plan.js';
import { connectAdmin, LOCAL_STACK_ENV_HINT } from './connect-admin.js';
import { fail } from './fail.js';
import { positiveInteger } from './option-parsers.js';

interface TopicsFlags {
  config: string;
  create?: boolean;
  partitions?: number;
}


/** `streamscore topics`: the topics a configuration needs; `--create` creates the missing ones. */
export function registerTopics(program: Command): void {
  program.command('topics')
    .description('List the topics a configuration needs (input, output, dead letters), say which are missing or differ; --create creates the missing ones')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
    .option('--create', 'create the missing topics (cleanup.policy delete); existing topics are never changed')
    .option('--partitions <n>', `partitions of every topic to create (default: input ${DEFAULT_PARTITIONS.input}, output ${DEFAULT_PARTITIONS.output}, dead letters ${DEFAULT_PARTITIONS['dead-letters']}); an existing topic with another count is refused`, positiveInteger)
    .addHelpText('after', `
Examples:
  streamscore topics --config config/iot-anomaly.yaml                 what exists, what is missing
  streamscore topics --config config/iot-anomaly.yaml --create        create the missing ones
  streamscore topics --config config/iot-anomaly.yaml --create --partitions 12

Exit codes: 0 every topic exists as it should (after --create: created); 1 some are missing (without --create),
or the broker failed; 2 the configuration or command line is refused, or an existing topic differs
(cleanup.policy other than delete, or another count than --partitions asks): nothing is created then.
Endpoints: KAFKA_BROKERS overrides the config's kafka.brokers (${LOCAL_STACK_ENV_HINT}). See docs/operations.md.`)
    .action(topicsCommand);
}

async function topicsCommand(flags: TopicsFlags): Promise<void> {
  let config: StreamscoreConfig;
  try {
    config = loadConfig(flags.config);
  } catch (error) {
    fail(error);
  }
  let admin: TopicAdmin;
  try {
    ({ admin } = await connectAdmin(config, 'topics'));
  } catch (error) {
    fail(error);
  }
  try {
    const plan = planTopics(config, [...(await admin.existingTopics())], { partitions: flags.partitions });
    let found = await admin.describeTopics(plan.topics.map((t) => t.topic));
    const checks = checkTopics(plan, found, flags.partitions !== undefined);
    const created = new Set<string>();
    const differing = checks.filter((check) => check.status === 'differs');
    const missing = checks.filter((check) => check.status === 'missing');
    if (flags.create === true && differing.length === 0 && missing.length > 0) {
      await admin.createTopics(missing.map(({ wanted }) => ({ topic: wanted.topic, partitions: wanted.partitions, configs: { 'cleanup.policy': wanted.cleanupPolicy } })));
      for (const { wanted } of missing) created.add(wanted.topic);
      found = await admin.describeTopics(plan.topics.map((t) => t.topic));
    }
    process.stdout.write(report(flags, config, checks, found, created, plan.inputPattern));

    if (differing.length > 0) {
      throw new StreamscoreError(
        'ERR_TOPIC_MISMATCH',
        `${differing.map((c) => `${c.wanted.topic} (${c.differences.join('; ')})`).join(', ')}: streamscore never changes an existing topic` +
          `${flags.create === true ? ', so nothing was created' : ''}; recreate ${differing.length === 1 ? 'it (its records are lost)' : 'them (their records are lost)'} or name other topics in ${flags.config}` +
          (flags.partitions !== undefined ? ', or leave out --partitions' : ''),
      );
    }
    if (plan.inputPattern !== undefined && !plan.topics.some((t) => t.roles.includes('input'))) {
      throw new StreamscoreError('ERR_TOPIC_MISSING', `input.topicPattern /${plan.inputPattern}/ matches no topic, and a pattern does not say what to name one: create the input topics yourself`);
    }
    const stillMissing = missing.filter((c) => !created.has(c.wanted.topic)).map((c) => c.wanted.topic);
    if (stillMissing.length > 0) {
      throw new StreamscoreError('ERR_TOPIC_MISSING', `Topic(s) ${stillMissing.join(', ')} do not exist; create them with: streamscore topics --config ${flags.config} --create`);
    }
  } catch (error) {
    await admin.disconnect();
    fail(error);
  }
  await admin.disconnect();
}

/** The table on stdout: one row per topic, then what differs and the notes. */
function report(flags: TopicsFlags, config: StreamscoreConfig, checks: TopicCheck[], found: ReadonlyMap<string, TopicDescription>, created: ReadonlySet<string>, pattern?: string): string {
  const header = ['role', 'topic', 'partitions', 'replicas', 'cleanup.policy', 'state'];
  const rows = checks.map((check) => {
    const now = found.get(check.wanted.topic);
    const state = created.has(check.wanted.topic)
      ? 'created'
      : check.status === 'missing'
        ? `missing${flags.create === true ? '' : ` (--create makes it: ${check.wanted.partitions} partition${check.wanted.partitions === 1 ? '' : 's'}, ${check.wanted.cleanupPolicy})`}`
        : check.status === 'differs'
          ? 'differs, left as is'
          : check.wanted.fromPattern ? 'exists (matched by the pattern)' : 'exists';
    return [check.wanted.roles.join('/'), check.wanted.topic, String(now?.partitions ?? '-'), String(now?.replicationFactor ?? '-'), now?.cleanupPolicy ?? '-', state];
  });
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  ')}\n`;
  let out = `topics of ${flags.config} (brokers ${config.kafka.brokers.join(',')})\n${line(header)}${rows.map(line).join('')}`;
  if (pattern !== undefined && !checks.some((c) => c.wanted.fromPattern)) out += `  input: the pattern /${pattern}/ matches no topic\n`;
  for (const check of checks) {
    for (const difference of check.differences) out += `  ${check.wanted.topic}: ${difference}\n`;
    for (const note of check.notes) out += `  ${check.wanted.topic}: ${note} (kept; streamscore works with any count)\n`;
  }
  return out;
}
