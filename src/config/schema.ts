/**
 * The one configuration schema (house style §4): validated at start and by `streamscore check`,
 * unknown keys refused, defaults kept here beside the keys they belong to. docs/config.md is
 * generated from the descriptions (`npm run docs:config`).
 */

/**
 * Windows in flight by default: with 4, a window commits while the next is scored and windows of
 * different partitions commit side by side (docs/benchmarks.md measures 2, 3 and 4).
 */
export const MAX_IN_FLIGHT_DEFAULT = 4;

/**
 * A model failure is judged systemic over at least this many rows: a window this small is judged
 * together with the windows just before it, so that at a trickle (windows of a few rows) a broken
 * model dead-letters a handful of rows at most before it is recognised, not the whole topic.
 */
export const MIN_SYSTEMIC_SAMPLE_ROWS = 20;

const featureColumn = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'dtype'],
  description: 'One column of an input tensor, read from a field of the decoded record.',
  properties: {
    field: { type: 'string', minLength: 1, description: 'Path of the record field, dots for nesting (e.g. `reading.temperature`).' },
    dtype: {
      enum: ['float32', 'float64', 'int64', 'bool', 'category'],
      description: 'How the value is read: a number (`float32`, `float64`, `int64` must be integral), `bool` (true → 1, false → 0), or `category` (a string → its index in `vocabulary`).',
    },
    vocabulary: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'For `category`: the known values, in the order the model was trained with.' },
    default: { type: ['number', 'boolean', 'string'], description: 'Used when the field is missing or null. Without a default the field is required and a record lacking it is a dead letter (`ERR_FEATURE_MISSING`).' },
    scale: {
      type: 'object',
      additionalProperties: false,
      description: 'Optional scaling applied after conversion: `(x - mean) / std` or `(x - min) / (max - min)`.',
      properties: {
        mean: { type: 'number' },
        std: { type: 'number', exclusiveMinimum: 0 },
        min: { type: 'number' },
        max: { type: 'number' },
      },
      oneOf: [{ required: ['mean', 'std'] }, { required: ['min', 'max'] }],
    },
  },
} as const;

