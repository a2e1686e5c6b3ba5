import { Option, type Command } from 'commander';
import { StreamscoreError } from '../errors.js';
import { DEFAULT_TOPICS, runGenerate, type GenerateOptions } from '../generate/generate-run.js';
import { parseStartTime } from '../generate/event-times.js';
import type { ProduceProgress, ProduceSummary } from '../generate/produce.js';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../generate/scenarios.js';
import { LOCAL_STACK_ENV_HINT } from './connect-admin.js';
import { fail, refuse } from './fail.js';
import { brokerList, formatCount, fraction, nonNegativeInteger, nonNegativeNumber, positiveInteger, toolLogger } from './option-parsers.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

interface GenerateFlags {
  count: number;
  rate: number;
  anomalyRate?: number;
  fraudRate?: number;
  devices?: number;
  cards?: number;
  seed: number;
  topic?: string;
  startTime?: string;
  timestamp: 'event' | 'now';
  schemaVersion: '1' | '2';
  brokers?: string[];
  registry?: string;
  batchSize: number;
}

const POSITIVE_NAMES = { iot: 'anomalies', fraud: 'frauds' } as const satisfies Record<ScenarioName, string>;

/** `streamscore generate <scenario>`: scenario records as Avro to a Kafka topic, ground truth in headers. */
export function registerGenerate(program: Command): void {
  program.command('generate')
    .description('Produce a scenario\'s records (Avro, Confluent wire format) to Kafka, keyed by device/card, ground truth in headers')
    .argument('<scenario>', `the scenario: ${SCENARIO_NAMES.join(' | ')}`)
    .option('-n, --count <n>', 'records to produce; 0 = until Ctrl-C', nonNegativeInteger, 10_000)
    .option('-r, --rate <records/s>', 'records per second; 0 = as fast as possible', nonNegativeNumber, 0)
    .option('--anomaly-rate <fraction>', 'iot: fraction of anomalous readings (default 0.02)', fraction)
    .option('--fraud-rate <fraction>', 'fraud: fraction of fraudulent transactions (default 0.01)', fraction)
    .option('--devices <n>', 'iot: number of devices (default 500)', positiveInteger)
    .option('--cards <n>', 'fraud: number of cards (default 2000)', positiveInteger)
    .option('-s, --seed <n>', 'random seed: the same seed and start time give the same records', nonNegativeInteger, 1)
    .option('-t, --topic <name>', `topic (default ${Object.entries(DEFAULT_TOPICS).map(([s, t]) => `${s}: ${t}`).join(', ')})`)
    .option('--start-time <iso-8601|now>', 'event time of the first record, e.g. 2026-11-01T00:00:00Z for history (default: a bounded run ends now, an endless one starts now)')
    .addOption(new Option('--timestamp <source>', 'message timestamp: the record\'s event time, or the time it is sent').choices(['event', 'now']).default('event'))
    .addOption(new Option('--schema-version <version>', 'write with schema v1, or the evolved v2 (one more optional field)').choices(['1', '2']).default('1'))
    .option('--brokers <list>', 'bootstrap brokers host:port[,…] (default: env KAFKA_BROKERS)', brokerList)
    .option('--registry <url>', 'schema registry URL (default: env SCHEMA_REGISTRY_URL)')
    .option('--batch-size <n>', 'records per send when producing as fast as possible', positiveInteger, 1000)
    .addHelpText('after', `
Examples:
  streamscore generate iot --count 100000                    100k readings as fast as possible, ending now
  streamscore generate fraud --rate 200 --count 0            a live stream of 200 transactions/s until Ctrl-C
  streamscore generate iot --start-time 2026-11-28T00:00:00Z --count 5000 --schema-version 2

Ground truth goes in headers (streamscore.truth.anomaly|fraud = "1"/"0", streamscore.truth.kind), never in the value.
The topic must exist. Endpoints: --brokers/--registry, else KAFKA_BROKERS/SCHEMA_REGISTRY_URL (${LOCAL_STACK_ENV_HINT}).`)
    .action(generateCommand);
}

async function generateCommand(scenario: string, flags: GenerateFlags): Promise<void> {
  const options = toOptions(scenario, flags);
  const logger = toolLogger();
  const controller = new AbortController();
  let interrupted = false;
  onStopSignals({
    stop() {
      interrupted = true;
      process.stderr.write('\nstopping after the batch in flight (again to quit at once)\n');
      controller.abort();
    },
  });

  const progress = progressPrinter(options);
  try {
    const result = await runGenerate(options, {
      logger,
      signal: controller.signal,
      onProgress: progress.update,
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      onStart: (plan) => process.stderr.write(
        `producing ${options.count ? formatCount(options.count) : 'endless'} ${options.scenario} records to ${options.topic} (${plan.partitions} partitions, schema v${options.schemaVersion} id ${plan.schemaId}, seed ${options.seed}, first event time ${new Date(plan.startTime).toISOString()})\n`,
      ),
    });
    progress.done();
    if (result.summary) process.stdout.write(summaryText(options, result.summary) + '\n');
    // Both refusals runGenerate returns are the topic's timestamp limits (before the run, or once an endless run outruns them).
    if (!result.ok) fail(new StreamscoreError('ERR_GENERATE_TIMESTAMP_REFUSED', result.refusal));
    process.exit(interrupted && options.count > 0 ? EXIT_INTERRUPTED : 0);
  } catch (error) {
    progress.done();
    fail(error);
  }
}

