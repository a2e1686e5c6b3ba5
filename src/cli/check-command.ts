import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import { preflight } from '../pipeline/service.js';
import { checkWriterVersion, contractRows, formatContract, formatWriterChecks, readerProblems, type ContractProblem } from './contract-report.js';
import { fail } from './fail.js';
import { summarise } from './run-command.js';
import { EXIT_INTERRUPTED, onStopSignals } from './stop-signals.js';

/**
 * `streamscore check`: validates the config, the model and the schemas, and prints the model's
 * contract (contract-report.ts). Connects nowhere, unless --registry: then every registered writer
 * schema of the input subject is checked against the reader schema. Exit 0, or 2 with the reasons.
 */
export async function checkCommand(options: { config: string; registry?: boolean }): Promise<void> {
  // Nothing to finish: a stop request ends the check at once.
  onStopSignals({ stop: () => process.exit(EXIT_INTERRUPTED) });
  try {
    const config = loadConfig(options.config);
    const { model } = await preflight(config);
    process.stdout.write(`ok: ${options.config} is valid\n`);
    process.stdout.write(JSON.stringify({ ...summarise(config), modelSha256: model.sha256 }, null, 2) + '\n');
    const reader = config.input.readerSchema ? avro.Type.forSchema(JSON.parse(readFileSync(config.input.readerSchema, 'utf8')) as avro.Schema) : undefined;
    process.stdout.write(`${formatContract(config, contractRows(config, reader))}\n`);
    const problems = reader ? readerProblems(config, reader) : [];
    if (problems.length) throw refusal('ERR_CONFIG_INVALID', problems);
    if (options.registry) await checkRegistry(config, reader);
  } catch (error) {
    fail(error);
  }
}

function refusal(code: 'ERR_CONFIG_INVALID' | 'ERR_CHECK_WRITER_SCHEMA', problems: ContractProblem[]): StreamscoreError {
  return new StreamscoreError(code, problems.length === 1 ? problems[0]!.message : `${problems.length} problems:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
}

/** Confluent REST: GET /subjects/{subject}/versions, then each /subjects/{subject}/versions/{v}. */
async function registryGet(config: StreamscoreConfig, path: string): Promise<unknown | undefined> {
  const { url, username, password } = config.schemaRegistry;
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (username) headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(`${url!.replace(/\/$/, '')}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new StreamscoreError('ERR_REGISTRY_TRANSIENT', `The schema registry at ${url} did not answer (${(error as Error).message}); set SCHEMA_REGISTRY_URL (for the local stack: set -a; . .stack/env; set +a)`, { cause: error });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new StreamscoreError('ERR_REGISTRY_TRANSIENT', `The schema registry answered ${response.status} for ${path}`);
  return response.json();
}

async function checkRegistry(config: StreamscoreConfig, reader: avro.Type | undefined): Promise<void> {
  if (!reader) {
    process.stdout.write('--registry: the input is not Avro with a reader schema (input.readerSchema): nothing to check\n');
    return;
  }
  if (!config.input.topics?.length) {
    process.stdout.write('--registry: the input is a topic pattern; writer schemas are looked up per topic (<topic>-value): name the topics in input.topics to check them\n');
    return;
  }
  const problems: ContractProblem[] = [];
  for (const topic of config.input.topics) {
    const subject = `${topic}-value`;
    const versions = (await registryGet(config, `/subjects/${encodeURIComponent(subject)}/versions`)) as number[] | undefined;
    if (!versions?.length) {
      process.stdout.write(`writer schemas of ${subject}: none registered yet\n`);
      continue;
    }
    const checks = [];
    for (const version of versions) {
      const entry = (await registryGet(config, `/subjects/${encodeURIComponent(subject)}/versions/${version}`)) as { schema: string; id: number } | undefined;
      if (!entry) continue;
      checks.push(checkWriterVersion(config, reader, JSON.parse(entry.schema), version, entry.id));
    }
    process.stdout.write(`${formatWriterChecks(subject, checks)}\n`);
    problems.push(...checks.flatMap((c) => c.problems));
  }
  if (problems.length) throw refusal('ERR_CHECK_WRITER_SCHEMA', problems);
}
