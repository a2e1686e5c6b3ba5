import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { StreamscoreError } from '../errors.js';
import { configSchema } from './schema.js';
import type { StreamscoreConfig } from './types.js';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile(configSchema);

/** Env overrides for endpoints and secrets: they win over the file. */
function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const section = (key: string): Record<string, unknown> => {
    const value = raw[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    const created: Record<string, unknown> = {};
    raw[key] = created;
    return created;
  };
  if (env.KAFKA_BROKERS) section('kafka').brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
    const kafka = section('kafka');
    const sasl = (kafka.sasl ?? { mechanism: 'plain' }) as Record<string, unknown>;
    if (env.KAFKA_SASL_USERNAME) sasl.username = env.KAFKA_SASL_USERNAME;
    if (env.KAFKA_SASL_PASSWORD) sasl.password = env.KAFKA_SASL_PASSWORD;
    kafka.sasl = sasl;
  }
  if (env.SCHEMA_REGISTRY_URL) section('schemaRegistry').url = env.SCHEMA_REGISTRY_URL;
  if (env.SCHEMA_REGISTRY_USERNAME) section('schemaRegistry').username = env.SCHEMA_REGISTRY_USERNAME;
  if (env.SCHEMA_REGISTRY_PASSWORD) section('schemaRegistry').password = env.SCHEMA_REGISTRY_PASSWORD;
  if (env.LOG_LEVEL) section('observability').logLevel = env.LOG_LEVEL;
}

function keyOf(error: ErrorObject): string {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') return [base, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') return [base, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  return base || '(root)';
}

function found(raw: unknown, error: ErrorObject): string {
  if (error.keyword === 'required') return 'nothing';
  if (error.keyword === 'additionalProperties') return 'an unknown key';
  let value: unknown = raw;
  for (const part of error.instancePath.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[part];
  if ((error.keyword === 'oneOf' || error.keyword === 'anyOf') && value && typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length ? `keys ${keys.join(', ')}` : 'no keys';
  }
  return JSON.stringify(value) ?? 'undefined';
}

function expected(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': return 'the key to be set';
    case 'additionalProperties': return 'no such key (check its spelling against docs/config.md)';
    case 'enum': return `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type': return `a value of type ${String(p.type)}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'minItems': return `at least ${String(p.limit)} item(s)`;
    case 'minLength': return 'a non-empty string';
    case 'pattern': return `a string matching ${String(p.pattern)}`;
    case 'oneOf': case 'anyOf': return describeAlternatives(error);
    default: return error.message ?? error.keyword;
  }
}

function describeAlternatives(error: ErrorObject): string {
  const schema = error.parentSchema as { [k: string]: unknown } | undefined;
  const alternatives = (schema?.[error.keyword] as { required: string[] }[] | undefined) ?? [];
  const names = alternatives.map((a) => a.required.join(' + '));
  return error.keyword === 'oneOf' ? `exactly one of: ${names.join(' | ')}` : `at least one of: ${names.join(', ')}`;
}

/** Readable, one line per problem: key, what was expected, what was found. */
export function describeConfigErrors(raw: unknown, errors: ErrorObject[]): string[] {
  // ajv reports each failed branch of a oneOf/anyOf too; those are noise next to the summary line.
  const alternativesAt = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  const lines = errors
    .filter((e) => !(e.keyword === 'required' && alternativesAt.has(e.instancePath)))
    .map((e) => `key "${keyOf(e)}": expected ${expected(e)}, found ${found(raw, e)}`);
  return [...new Set(lines)];
}

/** Checks the schema cannot express (cross-field rules). */
function semanticErrors(config: StreamscoreConfig): string[] {
  const errors: string[] = [];
  if (config.input.codec === 'avro' && !config.input.readerSchema) errors.push('key "input.readerSchema": expected a path to an .avsc file when input.codec is "avro", found nothing');
  if (!config.kafka.brokers?.length) errors.push('key "kafka.brokers": expected at least one broker (or env KAFKA_BROKERS), found nothing');
  if (!config.schemaRegistry.url) errors.push('key "schemaRegistry.url": expected the registry URL (or env SCHEMA_REGISTRY_URL), found nothing');
  if (config.input.topicPattern) {
    try { new RegExp(config.input.topicPattern); } catch (error) { errors.push(`key "input.topicPattern": expected a valid regular expression, found ${JSON.stringify(config.input.topicPattern)} (${(error as Error).message})`); }
  }
  const s = config.window;
  if (s.maxRecords === undefined && s.maxBytes === undefined && s.maxLingerMs === undefined) {
    errors.push('key "window": expected at least one of maxRecords, maxBytes, maxLingerMs, found none');
  }
  config.model.inputs.forEach((input, i) => input.columns.forEach((column, j) => {
    const key = `model.inputs.${i}.columns.${j}`;
    if (column.dtype === 'category' && !column.vocabulary) errors.push(`key "${key}.vocabulary": expected a list of categories for dtype "category", found nothing`);
    if (column.dtype !== 'category' && column.vocabulary) errors.push(`key "${key}.vocabulary": expected no vocabulary for dtype "${column.dtype}", found one`);
    if (column.scale?.min !== undefined && column.scale.max !== undefined && column.scale.max <= column.scale.min) errors.push(`key "${key}.scale": expected max > min, found min ${column.scale.min}, max ${column.scale.max}`);
  }));
  if (config.output.topic === config.output.deadLetterTopic) errors.push('key "output.deadLetterTopic": expected a topic other than output.topic, found the same');
  return errors;
}

/** Validates a parsed configuration object; paths inside it resolve against baseDir. */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): StreamscoreConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StreamscoreError('ERR_CONFIG_INVALID', 'Invalid configuration:\n  key "(root)": expected a mapping of keys, found ' + JSON.stringify(raw));
  }
  const copy = structuredClone(raw) as Record<string, unknown>;
  applyEnvOverrides(copy, env);
  if (!validate(copy)) {
    throw new StreamscoreError('ERR_CONFIG_INVALID', 'Invalid configuration:\n  ' + describeConfigErrors(copy, validate.errors ?? []).join('\n  '));
  }
  const config = copy as unknown as StreamscoreConfig;
  const problems = semanticErrors(config);
  if (problems.length) throw new StreamscoreError('ERR_CONFIG_INVALID', 'Invalid configuration:\n  ' + problems.join('\n  '));
  const resolvePath = (p: string): string => (path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  config.model.path = resolvePath(config.model.path);
  config.output.schema = resolvePath(config.output.schema);
  if (config.input.readerSchema) config.input.readerSchema = resolvePath(config.input.readerSchema);
  return config;
}

/**
 * Reads a YAML (or JSON) file and validates it. Relative paths in the file (model, schemas)
 * resolve against the working directory, so configs under config/ name `models/...` as users type it.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): StreamscoreConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StreamscoreError('ERR_CONFIG_UNREADABLE', `Cannot read configuration file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new StreamscoreError('ERR_CONFIG_UNREADABLE', `Configuration file ${file} is not valid YAML or JSON: ${(error as Error).message}`, { cause: error });
  }
  return validateConfig(raw, env);
}
