/**
 * The two module replacements in this folder (read-committed-fix.ts, producer-grouping-fix.ts)
 * were written against kafkajs 2.2.4's internal files. Another version may move or change those
 * files, and a replacement that no longer matches would silently bring back aborted records or
 * quadratic sends. So this folder refuses to load on any other version.
 */
import { createRequire } from 'node:module';
import { StreamscoreError } from '../../errors.js';

/** The kafkajs version the patches were written for and tested with. */
export const KAFKAJS_PATCHED_VERSION = '2.2.4';

/** Throws ERR_KAFKA_CLIENT_VERSION unless `version` is the one the patches fit. */
export function checkKafkajsVersion(version: string): void {
  if (version === KAFKAJS_PATCHED_VERSION) return;
  throw new StreamscoreError('ERR_KAFKA_CLIENT_VERSION',
    `kafkajs ${version} is installed, but streamscore's kafkajs patches (src/kafka/kafkajs/) were written for ${KAFKAJS_PATCHED_VERSION}: ` +
    `install kafkajs@${KAFKAJS_PATCHED_VERSION} (npm ci does), or set kafka.client to another client`);
}

const require = createRequire(import.meta.url);
checkKafkajsVersion((require('kafkajs/package.json') as { version: string }).version);
