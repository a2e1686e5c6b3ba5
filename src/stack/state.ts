import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StackPorts } from './ports.js';

/** The two servers of the local stack. */
export type ServiceName = 'kafka' | 'registry';
export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'registry'];

/** One running (or last started) server, as recorded by `up`. */
export interface ServiceRecord {
  pid: number;
  /** ISO time of the start. */
  startedAt: string;
  /** The java that runs it. */
  java: string;
  /** Set once it answered (Kafka: and committed the warm-up transaction); an `up` killed before that leaves it unset. */
  ready?: boolean;
}

/**
 * `.stack/state.json`: everything `up`, `status` and `down` share. Ports are chosen once and kept,
 * because Kafka's formatted metadata log records the controller's endpoint.
 */
export interface StackState {
  version: 1;
  ports: StackPorts;
  /** Kafka's cluster id, written into the storage by `kafka-storage format`. */
  clusterId: string;
  kafka?: ServiceRecord;
  registry?: ServiceRecord;
  /**
   * Pids of programs (test runners, demos) currently using a stack they asked for with `lease: true`.
   * A stack started by such a program is stopped when its last lease is released, not before.
   */
  leases: number[];
  /** True when a leasing program started this stack (so the last release stops it); false when a person did. */
  startedForLeases: boolean;
}

export function readState(file: string): StackState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackState>;
    if (parsed.version !== 1 || parsed.ports === undefined || typeof parsed.clusterId !== 'string') return undefined;
    return { ...parsed, leases: parsed.leases ?? [], startedForLeases: parsed.startedForLeases ?? false } as StackState;
  } catch {
    return undefined;
  }
}

/** Writes state.json atomically (temporary file, then rename), so a reader never sees half a file. */
export function writeState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
