import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../../config/types.js';
import { StreamscoreError } from '../../errors.js';
import type { KafkaClient } from '../types.js';

export function createPlatformaticClient(_config: StreamscoreConfig['kafka'], _logger: Logger, _clientIdSuffix = ''): KafkaClient {
  throw new StreamscoreError('ERR_CONFIG_INVALID', 'kafka.client: platformatic is not built yet');
}
