import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type avro from 'avsc';
import { StreamscoreError } from '../errors.js';
import { withRetry, type RetryOptions } from '../retry.js';

export interface RegistryOptions {
  url: string;
  username?: string;
  password?: string;
  /** Backoff while a registration race with another instance settles (tests shorten it). */
  raceRetry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'deadlineMs'>;
}

/**
 * A race settles when the other instance's PUT /config answers, milliseconds after its POST; ten
 * seconds covers a slow registry. A level still NONE after that was not left by a race.
 */
const RACE_RETRY = { initialDelayMs: 100, maxDelayMs: 2_000, deadlineMs: 10_000 };

/**
 * A registration that lost a race with another instance and did not find the schema registered
 * (yet). Retriable, so that register's retry loop takes it; it never leaves register: when the
 * race does not settle, register throws `giveUp` instead.
 */
class RegistrationRace extends StreamscoreError {
  constructor(message: string, readonly giveUp: StreamscoreError, cause: unknown) {
    super('ERR_REGISTRY_TRANSIENT', message, { cause });
  }
}

/** Confluent wire format: magic byte 0, then the schema id as a big-endian int32, then the Avro body. */
export const WIRE_MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

/**
 * The schema registry as streamscore needs it: writer schemas by id, and registering the
 * prediction schema. Failures are classified once, here: a 404 for a schema id is permanent for
 * the records that carry it; a registration the registry (or the client, over the subject's
 * compatibility level) refuses is fatal, but a race between instances registering the same
 * subject at once is not a refusal (isRegistrationRace); anything else (connection refused, 5xx,
 * timeouts — the client reports a refused connection as status 400) is transient and must never
 * dead-letter a record.
 */
export class Registry {
  private readonly client: SchemaRegistry;
  private readonly raceRetry: NonNullable<RegistryOptions['raceRetry']>;

