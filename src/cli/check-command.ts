import { loadConfig } from '../config/load.js';
import { preflight } from '../pipeline/service.js';
import { fail } from './fail.js';
import { summarise } from './run-command.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

/** `streamscore check`: validates the config, the model and the schemas without connecting anywhere. */
export async function checkCommand(options: { config: string }): Promise<void> {
  // Nothing to finish: a stop request ends the check at once.
  onStopSignals({ stop: () => process.exit(EXIT_INTERRUPTED) });
  try {
    const config = loadConfig(options.config);
    const { model } = await preflight(config);
    process.stdout.write(`ok: ${options.config} is valid\n`);
    process.stdout.write(JSON.stringify({ ...summarise(config), modelSha256: model.sha256 }, null, 2) + '\n');
  } catch (error) {
    fail(error);
  }
}
