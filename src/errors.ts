/**
 * The one catalogue of streamscore's errors (house style §3).
 *
 * Every error the product raises on purpose is a `StreamscoreError` with a code
 * from `errorCatalogue`. Three flags decide what the pipeline does with it:
 * - `retriable`: a transient fault (broker, registry, coordinator); retry with backoff, keep the records.
 * - `poison`: permanent for one record; that record goes to the dead-letter topic, the rest go on.
 * - `fatal`: permanent for the process; refuse to start (or stop) with a clear message and a non-zero exit.
 * docs/errors.md lists every code; test/unit/errors.test.ts checks that it does.
 */

export type ErrorKind = 'retriable' | 'poison' | 'fatal';

/** code → [kind, one-line meaning]; the meaning is what docs/errors.md must also say. */
export const errorCatalogue = {
  ERR_CONFIG_INVALID: ['fatal', 'The configuration does not match the schema: a key is missing, unknown, or of the wrong type or range.'],
  ERR_CONFIG_UNREADABLE: ['fatal', 'The configuration file cannot be read or is not valid YAML/JSON.'],
  ERR_MODEL_UNREADABLE: ['fatal', 'The ONNX model file cannot be read or loaded by onnxruntime.'],
  ERR_MODEL_MISMATCH: ['fatal', "The model's inputs or outputs do not match what the configuration declares."],
  ERR_MODEL_UNSUPPORTED_OUTPUT: ['fatal', 'The model has a non-tensor output (for example a ZipMap); export it with plain tensor outputs.'],
  ERR_SCHEMA_UNREADABLE: ['fatal', 'An Avro schema file named by the configuration cannot be read or parsed.'],
  ERR_SCHEMA_INCOMPATIBLE: ['fatal', "The schema registry refused to register a schema as incompatible with the subject's earlier versions (409), or the subject's compatibility level is not the one streamscore registers with."],
  ERR_TOPIC_MISSING: ['fatal', 'A topic the configuration names does not exist and will not be created.'],
  ERR_STARTUP_TIMEOUT: ['fatal', 'The broker or the schema registry did not answer within the configured start-up time.'],
  ERR_KAFKA_TRANSIENT: ['retriable', 'A transient broker fault (unavailable, coordinator moved, rebalance in progress); retried.'],
  ERR_KAFKA_FENCED: ['fatal', 'Another instance now owns this transactional id, or the consumer group refused the offsets of a zombie member (KIP-447): this instance drops its work on those partitions and rejoins.'],
  ERR_KAFKA_CLIENT_VERSION: ['fatal', 'The installed Kafka client package is not the version streamscore was written and patched for (kafkajs 2.2.4): install the pinned version (npm ci) or choose another kafka.client.'],
  ERR_REGISTRY_TRANSIENT: ['retriable', 'The schema registry is unreachable or answered 5xx or timed out; retried.'],
  ERR_DECODE_MALFORMED: ['poison', 'The record bytes are not valid for the configured codec (not Avro wire format, not JSON).'],
  ERR_DECODE_UNKNOWN_SCHEMA: ['poison', 'The record names a schema id the registry does not know (404).'],
  ERR_DECODE_INCOMPATIBLE_SCHEMA: ['poison', "The writer schema cannot be resolved to the configured reader schema."],
  ERR_FEATURE_MISSING: ['poison', 'A required feature field is missing or null.'],
  ERR_FEATURE_NOT_FINITE: ['poison', 'A feature value is NaN or infinite.'],
  ERR_FEATURE_TYPE: ['poison', 'A feature value cannot be converted to the declared dtype (or a category is not in the vocabulary).'],
  ERR_MODEL_RUN: ['poison', "The model run throws for this record: bisecting the window isolated it as a row the run fails on (the runtime's message is in streamscore.error.message); the window's other rows are scored."],
  ERR_MODEL_SYSTEMIC: ['fatal', 'The model run failed for more than model.failures.systemicRatio of the rows scored (the model, not the data, is broken) in model.failures.attempts tries of a window: nothing of it was dead-lettered or committed, and the process stops.'],
  ERR_MODEL_WORKER_EXITED: ['retriable', 'A scoring worker thread exited or crashed while it held windows; it is replaced and those windows are scored again (nothing of them was committed).'],
  ERR_MODEL_WORKER_RESPAWNS: ['fatal', 'Scoring workers exited more than model.workerRespawns.max times within model.workerRespawns.withinMs, or a replacement could not start: the process stops.'],
  ERR_PIPELINE_WINDOW_FAILED: ['fatal', 'Scoring a window failed for a reason that is neither the data nor a transient fault (a bug or a resource limit): nothing of it is committed, and the process stops rather than skip it.'],
  ERR_OUTPUT_UNMAPPABLE: ['poison', "The model's output for this record cannot be mapped to a prediction (NaN score, label out of range)."],
  ERR_SHUTDOWN_TIMEOUT: ['fatal', 'The window in flight did not commit or abort within the shutdown deadline.'],
  ERR_STACK_JAVA_MISSING: ['fatal', 'The local stack needs Java (17+ for Kafka, 21+ for the registry) and found none suitable.'],
  ERR_STACK_MAVEN_MISSING: ['fatal', 'The local stack needs Maven (mvn) on the PATH to fetch Kafka and the registry from Maven Central.'],
  ERR_STACK_DOWNLOAD_FAILED: ['fatal', 'Maven could not fetch the Kafka or registry artifacts.'],
  ERR_STACK_PORT_IN_USE: ['fatal', 'A port the local stack was told to use is taken by another process.'],
  ERR_STACK_START_TIMEOUT: ['fatal', 'A local stack process started but did not answer in time; see its log file.'],
  ERR_BACKFILL_RANGE: ['fatal', 'The backfill range is invalid (--to before --from, malformed offsets or times).'],
  ERR_BACKFILL_RUNNING: ['fatal', 'The backfill is running in another process (its consumer group has members): --restart is refused until it stops.'],
  ERR_BACKFILL_USAGE: ['fatal', 'streamscore backfill cannot run with the options given (--yes without --restart, --restart without --yes off a terminal, no --topic for a config that reads several topics or a pattern).'],
  ERR_GENERATE_USAGE: ['fatal', 'streamscore generate cannot run with the options given (unknown scenario, an option of the other scenario, no broker or registry, a malformed --start-time).'],
  ERR_GENERATE_TIMESTAMP_REFUSED: ['fatal', "The topic would refuse the run's message timestamps (message.timestamp.before/after.max.ms): pick another --start-time or use --timestamp now."],
  ERR_STACK_DIR_UNUSABLE: ['fatal', "The local stack's folder cannot be used: its path contains a character (;) that the registry's database URL cannot carry."],
  ERR_TOPIC_MISMATCH: ['fatal', 'An existing topic differs from what streamscore topics would create (cleanup.policy other than delete, or another partition count than --partitions asks); existing topics are never changed.'],
  ERR_DIFF_USAGE: ['fatal', 'streamscore diff cannot run with the options given (--against naming the input topic, no --topic for a config that reads several topics or a pattern, an output file that cannot be written).'],
  ERR_DIFF_RANGE: ['fatal', 'The diff range is invalid (--to before --from, malformed offsets or times, offsets of another topic or partition).'],
  ERR_DIFF_MODEL_MISMATCH: ['fatal', "The candidate model (--model) does not fit the configuration's model contract: its inputs or outputs differ from model.inputs / model.outputs."],
  ERR_CHECK_WRITER_SCHEMA: ['fatal', 'streamscore check --registry: a registered writer schema of the input subject cannot be resolved to the reader schema, or loses a feature field in resolution, so every record written with it would be dead-lettered.'],
} as const satisfies Record<string, readonly [ErrorKind, string]>;

export type ErrorCode = keyof typeof errorCatalogue;

export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

export interface StreamscoreErrorOptions {
  cause?: unknown;
  record?: RecordCoordinates;
  /** The pipeline stage that raised it, for logs and dead-letter headers. */
  stage?: string;
}

export class StreamscoreError extends Error {
  override readonly name = 'StreamscoreError';
  readonly code: ErrorCode;
  readonly record?: RecordCoordinates;
  readonly stage?: string;
  readonly retriable: boolean;
  readonly poison: boolean;
  readonly fatal: boolean;

  constructor(code: ErrorCode, message: string, options: StreamscoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.record = options.record;
    this.stage = options.stage;
    const kind = errorCatalogue[code][0];
    this.retriable = kind === 'retriable';
    this.poison = kind === 'poison';
    this.fatal = kind === 'fatal';
  }
}

export function isStreamscoreError(error: unknown): error is StreamscoreError {
  return error instanceof StreamscoreError;
}
