import { Option, type Command } from 'commander';
import { createProgress } from '../demo/progress.js';
import { formatReport } from '../demo/report.js';
import { runDemo, type DemoOptions } from '../demo/run-demo.js';
import { SCENARIO_NAMES, type ScenarioName } from '../generate/scenarios.js';
import { fail } from './fail.js';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, toolLogger } from './option-parsers.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

interface DemoFlags {
  records: number;
  rate: number;
  scenario: 'both' | ScenarioName;
  seed: number;
  keepStack?: boolean;
  timeout: number;
  statusPort: number;
}

/** Records per scenario by default: the run takes well under a minute on two cores. */
export const DEFAULT_DEMO_RECORDS = 100_000;
/** Per scenario: a steady live stream, so latencies describe scoring, not a backlog. */
export const DEFAULT_DEMO_RATE = 2_000;

/** `streamscore demo`: both scenarios end to end on a real broker, with a report. */
export function registerDemo(program: Command): void {
  program.command('demo')
    .description('Run both scenarios end to end (generators → Kafka → streamscore → predictions) and report throughput, latency and detection quality')
    .option('--records <n>', 'records per scenario', positiveInteger, DEFAULT_DEMO_RECORDS)
    .option('--rate <records/s>', 'records per second per scenario; 0 = as fast as possible (latency then includes the backlog)', nonNegativeNumber, DEFAULT_DEMO_RATE)
    .addOption(new Option('--scenario <name>', 'which scenarios to run').choices(['both', ...SCENARIO_NAMES]).default('both'))
    .option('--seed <n>', 'generator seed', nonNegativeInteger, 1)
    .option('--keep-stack', 'keep the run\'s topics and leave the local stack running')
    .option('--timeout <s>', 'how long to wait for the last record to be scored once all are produced', positiveInteger, 300)
    .option('--status-port <n>', 'port of the live status page on 127.0.0.1 (0: a free one)', nonNegativeInteger, 0)
    .addHelpText('after', `
Uses KAFKA_BROKERS and SCHEMA_REGISTRY_URL when both are set; otherwise starts (or reuses) the local
stack (npm run stack) and releases it at the end. Topics are created for this run only (names end in
.demo-<run id>) and deleted afterwards unless --keep-stack. Exit code 0 when every record was scored
exactly once with no dead letter and no pipeline error; 1 otherwise; 130 when interrupted.
The live status page (docs/operations.md#status-page) is printed once the pipelines run; with
--keep-stack it keeps serving the run's final figures after the report, until Ctrl-C.`)
    .action(demoCommand);
}

async function demoCommand(flags: DemoFlags): Promise<void> {
  const options: DemoOptions = {
    scenarios: flags.scenario === 'both' ? [...SCENARIO_NAMES] : [flags.scenario],
    records: flags.records,
    rate: flags.rate,
    seed: flags.seed,
    keepStack: flags.keepStack === true,
    scoreTimeoutMs: flags.timeout * 1000,
    statusPort: flags.statusPort,
  };
  const progress = createProgress();
  // kafkajs reports retried request errors as warnings; at a terminal they would tear the bars.
  const logger = toolLogger(process.stderr.isTTY ? 'error' : 'warn');
  const controller = new AbortController();
  onStopSignals({
    stop() {
      progress.log('interrupted: stopping the pipelines and removing the run\'s topics (again to quit at once)');
      controller.abort();
    },
  });

  try {
    const result = await runDemo(options, { env: process.env, logger, progress, signal: controller.signal });
    for (const leftover of result.leftovers) process.stderr.write(`warning: cleanup left ${leftover}\n`);
    if (result.interrupted) {
      process.stderr.write(`demo interrupted after ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    const failed = result.reports.some((r) => r.failures.length > 0);
    const header = `streamscore demo ${result.runId}: ${options.records.toLocaleString('en-US')} records per scenario, ${options.rate > 0 ? `${options.rate.toLocaleString('en-US')} records/s each` : 'as fast as possible'}; Kafka ${result.endpoints.brokers.join(',')} (${result.endpoints.source})`;
    process.stdout.write(`\n${header}\n\n${result.reports.map(formatReport).join('\n\n')}\n\n`);
    process.stdout.write(`${failed ? 'FAILED' : 'OK'}: every record ${failed ? 'was not' : 'was'} scored exactly once; demo took ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
    if (result.status) {
      process.stdout.write(`status page still up (--keep-stack) at ${result.status.url}: Ctrl-C to quit\n`);
      await new Promise((resolve) => controller.signal.addEventListener('abort', resolve, { once: true }));
      result.status.close();
    }
    process.exit(failed ? 1 : 0);
  } catch (error) {
    progress.stop();
    fail(error);
  }
}
