/** The commands of the `streamscore` executable (loaded by main.ts once the signal listeners are in place). */
import { Command } from 'commander';
import { registerBackfill } from './backfill-command.js';
import { checkCommand } from './check-command.js';
import { registerDemo } from './demo-command.js';
import { registerDiff } from './diff-command.js';
import { exitOnCommanderError } from './fail.js';
import { registerGenerate } from './generate-command.js';
import { runCommand } from './run-command.js';
import { registerTail } from './tail-command.js';
import { registerTopics } from './topics-command.js';

const program = new Command()
  .name('streamscore')
  .description('Exactly-once, windowed batch inference for Kafka with ONNX models')
  // Set before the commands are added: each copies it from the program when created.
  .exitOverride(exitOnCommanderError);

program.command('run')
  .description('Consume, score each window as one batch, produce predictions exactly once')
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .action(runCommand);

program.command('check')
  .description('Validate a configuration, its model and schemas, and print the model\'s contract; connects nowhere unless --registry')
  .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON)')
  .option('--registry', 'also check every registered writer schema of the input subject (<topic>-value) against the reader schema')
  .action(checkCommand);

// These modules each define their command and its options.
registerTopics(program);
registerGenerate(program);
registerBackfill(program);
registerDiff(program);
registerTail(program);
registerDemo(program);

await program.parseAsync(process.argv);
