#!/usr/bin/env node
/**
 * `npm run stack -- up | down | status`: the local Kafka + schema registry (docs/local-stack.md).
 * Exit codes: 0 done (status: all up), 1 error (one line: `error ERR_…: message`), 3 status: not all up.
 */
import { relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { isStreamscoreError } from '../errors.js';
import { stackDown } from './stack-down.js';
import { stackStatus } from './stack-status.js';
import { stackUp } from './stack-up.js';

const progress = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};

/** Paths under the working directory print short. */
const show = (path: string): string => {
  const short = relative(process.cwd(), path);
  return short !== '' && !short.startsWith('..') ? short : path;
};

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new InvalidArgumentError('a port is an integer from 1 to 65535');
  return parsed;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, index) => (index < widths.length ? cell.padEnd(widths[index]) : cell)).join('  ').trimEnd();
}

const program = new Command()
  .name('stack')
  .description('The local Kafka broker and schema registry, run as processes (DESIGN.md §5).')
  .showHelpAfterError();

program
  .command('up')
  .description('start the stack, or reuse it when it already runs; writes .stack/env')
  .option('--fresh', 'stop it if it runs, wipe its data and logs, and start anew on new ports')
  .option('--kafka-port <port>', 'Kafka port when the stack is created (default: a free port)', port)
  .option('--controller-port <port>', 'KRaft controller port when the stack is created', port)
  .option('--registry-port <port>', 'schema registry port when the stack is created', port)
  .action(async (options: { fresh?: boolean; kafkaPort?: number; controllerPort?: number; registryPort?: number }) => {
    const result = await stackUp({
      fresh: options.fresh,
      ports: { kafka: options.kafkaPort, controller: options.controllerPort, registry: options.registryPort },
      log: progress,
    });
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    const status = await stackStatus();
    const verb = result.startedNow ? 'up' : 'already up, reused';
    process.stdout.write(`stack ${verb} in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
    for (const service of status.services) {
      process.stdout.write(
        `  ${row([service.name, result.services[service.name], `pid ${service.pid ?? '-'}`, service.endpoint ?? '-', `log ${show(service.logFile)}`], [8, 7, 10, 42])}\n`,
      );
    }
    process.stdout.write(`KAFKA_BROKERS=${result.brokers.join(',')}\nSCHEMA_REGISTRY_URL=${result.registryUrl}\n(also in ${show(result.envFile)})\n`);
  });

program
  .command('down')
  .description('stop exactly the recorded processes (SIGTERM, then SIGKILL); data stays unless --wipe')
  .option('--wipe', 'also delete data, logs and state (the artifact cache stays)')
  .action(async (options: { wipe?: boolean }) => {
    const result = await stackDown({ wipe: options.wipe, log: progress });
    const stopped = Object.entries(result.services).filter(([, outcome]) => outcome !== 'not-running');
    process.stdout.write(stopped.length === 0 ? 'stack was not running\n' : `stack down (${stopped.map(([name, outcome]) => `${name} ${outcome}`).join(', ')})\n`);
    if (result.wiped) process.stdout.write('data wiped\n');
  });

program
  .command('status')
  .description('per service: running or not, pid, endpoint, log file; exit 0 when all are up, 3 when not')
  .option('--json', 'print the status as JSON')
  .action(async (options: { json?: boolean }) => {
    const status = await stackStatus();
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    } else {
      for (const service of status.services) {
        const state = !service.running ? 'stopped' : service.answering ? 'running' : 'not answering';
        const listening = service.listening === undefined ? '' : `listens ${service.listening.join(',') || '-'}`;
        process.stdout.write(
          `${row([service.name, state, `pid ${service.pid ?? '-'}`, service.endpoint ?? '-', `log ${show(service.logFile)}`, listening], [8, 13, 10, 42, 30])}\n`,
        );
      }
    }
    process.exitCode = status.up ? 0 : 3;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isStreamscoreError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
}
