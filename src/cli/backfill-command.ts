import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import pino from 'pino';
import { defaultTopic } from '../backfill/backfill-config.js';
import { isValidBackfillId, type BackfillIdentity } from '../backfill/identity.js';
import { LogRouter } from '../backfill/progress-display.js';
import { parseBound } from '../backfill/range.js';
import { formatCount, formatSummary, progressFields, resumeCommand } from '../backfill/report.js';
import { runBackfill, type BackfillResult } from '../backfill/run-backfill.js';
import type { BackfillState } from '../backfill/state.js';
import { loadConfig } from '../config/load.js';
import { isStreamscoreError } from '../errors.js';
import type { StreamscoreConfig } from '../config/types.js';
import { fail, refuse } from './fail.js';
import { nonNegativeNumber, positiveInteger } from './option-parsers.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

interface BackfillFlags {
  config: string;
  topic?: string;
  from: string;
  to: string;
  id?: string;
  plan?: boolean;
  restart?: boolean;
  yes?: boolean;
  outputTopic?: string;
  model?: string;
  maxRate?: number;
  perPartition?: boolean;
  windowRecords?: number;
}

function backfillId(raw: string): string {
  if (!isValidBackfillId(raw)) throw new InvalidArgumentError(`expected 1–100 characters of A–Z a–z 0–9 . _ - (it names a consumer group and transactional ids), got "${raw}"`);
  return raw;
}

function positiveRate(raw: string): number {
  const value = nonNegativeNumber(raw);
  if (value === 0) throw new InvalidArgumentError(`expected a rate > 0 records/s, got "${raw}"`);
  return value;
}

/** `streamscore backfill`: a historical range of a topic through the model, exactly once, resumable. */
export function registerBackfill(program: Command): void {
  program.command('backfill')
    .description('Score a historical range of a topic, exactly once; resumable with the same command line')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON): the live one; the backfill derives its own group from it')
    .option('-t, --topic <name>', 'topic to read (default: the config\'s single input topic)')
    .requiredOption('--from <bound>', 'first record: ISO-8601 time with zone, a date (UTC), earliest, or offsets topic:partition:offset,…')
    .requiredOption('--to <bound>', 'end (exclusive): ISO-8601 time with zone, a date (UTC), latest, or offsets topic:partition:offset,…')
    .option('--id <id>', 'backfill id (default: a hash of the config path, topic and range); names the group <appId>.backfill.<id>', backfillId)
    .option('--plan', 'print the plan (per partition start, end, count; and progress if any) and exit without consuming')
    .option('--restart', 'delete this backfill\'s progress and plan, then run it from the start of the range (asks first)')
    .option('-y, --yes', 'with --restart: do not ask (needed when not at a terminal)')
    .option('--output-topic <name>', 'write predictions to this topic instead of the config\'s output.topic')
    .option('--model <file.onnx>', 'score with this model file instead of the config\'s model.path (same inputs and outputs)')
    .option('--max-rate <records/s>', 'at most this many records per second, on average', positiveRate)
    .option('--per-partition', 'at a terminal: one progress bar per partition as well')
    .option('--window-records <n>', 'records per window (default 5,000: larger than live windows)', positiveInteger)
    .addHelpText('after', `
Examples:
  streamscore backfill -c config/iot.yaml --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z --plan
  streamscore backfill -c config/iot.yaml --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z
  streamscore backfill -c config/iot.yaml --from iot-readings:0:1000,iot-readings:1:1000 --to latest --output-topic iot-rescored

The ends are fixed when the backfill first runs (stored with its group), so records written later are not
part of it. Ctrl-C stops after the window in flight; the same command resumes. See docs/backfill.md.`)
    .action(backfillCommand);
}

