import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { createLogger } from '../observability/logger.js';
import { startService, type RunningService } from '../pipeline/service.js';
import { fail } from './fail.js';
import { onStopSignals } from './stop-signals.js';

export function summarise(config: StreamscoreConfig): Record<string, unknown> {
  return {
    appId: config.appId,
    brokers: config.kafka.brokers.join(','),
    registry: config.schemaRegistry.url,
    input: config.input.topics?.join(',') ?? `/${config.input.topicPattern}/`,
    codec: config.input.codec,
    output: config.output.topic,
    deadLetters: config.output.deadLetterTopic,
    window: { maxRecords: config.window.maxRecords, maxBytes: config.window.maxBytes, maxLingerMs: config.window.maxLingerMs },
    model: `${config.model.name}@${config.model.version} (${config.model.path})`,
    metrics: config.observability.metricsPort > 0 ? `http://${config.observability.metricsHost}:${config.observability.metricsPort}/metrics` : 'off',
  };
}

/**
 * `streamscore run`: score until SIGTERM/SIGINT, then finish the window in flight, leave the group
 * and exit 0; a second signal exits at once (130).
 *
 * A stop can be asked for at any moment of start-up (src/cli/stop-signals.ts hands over signals
 * that came while the modules loaded). Before the service starts, it is not started; while it
 * starts (connecting, joining the group), start-up runs to its end and the service is then stopped
 * like a running one; if start-up fails instead, the process exits with that failure's code.
 */
export async function runCommand(options: { config: string }): Promise<void> {
  let config: StreamscoreConfig;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    fail(error);
  }
  const logger = createLogger(config.observability.logLevel, config.observability.prettyLogs);

  let state: { phase: 'before-start' | 'starting' } | { phase: 'running'; service: RunningService } = { phase: 'before-start' };
  let stopRequested: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (service: RunningService, signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping: finishing the window in flight');
    stopping ??= service.stop().then((finished) => {
      logger.info({ finished }, finished ? 'stopped cleanly' : 'shutdown deadline passed; open transactions will be aborted by the broker');
      if (service.pipeline.failed) fail(service.pipeline.failed);
      process.exit(finished ? 0 : 1);
    });
  };
  // Also delivers a signal that came before (while the modules loaded): then the service is not started.
  onStopSignals({
    stop(signal) {
      stopRequested = signal;
      if (state.phase === 'running') stop(state.service, signal);
      else if (state.phase === 'starting') logger.info({ signal }, 'stop requested during start-up: stopping once the service has started');
    },
    quit(signal) {
      logger.warn({ signal }, 'second signal: exiting now (nothing committed is lost; uncommitted work is redone by the next owner)');
    },
  });
  if (stopRequested) {
    logger.info({ signal: stopRequested }, 'stop requested before start-up: not starting');
    process.exit(0);
  }

  let service: RunningService;
  try {
    state = { phase: 'starting' };
    logger.info(summarise(config), 'streamscore starting');
    service = await startService(config, logger);
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    fail(error);
  }
  state = { phase: 'running', service };
  logger.info({ modelSha256: service.model.sha256 }, 'streamscore running');
  // A window that cannot be scored may not be skipped: the pipeline commits nothing more; stop, exit 1.
  service.pipeline.once('failed', () => {
    stopping ??= service.stop().catch((error: unknown) => logger.warn({ err: error }, 'stopping after the failure failed')).then(() => fail(service.pipeline.failed));
  });
  if (stopRequested) stop(service, stopRequested);
}
