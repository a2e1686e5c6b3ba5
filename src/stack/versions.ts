/**
 * The pinned versions of the local stack (DESIGN.md §5, docs/local-stack.md).
 *
 * Kafka 4.4.0: the newest 4.x, verified with kafkajs 2.2.4 including transactions.
 * Apicurio Registry 3.3.3: serves Confluent's REST API under /apis/ccompat/v7; needs Java 21+.
 * docker-compose.yml and test/support/environment.ts pin the same versions as images.
 */
export const KAFKA_VERSION = '4.4.0';
export const KAFKA_MIN_JAVA = 17;

export const REGISTRY_VERSION = '3.3.3';
export const REGISTRY_MIN_JAVA = 21;
/** Maven coordinates of Apicurio's all-in-one Quarkus distribution (3.x ships only a tar.gz). */
export const REGISTRY_ARTIFACT = `io.apicurio:apicurio-registry-app:${REGISTRY_VERSION}:tar.gz:all`;
/** Where Apicurio serves the Confluent-compatible API. */
export const REGISTRY_CCOMPAT_PATH = '/apis/ccompat/v7';
