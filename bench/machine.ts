import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findJava } from '../src/stack/prerequisites.js';
import { KAFKA_VERSION } from '../src/stack/index.js';

const run = promisify(execFile);

/** The hardware and software a result was measured on: a number without this is not a result. */
export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  java: string;
  kafka: string;
  kafkajs: string;
  platformaticKafka: string;
  onnxruntimeNode: string;
  loadAverageAtStart: number[];
}

function packageVersion(repoRoot: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function javaVersion(): Promise<{ path: string; version: string }> {
  try {
    const java = await findJava(17, 'kafka-tools', 'STREAMSCORE_KAFKA_JAVA');
    const { stderr } = await run(java.path, ['-version'], { timeout: 15_000 });
    return { path: java.path, version: stderr.split('\n').find((line) => line.includes('version'))?.trim() ?? `Java ${java.major}` };
  } catch {
    return { path: '', version: 'not found' };
  }
}

export async function describeMachine(repoRoot: string, kafkaSource: 'env' | 'local-stack'): Promise<MachineDescription & { javaPath: string }> {
  const cpus = os.cpus();
  const java = await javaVersion();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: java.version,
    javaPath: java.path,
    kafka: kafkaSource === 'local-stack' ? `${KAFKA_VERSION} (local stack: one KRaft broker+controller on this machine)` : 'external (KAFKA_BROKERS)',
    kafkajs: packageVersion(repoRoot, 'kafkajs'),
    platformaticKafka: packageVersion(repoRoot, '@platformatic/kafka'),
    onnxruntimeNode: packageVersion(repoRoot, 'onnxruntime-node'),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
