/**
 * The pinned versions of the local stack (DESIGN.md §5, docs/local-stack.md).
 *
 * Kafka 4.2.2: the newest release without KAFKA-20734. Brokers 4.3.0 to 4.4.x drop transaction markers
 * after an unclean restart (the coordinator takes a partition that briefly has no leader for a deleted
 * one), so acknowledged commits can be lost or duplicated: docs/exactly-once.md "Broker versions".
 * Move forward only to a release with the fix, and run test/integration/pipeline/broker-outage.test.ts there.
 * Apicurio Registry 3.3.3: serves Confluent's REST API under /apis/ccompat/v7; needs Java 21+.
 * docker-compose.yml and test/support/environment.ts pin the same versions as images.
 */
export const KAFKA_VERSION = '4.2.2';
export const KAFKA_MIN_JAVA = 17;

export const REGISTRY_VERSION = '3.3.3';
export const REGISTRY_MIN_JAVA = 21;
/** Maven coordinates of Apicurio's all-in-one Quarkus distribution (3.x ships only a tar.gz). */
export const REGISTRY_ARTIFACT = `io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all`;
/** Where Apicurio serves the Confluent-compatible API. */
export const REGISTRY_CCOMPAT_PATH = '/apis/ccompat/v7';
