/**
 * This folder works around @platformatic/kafka 1.35.0's behaviour (read-committed.ts, the
 * InitProducerId producer id in transactional-sink.ts, the default partitioner in partitioner.ts)
 * and reaches two of its exported internals (broker-api.ts: kGetApi; fetch-round.ts: the
 * ResponseError's `response`). Another version may fix or move any of them, so the client refuses
 * other versions until they are checked (test/integration/kafka/platformatic-client.test.ts shows
 * whether platformatic's own filter still leaks aborted records).
 */
import { clientSoftwareVersion } from '@platformatic/kafka';
import { StreamscoreError } from '../../errors.js';

export const PLATFORMATIC_CHECKED_VERSION = '1.35.0';

export function checkPlatformaticVersion(version: string = clientSoftwareVersion as string): void {
  if (version === PLATFORMATIC_CHECKED_VERSION) return;
  throw new StreamscoreError('ERR_KAFKA_CLIENT_VERSION',
    `@platformatic/kafka ${version} is installed, but streamscore's platformatic client (src/kafka/platformatic/) was written for ${PLATFORMATIC_CHECKED_VERSION}: ` +
    `install @platformatic/kafka@${PLATFORMATIC_CHECKED_VERSION} (npm ci does), or set kafka.client to another client`);
}