function toOptions(scenario: string, flags: GenerateFlags): GenerateOptions {
  if (!isScenarioName(scenario)) refuse('ERR_GENERATE_USAGE', `unknown scenario "${scenario}"; expected one of ${SCENARIO_NAMES.join(', ')}`);
  const wrong = scenario === 'iot' ? { '--fraud-rate': flags.fraudRate, '--cards': flags.cards } : { '--anomaly-rate': flags.anomalyRate, '--devices': flags.devices };
  for (const [name, value] of Object.entries(wrong)) {
    if (value !== undefined) refuse('ERR_GENERATE_USAGE', `${name} does not apply to the ${scenario} scenario`);
  }
  const brokers = flags.brokers ?? brokerListFromEnv();
  const registryUrl = flags.registry ?? process.env.SCHEMA_REGISTRY_URL?.trim();
  if (!brokers?.length) refuse('ERR_GENERATE_USAGE', `no Kafka brokers: pass --brokers or set KAFKA_BROKERS (${LOCAL_STACK_ENV_HINT})`);
  if (!registryUrl) refuse('ERR_GENERATE_USAGE', `no schema registry: pass --registry or set SCHEMA_REGISTRY_URL (${LOCAL_STACK_ENV_HINT})`);
  let startTime: number | undefined;
  if (flags.startTime !== undefined) {
    startTime = parseStartTime(flags.startTime, Date.now());
    if (startTime === undefined) refuse('ERR_GENERATE_USAGE', `--start-time: expected an ISO-8601 date-time (e.g. 2026-11-01T00:00:00Z) or "now", got "${flags.startTime}"`);
  }
  return {
    scenario,
    topic: flags.topic ?? DEFAULT_TOPICS[scenario],
    brokers,
    registryUrl,
    count: flags.count,
    rate: flags.rate,
    seed: flags.seed,
    positiveRate: scenario === 'iot' ? flags.anomalyRate : flags.fraudRate,
    entities: scenario === 'iot' ? flags.devices : flags.cards,
    startTime,
    timestamp: flags.timestamp,
    schemaVersion: flags.schemaVersion === '2' ? 2 : 1,
    batchSize: flags.batchSize,
  };
}

function brokerListFromEnv(): string[] | undefined {
  const raw = process.env.KAFKA_BROKERS?.trim();
  return raw ? brokerList(raw) : undefined;
}

/** Progress on stderr: one line rewritten in place at a terminal, a line every 5 s otherwise. */
function progressPrinter(options: GenerateOptions): { update: (p: ProduceProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const everyMs = tty ? 250 : 5000;
  let last = 0;
  let shown = false;
  const line = (p: ProduceProgress): string => {
    const of = options.count ? `/${formatCount(options.count)}` : '';
    const rate = p.elapsedMs > 0 ? formatCount((p.produced * 1000) / p.elapsedMs) : '-';
    return `${formatCount(p.produced)}${of} records (${rate}/s), ${formatCount(p.positives)} ${POSITIVE_NAMES[options.scenario]}`;
  };
  return {
    update(p) {
      if (p.elapsedMs - last < everyMs) return;
      last = p.elapsedMs;
      shown = true;
      process.stderr.write(tty ? `\r${line(p)}\x1b[K` : `${line(p)}\n`);
    },
    done() {
      if (shown && tty) process.stderr.write('\n');
    },
  };
}

function summaryText(options: GenerateOptions, s: ProduceSummary): string {
  const seconds = s.elapsedMs / 1000;
  const kinds = Object.entries(s.byKind).filter(([kind]) => kind !== 'none').sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${formatCount(n)}`).join(', ');
  const share = s.produced ? ((100 * s.positives) / s.produced).toFixed(2) : '0.00';
  const times = s.firstEventTime === undefined ? '' : `; event times ${new Date(s.firstEventTime).toISOString()} → ${new Date(s.lastEventTime!).toISOString()}`;
  return [
    `produced ${formatCount(s.produced)} ${options.scenario} records to ${options.topic} in ${seconds.toFixed(1)} s (${formatCount(seconds > 0 ? s.produced / seconds : 0)} records/s)${s.stopped === 'signal' ? ', stopped by signal' : ''}`,
    `${formatCount(s.positives)} ${POSITIVE_NAMES[options.scenario]} (${share}%)${kinds ? `: ${kinds}` : ''}${times}`,
  ].join('\n');
}
