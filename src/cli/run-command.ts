import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { createLogger } from '../observability/logger.js';
import type { Logger } from 'pino';
import { startService, type RunningService } from '../pipeline/service.js';
import { fail } from './fail.js';

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

async function stopAfterFailure(service: RunningService, logger: Logger): Promise<never> {
  await service.stop().catch((error) => logger.warn({ err: error }, 'stopping after the failure failed'));
  fail(service.pipeline.failed);
}

/** `streamscore run`: score until SIGTERM/SIGINT; a second signal exits at once. */
export async function runCommand(options: { config: string }): Promise<void> {
  let config: StreamscoreConfig;
  try {
    config = loadConfig(options.config);
  } catch (error) {
    fail(error);
  }
  const logger = createLogger(config.observability.logLevel, config.observability.prettyLogs);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now (nothing committed is lost; uncommitted work is redone by the next owner)');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the window in flight');
    void service?.stop().then((finished) => {
      logger.info({ finished }, finished ? 'stopped cleanly' : 'shutdown deadline passed; open transactions will be aborted by the broker');
      process.exit(finished ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    logger.info(summarise(config), 'streamscore starting');
    service = await startService(config, logger);
    logger.info({ modelSha256: service.model.sha256 }, 'streamscore running');
    // A window that cannot be scored may not be skipped: stop (nothing more was committed) and exit 1.
    service.pipeline.once('failed', () => void stopAfterFailure(service!, logger));
    if (stopping) onSignal('SIGTERM');
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    fail(error);
  }
}