export const configSchema = {
  $id: 'https://streamscore.dev/config.json',
  type: 'object',
  additionalProperties: false,
  required: ['appId', 'input', 'output', 'model'],
  properties: {
    appId: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]+$',
      description: 'Names the consumer group and prefixes the transactional ids (`<appId>-<topic>-<partition>`). Instances with the same appId share the work.',
    },
    kafka: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Connection to the Kafka cluster.',
      properties: {
        brokers: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Bootstrap brokers `host:port`. Env `KAFKA_BROKERS` (comma-separated) overrides.' },
        client: {
          enum: ['kafkajs', 'platformatic'],
          default: 'platformatic',
          description: 'The Kafka client library. `platformatic` (@platformatic/kafka, the default) commits a whole window in one transaction, fenced by the consumer group generation (KIP-447); `kafkajs` commits one transaction per input partition per window, fenced by transactional id. Both pass the same exactly-once tests; why the default: docs/architecture.md, "The Kafka seam".',
        },
        clientId: { type: 'string', default: 'streamscore', description: 'Kafka client id.' },
        ssl: { type: ['boolean', 'object'], default: false, description: 'TLS: `true`, or kafkajs/Node TLS options (ca, cert, key, rejectUnauthorized).' },
        sasl: {
          type: 'object',
          additionalProperties: false,
          required: ['mechanism'],
          description: 'SASL authentication. Env `KAFKA_SASL_USERNAME` / `KAFKA_SASL_PASSWORD` override the credentials.',
          properties: {
            mechanism: { enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
            username: { type: 'string' },
            password: { type: 'string' },
          },
        },
        connectionTimeoutMs: { type: 'integer', minimum: 100, default: 3000, description: 'TCP connect timeout.' },
        sessionTimeoutMs: { type: 'integer', minimum: 1000, default: 30000, description: 'Consumer group session timeout: how long a silent instance keeps its partitions.' },
        heartbeatIntervalMs: { type: 'integer', minimum: 100, default: 3000, description: 'Consumer heartbeat interval (also kept up during long scoring).' },
        transactionTimeoutMs: { type: 'integer', minimum: 1000, default: 10000, description: 'Broker-side timeout of an open transaction. A killed instance\'s open transaction holds its partitions and the output topics\' last stable offset until then (with `platformatic`, whose transactional id is the instance\'s); 10 s as Kafka Streams uses for exactly-once. A window\'s commit takes well under a second.' },
      },
    },
    schemaRegistry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "A registry serving Confluent's REST API.",
      properties: {
        url: { type: 'string', minLength: 1, description: 'Base URL. Env `SCHEMA_REGISTRY_URL` overrides.' },
        username: { type: 'string', description: 'Basic auth user. Env `SCHEMA_REGISTRY_USERNAME` overrides.' },
        password: { type: 'string', description: 'Basic auth password. Env `SCHEMA_REGISTRY_PASSWORD` overrides.' },
      },
    },
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['codec'],
      description: 'What is consumed and how it is decoded.',
      properties: {
        topics: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Input topic names. Exactly one of `topics` and `topicPattern`.' },
        topicPattern: { type: 'string', minLength: 1, description: 'A regular expression matched against topic names at start.' },
        startFrom: { enum: ['earliest', 'latest'], default: 'earliest', description: 'Where a new consumer group starts.' },
        codec: { enum: ['avro', 'json'], description: "`avro`: Confluent wire format through the registry; `json`: UTF-8 JSON objects." },
        readerSchema: { type: 'string', description: 'For `avro`: path of the .avsc the scorer reads with; writer schemas are resolved to it.' },
      },
      oneOf: [{ required: ['topics'] }, { required: ['topicPattern'] }],
    },
    output: {
      type: 'object',
      additionalProperties: false,
      required: ['topic', 'deadLetterTopic'],
      description: 'Where predictions and dead letters go.',
      properties: {
        topic: { type: 'string', minLength: 1, description: 'Prediction topic (must exist).' },
        deadLetterTopic: { type: 'string', minLength: 1, description: 'Dead-letter topic (must exist).' },
        schema: { type: 'string', default: 'schemas/prediction.avsc', description: 'Avro schema of a prediction.' },
        subjectStrategy: { enum: ['topic', 'record', 'topic-record'], default: 'topic', description: 'Subject name strategy for the prediction schema: `<topic>-value`, `<record full name>`, or `<topic>-<record full name>`.' },
      },
    },
    window: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'A window closes at the first bound reached; at least one bound is required. It spans every partition this instance owns and is scored as one batch.',
      properties: {
        maxRecords: { type: 'integer', minimum: 1, description: 'Close after this many records.' },
        maxBytes: { type: 'integer', minimum: 1, description: 'Close after this many bytes of record keys and values.' },
        maxLingerMs: { type: 'integer', minimum: 1, description: "Close this long after the window's first record." },
        maxInFlight: { type: 'integer', minimum: 1, default: MAX_IN_FLIGHT_DEFAULT, description: 'Closed windows not yet committed at most (waiting, being scored, or committing); fetching pauses beyond. Windows are scored one at a time; a window commits while the next ones are scored, and different partitions commit side by side.' },
      },
      anyOf: [{ required: ['maxRecords'] }, { required: ['maxBytes'] }, { required: ['maxLingerMs'] }],
    },
    model: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'name', 'inputs', 'outputs'],
      description: 'The ONNX model and how records map to it.',
      properties: {
        path: { type: 'string', minLength: 1, description: 'Path of the .onnx file.' },
        name: { type: 'string', minLength: 1, description: 'Model name carried in every prediction.' },
        version: { type: 'string', default: '1', description: 'Model version carried in every prediction.' },
        inputs: {
          type: 'array',
          minItems: 1,
          description: 'The input tensors, each `[batch, columns]`.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'columns'],
            properties: {
              name: { type: 'string', minLength: 1, description: "The model's input name." },
              dtype: { enum: ['float32', 'float64', 'int64'], default: 'float32', description: 'Element type of the tensor.' },
              columns: { type: 'array', minItems: 1, items: featureColumn },
            },
          },
        },
        outputs: {
          type: 'object',
          additionalProperties: false,
          required: ['score'],
          description: "How the model's outputs become a prediction.",
          properties: {
            score: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                name: { type: 'string', description: 'Output tensor holding the score.' },
                column: { type: 'integer', minimum: 0, description: 'Column of a `[batch, k]` output (e.g. 1 for P(positive)); omit for a `[batch]` output.' },
              },
            },
            label: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: { name: { type: 'string', description: 'Output tensor holding a class label per row.' } },
            },
            threshold: { type: 'number', description: 'If set, each prediction carries `flag = score >= threshold`.' },
          },
        },
        maxBatch: { type: 'integer', minimum: 1, description: 'Split a window into runs of at most this many rows (set automatically when the model fixes its batch size).' },
        workers: { type: 'integer', minimum: 1, maximum: 16, default: 1, description: 'Scoring worker threads (each holds a session).' },
        intraOpThreads: { type: 'integer', minimum: 1, maximum: 64, default: 1, description: 'onnxruntime intra-op threads per worker.' },
        failures: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'A model run that throws is bisected to isolate the rows it fails on; those are dead-lettered (`ERR_MODEL_RUN`) and the rest scored. When most rows fail, the model is taken as broken instead: see docs/exactly-once.md.',
          properties: {
            systemicRatio: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.5, description: `The model is taken as broken when more than this fraction of the rows fail on their own, judged over the window and, for windows under ${MIN_SYSTEMIC_SAMPLE_ROWS} rows, the windows just before it. Then nothing is dead-lettered or committed and the window is retried.` },
            attempts: { type: 'integer', minimum: 1, maximum: 100, default: 3, description: 'Tries of a window whose failure is systemic (with backoff) before the process stops with `ERR_MODEL_SYSTEMIC`.' },
          },
        },
        workerRespawns: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'A scoring worker that exits is replaced and the windows it held are scored again.',
          properties: {
            max: { type: 'integer', minimum: 0, maximum: 1000, default: 3, description: 'Worker exits tolerated within `withinMs`; one more stops the process with `ERR_MODEL_WORKER_RESPAWNS`.' },
            withinMs: { type: 'integer', minimum: 1000, default: 300000, description: 'The span over which worker exits are counted.' },
          },
        },
      },
    },
    observability: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'Env `LOG_LEVEL` overrides.' },
        prettyLogs: { type: 'boolean', default: false, description: 'Pretty-print logs when stdout is a terminal (JSON otherwise).' },
        metricsPort: { type: 'integer', minimum: 0, maximum: 65535, default: 9464, description: 'Port of `/metrics`, `/healthz` and `/readyz`; 0 disables the server.' },
        metricsHost: { type: 'string', default: '127.0.0.1', description: 'Address the metrics server binds to.' },
      },
    },
    startup: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timeoutMs: { type: 'integer', minimum: 0, default: 60000, description: 'How long a broker or registry that is down at start is retried before giving up.' },
      },
    },
    shutdown: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timeoutMs: { type: 'integer', minimum: 100, default: 15000, description: 'Deadline to commit or abort the window in flight on SIGTERM/SIGINT.' },
      },
    },
  },
} as const;
