/**
 * One scenario of the demo: the shipped configuration (config/*.yaml) with its topics and appId
 * renamed for this run, so reruns never mix and nothing the user runs is touched.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../config/load.js';
import type { StreamscoreConfig } from '../config/types.js';
import type { ScenarioName } from '../generate/scenarios.js';
import type { TopicSpec } from '../kafka/types.js';
import { packageFile, packageRoot } from '../package-files.js';

/** The shipped configuration of each scenario. */
export const SCENARIO_CONFIGS = { iot: 'config/iot-anomaly.yaml', fraud: 'config/fraud-flags.yaml' } as const satisfies Record<ScenarioName, string>;

/** Partitions as in docker-compose.yml's topics service: inputs 6, predictions 3, dead letters 1. */
const PARTITIONS = { input: 6, output: 3, deadLetters: 1 } as const;

/** The keys of a shipped configuration file that the demo renames (the rest passes through as is). */
interface ShippedConfig {
  appId: string;
  kafka?: Record<string, unknown> & { clientId?: string };
  input: Record<string, unknown> & { topics: string[] };
  output: Record<string, unknown> & { topic: string; deadLetterTopic: string };
  observability?: Record<string, unknown>;
}

export interface DemoScenario {
  name: ScenarioName;
  configFile: string;
  topics: { input: string; output: string; deadLetters: string };
  appId: string;
  config: StreamscoreConfig;
}

/**
 * Loads the scenario's configuration and points it at this run's topics. Relative paths in the file
 * (model, schemas) resolve against the package, so the demo runs from any directory.
 */
export function demoScenario(name: ScenarioName, runId: string, endpoints: { brokers: string[]; registryUrl: string }): DemoScenario {
  const configFile = packageFile(SCENARIO_CONFIGS[name]);
  const raw = parseYaml(readFileSync(configFile, 'utf8')) as ShippedConfig;
  const topics = {
    input: `${raw.input.topics[0]}.${runId}`,
    output: `${raw.output.topic}.${runId}`,
    deadLetters: `${raw.output.deadLetterTopic}.${runId}`,
  };
  const appId = `${raw.appId}-${runId}`;
  raw.appId = appId;
  raw.input = { ...raw.input, topics: [topics.input], startFrom: 'earliest' };
  raw.output = { ...raw.output, topic: topics.output, deadLetterTopic: topics.deadLetters };
  // In-process: no metrics server (the demo reads the pipeline's events instead).
  raw.observability = { ...raw.observability, metricsPort: 0 };
  raw.kafka = { ...raw.kafka, clientId: `${raw.kafka?.clientId ?? 'streamscore'}-demo` };
  const env = { KAFKA_BROKERS: endpoints.brokers.join(','), SCHEMA_REGISTRY_URL: endpoints.registryUrl };
  return { name, configFile, topics, appId, config: validateConfig(raw, env, packageRoot()) };
}

/**
 * The run's topics. Input and prediction topics stamp records with the broker's append time
 * (LogAppendTime), so a prediction's `source_timestamp` is when its input reached Kafka: the start
 * of the end-to-end latency, on the broker's clock, whatever the generator's simulated event time.
 */
export function demoTopicSpecs(scenario: DemoScenario): TopicSpec[] {
  const appendTime = { 'message.timestamp.type': 'LogAppendTime' };
  return [
    { topic: scenario.topics.input, partitions: PARTITIONS.input, configs: appendTime },
    { topic: scenario.topics.output, partitions: PARTITIONS.output, configs: appendTime },
    { topic: scenario.topics.deadLetters, partitions: PARTITIONS.deadLetters },
  ];
}
