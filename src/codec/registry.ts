import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { StreamscoreError } from '../errors.js';

export interface RegistryOptions {
  url: string;
  username?: string;
  password?: string;
}

/** Confluent wire format: magic byte 0, then the schema id as a big-endian int32, then the Avro body. */
export const WIRE_MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

/**
 * The schema registry as streamscore needs it: writer schemas by id, and registering the
 * prediction schema. Failures are classified once, here: a 404 for a schema id is permanent for
 * the records that carry it; a registration the registry (or the client, over the subject's
 * compatibility level) refuses is fatal; anything else (connection refused, 5xx, timeouts — the
 * client reports a refused connection as status 400) is transient and must never dead-letter a record.
 */
export class Registry {
  private readonly client: SchemaRegistry;

  constructor(options: RegistryOptions) {
    const auth = options.username ? { username: options.username, password: options.password ?? '' } : undefined;
    // The client's own retries would hide outages from our backoff and logs: we retry ourselves.
    this.client = new SchemaRegistry({ host: options.url, auth, retry: { retries: 0 } });
  }

  /** The writer schema for an id; undefined if the registry says it does not exist. */
  async writerType(id: number): Promise<avro.Type | undefined> {
    try {
      return (await this.client.getSchema(id)) as unknown as avro.Type;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw transient(`Schema registry lookup of schema id ${id} failed`, error);
    }
  }

  /** Registers an Avro schema under a subject (idempotent) and returns its id. */
  async register(schema: object, subject: string): Promise<number> {
    try {
      const { id } = await this.client.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
      return id;
    } catch (error) {
      const mismatch = compatibilityMismatch(error, subject);
      if (mismatch) throw mismatch;
      // 409 is the registry's answer to a schema that breaks the subject's compatibility level (Confluent REST API, POST /subjects/{subject}/versions).
      if (statusOf(error) === 409) {
        throw new StreamscoreError('ERR_SCHEMA_INCOMPATIBLE', `The registry refused schema for subject ${subject} as incompatible with its earlier versions: ${(error as Error).message}`, { cause: error });
      }
      if (isClientError(error)) {
        throw new StreamscoreError('ERR_SCHEMA_UNREADABLE', `The registry refused schema for subject ${subject}: ${(error as Error).message}`, { cause: error });
      }
      throw transient(`Registering the schema for subject ${subject} failed`, error);
    }
  }

  /** Answers if the registry is reachable at this URL (used at start, so a wrong URL is fatal, not a flood of 404s). */
  async ping(url: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(new URL('subjects', url.endsWith('/') ? url : url + '/'), { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      throw transient(`Schema registry at ${url} is not reachable`, error);
    }
    if (response.status >= 500) throw transient(`Schema registry at ${url} answered ${response.status}`, undefined);
    if (!response.ok) {
      throw new StreamscoreError('ERR_CONFIG_INVALID', `Invalid configuration:\n  key "schemaRegistry.url": expected the base URL of a Confluent-compatible registry, found ${JSON.stringify(url)} (GET /subjects answered ${response.status})`);
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * @kafkajs/confluent-schema-registry checks the subject's compatibility level before it registers
 * and throws, with no HTTP status, when it differs from the one asked (BACKWARD by default):
 * `Compatibility does not match the configuration (BACKWARD != FULL)`. Permanent until someone
 * changes the subject's config. The class is not exported, but its `name` is the class name.
 */
function compatibilityMismatch(error: unknown, subject: string): StreamscoreError | undefined {
  if ((error as Error | undefined)?.name !== 'ConfluentSchemaRegistryCompatibilityError') return undefined;
  const message = (error as Error).message;
  const levels = /\((\w+) != (\w+)\)/.exec(message);
  const text = levels
    ? `The registry's compatibility level for subject ${subject} is ${levels[2]}, but streamscore registers with ${levels[1]} and the client refuses any other: set the subject's level to ${levels[1]} (PUT /config/${subject}) or use another subject`
    : `The registry's compatibility level for subject ${subject} is not the one streamscore registers with: ${message}`;
  return new StreamscoreError('ERR_SCHEMA_INCOMPATIBLE', text, { cause: error });
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** A real 4xx answer (not the client's status 400 for a failed connection). */
function isClientError(error: unknown): boolean {
  const status = statusOf(error);
  const message = (error as Error | undefined)?.message ?? '';
  return status !== undefined && status >= 400 && status < 500 && !/ECONN|ETIMEDOUT|EAI_AGAIN|socket hang up|ENOTFOUND/.test(message);
}

function transient(message: string, cause: unknown): StreamscoreError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new StreamscoreError('ERR_REGISTRY_TRANSIENT', message + detail, { cause, stage: 'decode' });
}
