import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Command } from 'commander';
import { AvroDecoder } from '../codec/avro-decoder.js';
import { Registry } from '../codec/registry.js';
import { loadConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import type { InputRecord } from '../records/types.js';
import { connectAdmin, LOCAL_STACK_ENV_HINT } from './connect-admin.js';
import { fail } from './fail.js';
import { positiveInteger } from './option-parsers.js';
import { onStopSignals } from './stop-signals.js';

interface TailFlags {
  config: string;
  max?: number;
  topic?: string;
}


/** `streamscore tail`: the predictions as a downstream consumer sees them, one JSON line each. */
export function registerTail(program: Command): void {
  program.command('tail')
    .description('Print the predictions of the output topic as JSON lines, read as a downstream consumer does (read_committed, from the beginning)')
    .requiredOption('-c, --config <file>', 'configuration file (YAML or JSON): output.topic, output.schema, endpoints')
    .option('-n, --max <n>', 'stop after this many predictions (default: until Ctrl-C)', positiveInteger)
    .option('-t, --topic <name>', 'read this topic instead of output.topic (e.g. a backfill\'s --output-topic)')
    .addHelpText('after', `
Examples:
  streamscore tail --config config/iot-anomaly.yaml --max 5      the first 5 predictions, then exit
  streamscore tail --config config/iot-anomaly.yaml | jq 'select(.flag)'

Each line: the prediction's own topic, partition, offset and key, then its fields (schemas/prediction.avsc):
the input record's coordinates, the model, the window, score, label and flag. Only committed
transactions are read (read_committed), so every line is a prediction streamscore has committed, once.
Waits for more until --max is reached or Ctrl-C; exit 0 either way. A group of its own, never committed.
Endpoints: KAFKA_BROKERS and SCHEMA_REGISTRY_URL override the config (${LOCAL_STACK_ENV_HINT}).`)
    .action(tailCommand);
}

function readSchema(file: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')) as avro.Schema);
  } catch (error) {
    throw new StreamscoreError('ERR_SCHEMA_UNREADABLE', `output.schema: cannot use Avro schema ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function tailCommand(flags: TailFlags): Promise<void> {
  let config: StreamscoreConfig;
  let predictionType: avro.Type;
  try {
    config = loadConfig(flags.config);
    predictionType = readSchema(config.output.schema);
  } catch (error) {
    fail(error);
  }
  const topic = flags.topic ?? config.output.topic;
  let connected: Awaited<ReturnType<typeof connectAdmin>>;
  try {
    connected = await connectAdmin(config, 'tail');
  } catch (error) {
    fail(error);
  }
  const { kafka, admin } = connected;
  try {
    if (!(await admin.existingTopics()).has(topic)) {
      throw new StreamscoreError('ERR_TOPIC_MISSING', `Topic ${topic} does not exist; create the config's topics with: streamscore topics --config ${flags.config} --create`);
    }
  } catch (error) {
    await admin.disconnect();
    fail(error);
  }
  await admin.disconnect();

  const decoder = new AvroDecoder(predictionType, new Registry({ url: config.schemaRegistry.url!, username: config.schemaRegistry.username, password: config.schemaRegistry.password }));
  const reader = kafka.topicReader({ isolation: 'read_committed', groupPrefix: `${config.appId}.tail` });
  const max = flags.max ?? Number.POSITIVE_INFINITY;
  let printed = 0;
  let stopped = false;
  let finish!: (error?: unknown) => void;
  const finished = new Promise<unknown>((resolve) => { finish = resolve; });

  // Batches arrive from the reader's callback; one loop decodes and prints them in arrival order.
  const queue: InputRecord[][] = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0 && !stopped) {
        const records = queue.shift()!;
        const results = await decoder.decode(records);
        for (let i = 0; i < records.length && printed < max; i++) {
          const record = records[i];
          const result = results[i];
          const where = { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key?.toString('utf8') ?? null };
          if (result.ok) {
            process.stdout.write(`${JSON.stringify({ ...where, ...result.value })}\n`);
            printed++;
          } else {
            process.stderr.write(`warning: ${record.topic}:${record.partition}@${record.offset} is not a prediction: ${result.error.code}: ${result.error.message}\n`);
          }
        }
        if (printed >= max) finish();
      }
    } catch (error) {
      finish(error);
    } finally {
      draining = false;
    }
  };

  // The first SIGINT/SIGTERM ends the tail cleanly (also one that came while it started); a second exits 130.
  onStopSignals({ stop: () => finish() });
  // `streamscore tail … | head` closes the pipe early: that is an ending, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'EPIPE' ? undefined : error));

  try {
    await reader.start([topic], (records) => {
      queue.push(records);
      void drain();
    });
  } catch (error) {
    finish(error);
  }
  const error = await finished;
  stopped = true;
  await reader.stop();
  if (error !== undefined) fail(error);
  process.stderr.write(`${printed} prediction${printed === 1 ? '' : 's'} from ${topic}\n`);
  process.exit(0);
}
