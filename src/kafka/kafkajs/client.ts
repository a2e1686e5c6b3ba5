import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../../config/types.js';

/**
 * kafkajs logs every failed request at ERROR, including the ones it retries a moment later;
 * those are not errors for an operator: they go to debug, other kafkajs ERROR/WARN to warn, INFO to debug.
 */
function logCreator(logger: Logger) {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const child = { component: 'kafkajs', namespace, ...extra };
    // Per-request errors and retried sends are kafkajs retrying (CONCURRENT_TRANSACTIONS after
    // every commit, coordinator moves): a real failure reaches our code as an exception and is
    // logged there. Keep them for debugging only, so warn lines mean something at 3 a.m.
    const retried = namespace === 'Connection' || 'retryCount' in extra;
    if (retried && (level === logLevel.ERROR || level === logLevel.WARN)) logger.debug(child, message);
    else if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(child, message);
    else if (level === logLevel.INFO) logger.debug(child, message);
    else logger.trace(child, message);
  };
}

export function createKafka(config: StreamscoreConfig['kafka'], logger: Logger, clientIdSuffix = ''): Kafka {
  const options: KafkaConfig = {
    clientId: config.clientId + clientIdSuffix,
    brokers: config.brokers,
    ssl: config.ssl as KafkaConfig['ssl'],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: 30_000,
    // kafkajs' per-request DEBUG logs only when someone asked for trace.
    logLevel: logger.isLevelEnabled('trace') ? logLevel.DEBUG : logLevel.INFO,
    logCreator: logCreator(logger),
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
  };
  if (config.sasl) options.sasl = { mechanism: config.sasl.mechanism, username: config.sasl.username ?? '', password: config.sasl.password ?? '' } as SASLOptions;
  return new Kafka(options);
}