  constructor(options: RegistryOptions) {
    const auth = options.username ? { username: options.username, password: options.password ?? '' } : undefined;
    // The client's own retries would hide outages from our backoff and logs: we retry ourselves.
    this.client = new SchemaRegistry({ host: options.url, auth, retry: { retries: 0 } });
    this.raceRetry = options.raceRetry ?? RACE_RETRY;
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

  /**
   * Registers an Avro schema under a subject (idempotent) and returns its id. Safe to call from
   * several instances at once: a registration that races another instance's is settled by looking
   * the schema up, and retried (bounded) while the other registration is still under way.
   * Registry outages are not retried here: they reach the caller as ERR_REGISTRY_TRANSIENT.
   */
  async register(schema: object, subject: string): Promise<number> {
    try {
      return await withRetry(() => this.registerOnce(schema, subject), { ...this.raceRetry, shouldRetry: (error) => error instanceof RegistrationRace });
    } catch (error) {
      if (error instanceof RegistrationRace) throw error.giveUp;
      throw error;
    }
  }

  private async registerOnce(schema: object, subject: string): Promise<number> {
    const text = JSON.stringify(schema);
    try {
      const { id } = await this.client.register({ type: SchemaType.AVRO, schema: text }, { subject });
      return id;
    } catch (error) {
      if (!isRegistrationRace(error)) throw refusal(error, subject);
      const id = await this.registeredId(text, subject);
      if (id !== undefined) return id;
      // The subject holds another schema, or the registration that raced ours is not visible yet: try again.
      const giveUp = compatibilityMismatch(error, subject) ?? transient(`Registering the schema for subject ${subject} kept racing with another registration`, error);
      throw new RegistrationRace(`Registering the schema for subject ${subject} raced with another registration: ${(error as Error).message}`, giveUp, error);
    }
  }

  /** The id of exactly this schema under the subject (POST /subjects/<subject>); undefined if the subject does not hold it. */
  private async registeredId(schema: string, subject: string): Promise<number | undefined> {
    try {
      return await this.client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema });
    } catch (error) {
      // The client turns the lookup's 404 (no such subject, or no such schema under it) into its
      // base error class and drops the status; every other failure keeps its ResponseError.
      if ((error as Error | undefined)?.name === 'ConfluentSchemaRegistryError') return undefined;
      throw transient(`Looking up the schema registered under subject ${subject} failed`, error);
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

/** The request that failed, as the client's ResponseError names it: `put http://…/config/<subject>`. */
function requestOf(error: unknown): string {
  const url = (error as { url?: unknown } | undefined)?.url;
  return typeof url === 'string' ? url : '';
}

/**
 * @kafkajs/confluent-schema-registry checks the subject's compatibility level before it registers
 * and throws, with no HTTP status, when it differs from the one asked (BACKWARD by default):
 * `Compatibility does not match the configuration (BACKWARD != FULL)`. The class is not exported,
 * but its `name` is the class name.
 */
function compatibilityLevels(error: unknown): { asked?: string; found?: string } | undefined {
  if ((error as Error | undefined)?.name !== 'ConfluentSchemaRegistryCompatibilityError') return undefined;
  const levels = /\((\w+) != (\w+)\)/.exec((error as Error).message);
  return { asked: levels?.[1], found: levels?.[2] };
}

/** A level mismatch is permanent until someone changes the subject's config: fatal. */
function compatibilityMismatch(error: unknown, subject: string): StreamscoreError | undefined {
  const levels = compatibilityLevels(error);
  if (!levels) return undefined;
  const text = levels.asked && levels.found
    ? `The registry's compatibility level for subject ${subject} is ${levels.found}, but streamscore registers with ${levels.asked} and the client refuses any other: set the subject's level to ${levels.asked} (PUT /config/${subject}) or use another subject`
    : `The registry's compatibility level for subject ${subject} is not the one streamscore registers with: ${(error as Error).message}`;
  return new StreamscoreError('ERR_SCHEMA_INCOMPATIBLE', text, { cause: error });
}

/**
 * Whether a failed registration lost a race with another instance registering the same subject,
 * rather than being refused. The one place that reads the registry's answer to tell the two
 * apart, because flags cannot: both arrive as a 409 or as the client's level mismatch.
 *
 * The client registers in three requests (node_modules/@kafkajs/confluent-schema-registry,
 * SchemaRegistry.register): GET /config/<subject>, which answers 404 on a fresh subject;
 * POST /subjects/<subject>/versions; and, only after a 404, PUT /config/<subject> to set its
 * level. Measured against Apicurio 3.3.3 with instances registering one schema at once:
 * - concurrent POSTs of the same schema all answer 200 with one id (no race there);
 * - concurrent PUTs each try to create the subject's COMPATIBILITY rule, and all but one answer
 *   409 `{"message":"A rule named 'COMPATIBILITY' already exists.","error_code":0}`. Our POST had
 *   succeeded by then. A real incompatibility is a 409 to the POST (`error_code` 409), never to
 *   the PUT, and Confluent's own PUT /config has no 409 at all: so a 409 to PUT /config is a race;
 * - a GET between another instance's POST and its PUT finds a subject with no level of its own and
 *   answers the registry's default, NONE; the client then refuses with `(BACKWARD != NONE)`.
 *   A subject left at NONE on purpose looks the same: the caller's lookup tells them apart, and
 *   a bounded retry gives the other instance time to set the level.
 * In both cases the caller looks the schema up; only if the subject does not hold it is it retried.
 */
function isRegistrationRace(error: unknown): boolean {
  if (statusOf(error) === 409) return /^put\s.*\/config\//i.test(requestOf(error));
  return compatibilityLevels(error)?.found === 'NONE';
}

/** A registration refused by the registry or the client (not a race): fatal, except outages. */
function refusal(error: unknown, subject: string): StreamscoreError {
  const mismatch = compatibilityMismatch(error, subject);
  if (mismatch) return mismatch;
  // 409 is the registry's answer to a schema that breaks the subject's compatibility level (Confluent REST API, POST /subjects/{subject}/versions).
  if (statusOf(error) === 409) {
    return new StreamscoreError('ERR_SCHEMA_INCOMPATIBLE', `The registry refused schema for subject ${subject} as incompatible with its earlier versions: ${(error as Error).message}`, { cause: error });
  }
  if (isClientError(error)) {
    return new StreamscoreError('ERR_SCHEMA_UNREADABLE', `The registry refused schema for subject ${subject}: ${(error as Error).message}`, { cause: error });
  }
  return transient(`Registering the schema for subject ${subject} failed`, error);
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
