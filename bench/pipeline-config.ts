import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MAX_IN_FLIGHT_DEFAULT } from '../src/config/schema.js';
import type { KafkaClientName } from '../src/kafka/types.js';
import { IOT_SCHEMA_FILE } from './iot-records.js';

/** models/iot-anomaly.features.json: the model's machine-readable contract (see its card). */
interface FeatureContract {
  input: string;
  columns: { field: string; dtype: 'float32' }[];
  score: { output: string; column?: number };
  label?: { output: string };
  threshold?: number;
}

export const IOT_CONFIG_FILE = join('config', 'iot-anomaly.yaml');
export const IOT_CONTRACT_FILE = join('models', 'iot-anomaly.features.json');

export interface PipelineConfigOptions {
  repoRoot: string;
  appId: string;
  brokers: string[];
  registryUrl: string;
  inputTopic: string;
  outputTopic: string;
  deadLetterTopic: string;
  window: { maxRecords: number; maxLingerMs: number };
  client: KafkaClientName;
}

/** The model part of a configuration, from the feature contract alone (when no shipped config exists). */
function fromContract(repoRoot: string): Record<string, unknown> {
  const contract = JSON.parse(readFileSync(join(repoRoot, IOT_CONTRACT_FILE), 'utf8')) as FeatureContract;
  return {
    input: { codec: 'avro', readerSchema: IOT_SCHEMA_FILE },
    window: {},
    model: {
      path: join('models', 'iot-anomaly.onnx'),
      name: 'iot-anomaly',
      inputs: [{ name: contract.input, dtype: 'float32', columns: contract.columns.map((c) => ({ field: c.field, dtype: c.dtype })) }],
      outputs: {
        score: { name: contract.score.output, ...(contract.score.column === undefined ? {} : { column: contract.score.column }) },
        ...(contract.label ? { label: { name: contract.label.output } } : {}),
        ...(contract.threshold === undefined ? {} : { threshold: contract.threshold }),
      },
    },
  };
}

/**
 * window.maxInFlight of the pipeline the cases run (the shipped config's, else the schema's
 * default): the copy baselines keep as many windows in flight, so only the work per window differs.
 */
export function pipelineMaxInFlight(repoRoot: string): number {
  return shippedWindow(repoRoot).maxInFlight ?? MAX_IN_FLIGHT_DEFAULT;
}

/** window.maxRecords as shipped in the config (the window users get unless they choose one). */
export function shippedWindowRecords(repoRoot: string): number | undefined {
  return shippedWindow(repoRoot).maxRecords;
}

function shippedWindow(repoRoot: string): { maxRecords?: number; maxInFlight?: number } {
  const shipped = join(repoRoot, IOT_CONFIG_FILE);
  const base = (existsSync(shipped) ? parseYaml(readFileSync(shipped, 'utf8')) : fromContract(repoRoot)) as { window?: { maxRecords?: number; maxInFlight?: number } };
  return base.window ?? {};
}

/** Which file the benchmark's pipeline configuration comes from. */
export function pipelineConfigSource(repoRoot: string): string {
  return existsSync(join(repoRoot, IOT_CONFIG_FILE)) ? IOT_CONFIG_FILE : `${IOT_CONTRACT_FILE} (no ${IOT_CONFIG_FILE})`;
}

/**
 * The configuration the pipeline cases run: the shipped config/iot-anomaly.yaml (model, window
 * maxBytes and maxInFlight, worker and thread counts as shipped), or one built from the model's
 * feature contract when that file does not exist. Overridden per run: the group (appId), the
 * endpoints, the topics, window.maxRecords and maxLingerMs, and the metrics server (off, so
 * runs cannot collide on its port) and log level.
 */
export function iotPipelineConfig(options: PipelineConfigOptions): object {
  const shipped = join(options.repoRoot, IOT_CONFIG_FILE);
  const base = (existsSync(shipped) ? parseYaml(readFileSync(shipped, 'utf8')) : fromContract(options.repoRoot)) as Record<string, Record<string, unknown>>;
  return {
    ...base,
    appId: options.appId,
    kafka: { ...base.kafka, brokers: options.brokers, clientId: 'streamscore-bench', client: options.client },
    schemaRegistry: { ...base.schemaRegistry, url: options.registryUrl },
    input: { ...base.input, topics: [options.inputTopic], startFrom: 'earliest' },
    output: { ...base.output, topic: options.outputTopic, deadLetterTopic: options.deadLetterTopic },
    window: { ...base.window, maxRecords: options.window.maxRecords, maxLingerMs: options.window.maxLingerMs },
    observability: { ...base.observability, metricsPort: 0, logLevel: 'warn' },
  };
}
