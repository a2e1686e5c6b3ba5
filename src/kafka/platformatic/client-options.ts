import type { BaseOptions, SASLMechanismValue } from '@platformatic/kafka';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { StreamscoreConfig } from '../../config/types.js';

export type KafkaConfig = StreamscoreConfig['kafka'];

const SASL_MECHANISMS: Record<NonNullable<KafkaConfig['sasl']>['mechanism'], SASLMechanismValue> = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};

/** Request timeout of every connection (the broker answers a fetch after at most its max wait). */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The connection settings of every platformatic client, from config.kafka. `ssl: true` is TLS with
 * Node's defaults; an object is passed to `tls.connect` as is (ca, cert, key, servername, ...), as
 * kafkajs does. SASL PLAIN and SCRAM map one to one. `retries`/`retryDelay` are platformatic's
 * per-request retries of errors it marks retriable; callers bound them (an idempotent producer
 * otherwise retries for ever, see transactional-sink.ts).
 */
export function baseOptions(config: KafkaConfig, clientIdSuffix: string, overrides: { requestTimeoutMs?: number } = {}): BaseOptions {
  const options: BaseOptions = {
    clientId: sanitiseClientId(config.clientId + clientIdSuffix),
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connectionTimeoutMs,
    requestTimeout: overrides.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    retries: 5,
    retryDelay: backoff,
    // Metadata older than this is refreshed before use: leaders move after broker restarts.
    metadataMaxAge: 5_000,
  };
  if (config.ssl) options.tls = config.ssl === true ? {} : (config.ssl as TlsOptions);
  if (config.sasl) options.sasl = { mechanism: SASL_MECHANISMS[config.sasl.mechanism], username: config.sasl.username ?? '', password: config.sasl.password ?? '' };
  return options;
}

/** Capped exponential backoff with jitter: 50 ms, 100 ms, ... up to 2 s. */
export function backoff(_client: unknown, _operation: string, attempt: number): number {
  const ceiling = Math.min(2_000, 50 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** platformatic refuses client ids with whitespace (its idProperty schema is `^\S+$`). */
function sanitiseClientId(clientId: string): string {
  return clientId.replace(/\s+/g, '-') || 'streamscore';
}
