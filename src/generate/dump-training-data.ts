/**
 * Writes a scenario's records as JSON lines, for model training and golden files:
 *
 *   node dist/src/generate/dump-training-data.js iot|fraud --count N --seed S [--out file.jsonl]
 *        [--entities N] [--rate R] [--start-time MS] [--interval-ms MS]
 *
 * One line per record: {"value": {...the Avro record value...}, "truth": {...}}.
 * Without --out the lines go to stdout. The only module under src/generate/ that does I/O.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { createScenarioGenerator, isScenarioName, SCENARIO_NAMES } from './scenarios.js';

const USAGE = `usage: dump-training-data <${SCENARIO_NAMES.join('|')}> --count N --seed S [--out file.jsonl]
       [--entities N] [--rate R] [--start-time MS] [--interval-ms MS]`;
/** Lines joined per write, so that writing is not the bottleneck. */
const CHUNK_LINES = 2000;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integerOption(name: string, raw: string | undefined, required: boolean): number | undefined {
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  return value;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      entities: { type: 'string' },
      rate: { type: 'string' },
      'start-time': { type: 'string' },
      'interval-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scenario = positionals[0];
  if (positionals.length !== 1 || scenario === undefined || !isScenarioName(scenario)) {
    throw new UsageError(`expected exactly one scenario (${SCENARIO_NAMES.join(' or ')}), got ${JSON.stringify(positionals)}`);
  }
  const count = integerOption('count', values.count, true)!;
  const generator = createScenarioGenerator(scenario, {
    seed: integerOption('seed', values.seed, true)!,
    entities: integerOption('entities', values.entities, false),
    rate: numberOption('rate', values.rate),
    startTime: integerOption('start-time', values['start-time'], false),
    intervalMs: numberOption('interval-ms', values['interval-ms']),
  });

  const out: Writable = values.out === undefined ? process.stdout : createWriteStream(values.out);
  let lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const record = generator.next();
    lines.push(JSON.stringify({ value: record.value, truth: record.truth }));
    if (lines.length === CHUNK_LINES) {
      await write(out, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) await write(out, `${lines.join('\n')}\n`);
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (error instanceof RangeError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
});
