/**
 * docker-compose.yml is checked without a Docker engine (none runs on the development machines or CI):
 * a real Compose implementation validates it (`docker compose config`, or Debian's `docker-compose`
 * 1.29, installed by .ci/run with `apt-get install -y --no-install-recommends docker-compose`), and a
 * mutated copy must be refused, so the validator is known to be validating. Then the file must wire the
 * same versions and settings as the local stack.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { KAFKA_VERSION, REGISTRY_VERSION } from '../../src/stack/versions.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const composeFile = join(repoRoot, 'docker-compose.yml');

interface Validator {
  command: string;
  prefix: string[];
  name: string;
}

/** `docker compose` (v2 plugin) where present, else `docker-compose` (v1, Debian's package). */
function findValidator(): Validator | undefined {
  const candidates: Validator[] = [
    { command: 'docker', prefix: ['compose'], name: 'docker compose' },
    { command: 'docker-compose', prefix: [], name: 'docker-compose' },
  ];
  return candidates.find((candidate) => spawnSync(candidate.command, [...candidate.prefix, 'version'], { stdio: 'ignore', timeout: 30_000 }).status === 0);
}

interface ComposeFile {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }> }>;
}

describe('docker-compose.yml', () => {
  let validator: Validator | undefined;
  let work: string;
  const compose = parse(readFileSync(composeFile, 'utf8')) as ComposeFile;

  before(() => {
    validator = findValidator();
    work = mkdtempSync(join(tmpdir(), 'streamscore-compose-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** Runs `config -q` on a file, with the repository as the project directory (for `build: .`). */
  function validate(file: string): { ok: boolean; output: string } {
    assert.ok(
      validator !== undefined,
      'no Compose validator: install one with `apt-get install -y --no-install-recommends docker-compose` (Debian) or the docker compose plugin',
    );
    const result = spawnSync(validator.command, [...validator.prefix, '-f', file, '--project-directory', repoRoot, 'config', '-q'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, STREAMSCORE_TOPICS: '' },
    });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
  }

  function mutated(name: string, change: (copy: ComposeFile) => void): string {
    const copy = parse(readFileSync(composeFile, 'utf8')) as ComposeFile;
    change(copy);
    const file = join(work, `${name}.yml`);
    writeFileSync(file, stringify(copy));
    return file;
  }

  it('is valid for a Compose implementation', () => {
    const result = validate(composeFile);
    assert.ok(result.ok, `${validator?.name} refused docker-compose.yml:\n${result.output}`);
  });

  it('refuses mutated copies (the validator really validates)', () => {
    const unchanged = validate(mutated('unchanged', () => undefined));
    assert.ok(unchanged.ok, `a faithful copy must pass:\n${unchanged.output}`);
    const cases: [string, (copy: ComposeFile) => void][] = [
      ['unknown-key', (copy) => Object.assign(copy.services.kafka, { imagee: 'apache/kafka:4.2.2' })],
      ['undefined-dependency', (copy) => Object.assign(copy.services.streamscore, { depends_on: { zookeeper: { condition: 'service_started' } } })],
      ['bad-environment-type', (copy) => Object.assign(copy.services.registry, { environment: 42 })],
    ];
    for (const [name, change] of cases) {
      const result = validate(mutated(name, change));
      assert.equal(result.ok, false, `${validator?.name} accepted the ${name} mutation`);
    }
  });

  it('pins the local stack versions and wires streamscore by service name', () => {
    assert.equal(compose.services.kafka.image, `apache/kafka:${KAFKA_VERSION}`);
    assert.equal(compose.services.registry.image, `apicurio/apicurio-registry:${REGISTRY_VERSION}`);
    const kafkaEnv = compose.services.kafka.environment ?? {};
    assert.equal(kafkaEnv.KAFKA_PROCESS_ROLES, 'broker,controller', 'KRaft, one combined node');
    assert.equal(kafkaEnv.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR, '1');
    assert.equal(kafkaEnv.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, '1');
    assert.equal(kafkaEnv.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, '1');
    assert.equal(kafkaEnv.KAFKA_AUTO_CREATE_TOPICS_ENABLE, 'false');
    assert.match(kafkaEnv.KAFKA_ADVERTISED_LISTENERS ?? '', /PLAINTEXT:\/\/kafka:9092/);

    // The registry keeps its schemas in the broker (kafkasql), so they last as long as the records naming their ids.
    const registry = compose.services.registry;
    assert.equal(registry.environment?.APICURIO_STORAGE_KIND, 'kafkasql', 'registry storage in Kafka, not in memory');
    assert.equal(registry.environment?.APICURIO_KAFKASQL_BOOTSTRAP_SERVERS, 'kafka:9092');
    assert.equal(registry.depends_on?.kafka?.condition, 'service_healthy', 'the registry starts once the broker it stores into answers');

    const app = compose.services.streamscore;
    assert.ok(app.build !== undefined, 'streamscore is built from the repository');
    assert.equal(app.environment?.KAFKA_BROKERS, 'kafka:9092');
    assert.equal(app.environment?.SCHEMA_REGISTRY_URL, 'http://registry:8080/apis/ccompat/v7');
    assert.equal(app.depends_on?.kafka?.condition, 'service_healthy');

    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image !== undefined && service.build === undefined) {
        assert.match(service.image, /:v?[0-9][\w.-]*$/, `${name}: image pinned to a version, not latest`); // prom/prometheus tags are v-prefixed
      }
    }
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/src\/cli\/main\.js"\]$/m);
    assert.match(dockerfile, /^CMD \["run", "--config", "\/app\/config\/iot-anomaly\.yaml"\]$/m);
  });
});

