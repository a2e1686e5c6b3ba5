#!/usr/bin/env node
import { Command } from 'commander';
import { backfillCommand } from './backfill-command.js';
import { checkCommand } from './check-command.js';
import { demoCommand } from './demo-command.js';
import { generateCommand } from './generate-command.js';
import { runCommand } from './run-command.js';

const program = new Command()
  .name('streamscore')
  .description('Exactly-once, windowed batch inference for Kafka with ONNX models');

program.command('run')
  .description('Consume, score each window as one batch, produce predictions exactly once')
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .action(runCommand);

program.command('check')
  .description('Validate a configuration, its model and schemas without connecting anywhere')
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .action(checkCommand);

// Each command below registers its own options in its module (see registerXxx there).
program.command('generate')
  .description('Produce realistic, seeded IoT or fraud records to a topic')
  .argument('<scenario>', 'iot | fraud')
  .allowUnknownOption(true)
  .action((scenario, _opts, command: Command) => generateCommand(scenario, { argv: command.args.slice(1) }));

program.command('backfill')
  .description('Replay a historical range of a topic through a model, exactly once and resumable')
  .allowUnknownOption(true)
  .action((_opts, command: Command) => backfillCommand(undefined, { argv: command.args }));

program.command('demo')
  .description('Run both scenarios end to end on the local stack and print a report')
  .allowUnknownOption(true)
  .action((_opts, command: Command) => demoCommand(undefined, { argv: command.args }));

await program.parseAsync(process.argv);
