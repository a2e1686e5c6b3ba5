import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import pino from 'pino';
import { defaultTopic } from '../backfill/backfill-config.js';
import { LogRouter } from '../backfill/progress-display.js';
import { parseBound } from '../backfill/range.js';
import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { formatDiffReport, type DiffReport } from '../diff/diff-report.js';
import { renderDiffHtml } from '../diff/diff-html.js';
import { DIFF_WINDOW_RECORDS, runDiff } from '../diff/run-diff.js';
import { isStreamscoreError, StreamscoreError } from '../errors.js';
import { LOCAL_STACK_ENV_HINT } from './connect-admin.js';
import { fail, refuse } from './fail.js';
import { positiveInteger } from './option-parsers.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

interface DiffFlags {
  config: string;
  topic?: string;
  from: string;
  to: string;
  model: string;
  against?: string;
  threshold?: number;
  output?: string;
  html?: string;
  windowRecords?: number;
}

function threshold(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`expected a number (the candidate's flag threshold), got "${raw}"`);
  return value;
}

/** `streamscore diff`: what a candidate model would have done on a range of history, next to the champion. */
export function registerDiff(program: Command): void {
  program.command('diff')
    .description('Rescore a range of history with a candidate model and report what would change against the champion (writes to no topic)')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON): input, decoding, features; its model.path is the champion')
    .option('-t, --topic <name>', 'topic to read (default: the config\'s single input topic)')
    .requiredOption('--from <bound>', 'first record: ISO-8601 time with zone, a date (UTC), earliest, or offsets topic:partition:offset,…')
    .requiredOption('--to <bound>', 'end (exclusive): ISO-8601 time with zone, a date (UTC), latest, or offsets topic:partition:offset,…')
    .requiredOption('--model <candidate.onnx>', 'the candidate model: same inputs and outputs as the config\'s model')
    .option('--against <topic>', 'predictions topic holding the champion\'s recorded predictions (read read_committed); without it, or for records it lacks, the champion is scored in this run')
    .option('--threshold <score>', 'the candidate\'s flag threshold (default: the config\'s model.outputs.threshold)', threshold)
    .option('-o, --output <report.json>', 'write the report as JSON')
    .option('--html <report.html>', 'write the report as one self-contained HTML page (plots, top flips; no network needed to view it)')
    .option('--window-records <n>', `records per model run (default ${DIFF_WINDOW_RECORDS.toLocaleString('en-US')})`, positiveInteger)
    .addHelpText('after', `
Examples:
  streamscore diff -c config/iot-anomaly.yaml --from 2026-11-01T00:00:00Z --to latest --model candidate.onnx
  streamscore diff -c config/iot-anomaly.yaml --from 2026-11-01 --to 2026-11-08 --model candidate.onnx \\
      --against iot.predictions --output diff.json --html diff.html

Each record of the range is decoded and mapped exactly as \`run\` does and scored by the candidate; its
champion score is the prediction recorded for the same source partition and offset in --against, or
the config's model scored here. Nothing is written to Kafka and no offset is committed. Ctrl-C stops
after the window in flight and reports what was compared (exit 130).
Endpoints: KAFKA_BROKERS and SCHEMA_REGISTRY_URL override the config (${LOCAL_STACK_ENV_HINT}).`)
    .action(diffCommand);
}

/** Refuses an output file whose folder cannot be written, before the work rather than after it. */
function checkWritable(option: string, file: string | undefined): void {
  if (!file) return;
  try {
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
  } catch {
    refuse('ERR_DIFF_USAGE', `${option} ${file}: its folder does not exist or cannot be written`);
  }
}

async function diffCommand(flags: DiffFlags): Promise<void> {
  checkWritable('--output', flags.output);
  checkWritable('--html', flags.html);
  let config: StreamscoreConfig;
  try {
    config = loadConfig(flags.config);
  } catch (error) {
    fail(error);
  }
  const topic = flags.topic ?? defaultTopic(config);
  if (!topic) refuse('ERR_DIFF_USAGE', '--topic is needed: the config reads several topics or a pattern');

  const tty = process.stderr.isTTY === true;
  const router = new LogRouter();
  const level = tty ? (process.env.LOG_LEVEL ?? 'error') : config.observability.logLevel;
  const logger = pino({ level, base: { pid: process.pid, service: 'streamscore', command: 'diff' } }, router);
  const controller = new AbortController();
  onStopSignals({
    stop(signal) {
      logger.info({ signal }, 'stopping the diff after the window in flight');
      router.write('stopping after the window in flight; the report covers what was compared (again to quit at once)\n');
      controller.abort();
    },
  });

  let report: DiffReport;
  try {
    const from = toDiffRange(() => parseBound(flags.from, '--from'));
    const to = toDiffRange(() => parseBound(flags.to, '--to'));
    const result = await runDiff({
      config, topic, from, to, candidateModel: flags.model, candidateThreshold: flags.threshold, against: flags.against,
      windowRecords: flags.windowRecords ?? DIFF_WINDOW_RECORDS,
    }, { logger, router, tty, signal: controller.signal, print: (text) => process.stdout.write(`${text}\n`) });
    report = result.report;
    if (result.empty) process.stdout.write('nothing to compare: the range is empty\n');
  } catch (error) {
    if (!isStreamscoreError(error)) logger.error({ err: error }, 'diff failed');
    fail(error);
  }
  process.stdout.write(`${formatDiffReport(report)}\n`);
  try {
    if (flags.output) {
      writeFileSync(flags.output, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`report: ${flags.output}\n`);
    }
    if (flags.html) {
      writeFileSync(flags.html, renderDiffHtml(report));
      process.stdout.write(`html: ${flags.html}\n`);
    }
  } catch (error) {
    fail(new StreamscoreError('ERR_DIFF_USAGE', `writing the report failed: ${(error as Error).message}`, { cause: error }));
  }
  logger.info({ compared: report.compared, missing: report.missing.total, interrupted: report.interrupted, durationMs: report.elapsedMs }, report.interrupted ? 'diff interrupted' : 'diff finished');
  process.exit(report.interrupted ? EXIT_INTERRUPTED : 0);
}

function toDiffRange<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isStreamscoreError(error) && error.code === 'ERR_BACKFILL_RANGE') throw new StreamscoreError('ERR_DIFF_RANGE', error.message, { cause: error });
    throw error;
  }
}