async function backfillCommand(flags: BackfillFlags): Promise<void> {
  if (flags.yes && !flags.restart) refuse('ERR_BACKFILL_USAGE', '--yes only confirms --restart');
  if (flags.restart && !flags.yes && !flags.plan && !process.stdin.isTTY) {
    refuse('ERR_BACKFILL_USAGE', '--restart deletes the progress of this backfill: confirm with --yes (there is no terminal to ask at)');
  }
  let config: StreamscoreConfig;
  try {
    config = loadConfig(flags.config);
  } catch (error) {
    fail(error);
  }
  const topic = flags.topic ?? defaultTopic(config);
  if (!topic) refuse('ERR_BACKFILL_USAGE', '--topic is needed: the config reads several topics or a pattern');

  const tty = process.stderr.isTTY === true;
  const router = new LogRouter();
  // At a terminal, people read the bars and the summary; the JSON log keeps to errors unless asked.
  const level = tty ? (process.env.LOG_LEVEL ?? 'error') : config.observability.logLevel;
  const logger = pino({ level, base: { pid: process.pid, service: 'streamscore', command: 'backfill' } }, router);
  const controller = new AbortController();
  onStopSignals({
    stop(signal) {
      logger.info({ signal }, 'stopping the backfill after the window in flight');
      // Through the router: at a terminal it prints above the progress bars instead of through them.
      router.write('stopping after the window in flight commits (again to quit at once)\n');
      controller.abort();
    },
  });

  const args = process.argv.slice(process.argv.indexOf('backfill') + 1);
  try {
    const from = parseBound(flags.from, '--from');
    const to = parseBound(flags.to, '--to');
    const result = await runBackfill({
      configPath: flags.config, config, topic, from, to, id: flags.id,
      planOnly: flags.plan === true, restart: flags.restart === true,
      outputTopic: flags.outputTopic, modelPath: flags.model, windowRecords: flags.windowRecords, maxRate: flags.maxRate,
      perPartition: flags.perPartition === true,
    }, {
      logger, router, tty, signal: controller.signal,
      print: (text) => process.stdout.write(`${text}\n`),
      confirmRestart: (identity, state) => confirmRestart(identity, state, flags.yes === true),
    });
    process.exit(report(result, args, logger));
  } catch (error) {
    // Known refusals are printed by fail() as `error CODE: message`; only the unexpected get a stack in the log.
    if (!isStreamscoreError(error)) logger.error({ err: error }, 'backfill failed');
    fail(error);
  }
}

/** Prints the outcome; returns the exit code: 0 done (or nothing to do), 130 interrupted, 1 cancelled. */
function report(result: BackfillResult, args: string[], logger: pino.Logger): number {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const { snapshot, identity } = result;
  switch (result.outcome) {
    case 'planned':
    case 'empty':
    case 'already-finished':
      return 0;
    case 'cancelled':
      return 1;
    case 'finished':
      logger.info({ backfill: identity.id, ...progressFields(snapshot!), durationMs: snapshot!.elapsedMs }, 'backfill finished');
      out(`backfill ${identity.id} finished: ${formatCount(snapshot!.total)} offsets of ${result.plan!.topic} done`);
      out(formatSummary(snapshot!, result.config!.output.topic, result.config!.output.deadLetterTopic));
      return 0;
    case 'interrupted':
      logger.info({ backfill: identity.id, ...progressFields(snapshot!), stoppedCleanly: result.stoppedCleanly }, 'backfill interrupted');
      out(`backfill ${identity.id} stopped: ${formatCount(snapshot!.done)} of ${formatCount(snapshot!.total)} offsets done (${snapshot!.percent.toFixed(1)}%)`);
      if (!result.stoppedCleanly) out('the window in flight did not settle within shutdown.timeoutMs: its transaction will be aborted and redone on resume');
      out(formatSummary(snapshot!, result.config!.output.topic, result.config!.output.deadLetterTopic));
      out(`resume with:\n  ${resumeCommand(args)}`);
      return EXIT_INTERRUPTED;
  }
}

/** Asks at the terminal (the command refused --restart without --yes where there is none). */
async function confirmRestart(identity: BackfillIdentity, state: BackfillState | undefined, yes: boolean): Promise<boolean> {
  if (yes || !process.stdin.isTTY) return yes;
  const progress = state ? `${formatCount(state.done)} of ${formatCount(state.total)} offsets done` : 'progress';
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Delete backfill ${identity.id}'s ${progress} and its plan (group ${identity.group}), then run it from the start of the range? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
