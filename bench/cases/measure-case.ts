import { loadavg } from 'node:os';
import { processCpuSeconds, systemBusySeconds } from '../process-cpu.js';
import { createTopics, deleteTopics, uniqueName, type TopicSpec } from '../kafka.js';
import type { BenchContext } from '../context.js';

/** CPU seconds spent around one case by the processes the benchmark knows of, and by the whole machine. */
export interface CaseUsage {
  wallSec: number;
  brokerCpuSec?: number;
  registryCpuSec?: number;
  /** This (parent) process: the latency case's producer and reader run here. */
  parentCpuSec: number;
  systemBusySec?: number;
  /** The machine's 1-minute load average when the case started. */
  loadAverage1m: number;
}

function delta(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

/**
 * The frame around every case: fresh output topics (deleted afterwards, so runs never share
 * data or grow the broker's disk), and the CPU the broker, the registry, this process and the
 * machine as a whole spent meanwhile (whatever is left is someone else's load: it is reported).
 */
export async function withCaseTopics<T>(ctx: BenchContext, caseId: string, topics: { name: string; partitions: number; config?: Record<string, string> }[], body: (names: string[]) => Promise<T>): Promise<{ value: T; usage: CaseUsage }> {
  const specs: TopicSpec[] = topics.map((t) => ({ topic: uniqueName(`streamscore-bench-${caseId}-${t.name}`), partitions: t.partitions, config: t.config }));
  if (specs.length) await createTopics(ctx.admin, specs);
  const started = performance.now();
  const loadAverage1m = loadavg()[0];
  const broker = processCpuSeconds(ctx.env.kafkaPid);
  const registry = processCpuSeconds(ctx.env.registryPid);
  const parent = process.cpuUsage();
  const system = systemBusySeconds();
  try {
    const value = await body(specs.map((s) => s.topic));
    const parentUsed = process.cpuUsage(parent);
    return {
      value,
      usage: {
        wallSec: (performance.now() - started) / 1000,
        brokerCpuSec: delta(broker, processCpuSeconds(ctx.env.kafkaPid)),
        registryCpuSec: delta(registry, processCpuSeconds(ctx.env.registryPid)),
        parentCpuSec: (parentUsed.user + parentUsed.system) / 1e6,
        systemBusySec: delta(system, systemBusySeconds()),
        loadAverage1m,
      },
    };
  } finally {
    await deleteTopics(ctx.admin, specs.map((s) => s.topic));
    await Promise.all(specs.map((s) => deleteSubject(ctx.env.registryUrl, `${s.topic}-value`)));
  }
}

/**
 * Best effort: the pipeline registers its prediction schema under `<output topic>-value`, so every
 * run would leave a subject behind. Soft delete, then permanent (Confluent's two-step API).
 */
async function deleteSubject(registryUrl: string, subject: string): Promise<void> {
  const url = `${registryUrl.replace(/\/$/, '')}/subjects/${encodeURIComponent(subject)}`;
  for (const suffix of ['', '?permanent=true']) {
    const response = await fetch(url + suffix, { method: 'DELETE', signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    if (!response?.ok) return;
  }
}
