/**
 * `npm run bench [-- --quick | --help]`: streamscore's benchmark (house style §9). Preloads
 * IoT readings once, then drains them with each case in its own child process, interleaved
 * over repetitions: each Kafka client's copy baselines (at-least-once and exactly-once), the pipeline at
 * several window sizes, and Kafka's own perf tools as the machine's ceiling; then measures
 * end-to-end latency at fractions of the pipeline's maximum rate. Writes bench/results/<time>.json
 * and the results section of docs/benchmarks.md, and prints the same tables.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LATENCY_CASE, runLatencyCase, type LatencyRun } from './cases/latency.js';
import type { BenchContext, RunRecord } from './context.js';
import { preloadDataset } from './dataset.js';
import { resolveEnvironment } from './environment.js';
import { benchKafka } from './kafka.js';
import { describeMachine } from './machine.js';
import { parseOptions } from './options.js';
import { pipelineConfigSource, pipelineMaxInFlight, shippedWindowRecords } from './pipeline-config.js';
import { pipelineCaseId } from './cases/pipeline.js';
import { planThroughputCases } from './plan.js';
import { renderReport } from './report/markdown.js';
import { evaluateTargets } from './report/targets.js';
import { writeJson, writeResultsSection } from './report/write.js';
import { waitForQuiet } from './quiet.js';
import { round } from './stats.js';
import { summariseCase, summariseLatency, type CaseSummary, type LatencySummary } from './summary.js';

const options = parseOptions(process.argv.slice(2));
const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const log = (line: string): void => { process.stderr.write(`[bench +${Math.round((Date.now() - startedAt.getTime()) / 1000)}s] ${line}\n`); };

const describeRun = (r: RunRecord): string =>
  `${round(r.recordsPerSec).toLocaleString('en-US')} rec/s, ${round(r.cpuSecPer1k)} CPU s/1k, RSS ${round(r.peakRssMb)} MB` +
  (r.eventLoopP99Ms === undefined ? '' : `, event loop p99 ${round(r.eventLoopP99Ms)} ms`) +
  (r.foreignCores === undefined ? '' : `, foreign load ${round(r.foreignCores)} cores`) +
  (r.windows ? `, mean window ${round(r.windows.meanRecords)}` : '') +
  (r.logged && Object.keys(r.logged).length ? `, logged: ${Object.entries(r.logged).map(([m, n]) => `${n}× ${m.slice(0, 90)}`).join('; ')}` : '');

async function main(): Promise<void> {
  const env = await resolveEnvironment(log);
  const kafka = benchKafka(env.brokers);
  const admin = kafka.topicAdmin();
  const offsets = kafka.admin();
  const failures: { caseId: string; rep: number; error: string }[] = [];
  try {
    const machine = await describeMachine(env.repoRoot, env.source);
    await admin.connect();
    await offsets.connect();
    const outDir = resolve(env.repoRoot, options.outDir);
    const datasetOptions = { partitions: options.partitions, seed: options.seed, fresh: options.freshData, repoRoot: env.repoRoot, registryUrl: env.registryUrl };
    log(`preloading ${options.records} records (and the first ${options.window1Records} for window 1)`);
    const full = await preloadDataset(kafka, admin, { ...datasetOptions, records: options.records });
    const small = await preloadDataset(kafka, admin, { ...datasetOptions, records: options.window1Records });
    for (const d of [full, small]) log(`dataset ${d.topic}: ${d.reused ? 'reused' : `loaded in ${round(d.preloadMs / 1000)} s`}`);
    const ctx: BenchContext = { options, env, kafka, admin, offsets, datasets: { full, small }, javaPath: machine.javaPath, log };
    if (options.profile) {
      ctx.profileDir = join(outDir, `${stamp}-profiles`);
      mkdirSync(ctx.profileDir, { recursive: true });
    }

    const plan = planThroughputCases(ctx);
    const runs: RunRecord[] = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const planned of plan) {
        log(`round ${rep}/${options.reps}: ${planned.caseId}`);
        await waitForQuiet(env, options.quietWaitS, log);
        try {
          const record = await planned.run(rep);
          runs.push(record);
          log(`  ${planned.caseId}: ${describeRun(record)}`);
        } catch (error) {
          failures.push({ caseId: planned.caseId, rep, error: String(error) });
          log(`  ${planned.caseId} FAILED: ${String(error)}`);
        }
      }
    }
    const summaries = new Map<string, CaseSummary>();
    for (const planned of plan) {
      const caseRuns = runs.filter((r) => r.caseId === planned.caseId);
      if (caseRuns.length) summaries.set(planned.caseId, summariseCase(planned.caseId, caseRuns));
    }

    const latencyRuns: LatencyRun[] = [];
    for (const client of options.cases.includes('latency') ? options.clients : []) {
      const maxRate = options.latencyMaxRate ?? summaries.get(pipelineCaseId(1_000, client))?.recordsPerSec;
      if (maxRate === undefined) {
        failures.push({ caseId: `${LATENCY_CASE} ${client}`, rep: 0, error: `${pipelineCaseId(1_000, client)} has no result, so the latency case has no rate` });
      } else {
        // Interleaved like the throughput cases: 0.5, 0.25, 0.5, 0.25, …
        for (let rep = 1; rep <= options.latencyReps; rep++) {
          for (const fraction of options.latencyFractions) {
            log(`latency ${client} ${rep}/${options.latencyReps}: ${fraction} × ${Math.round(maxRate)} rec/s for ${options.latencySeconds} s`);
            await waitForQuiet(env, options.quietWaitS, log);
            try {
              const run = await runLatencyCase(ctx, client, maxRate, fraction, rep);
              latencyRuns.push(run);
              log(`  latency@${fraction} ${client}: p50 ${round(run.latency.p50Ms)} ms, p99 ${round(run.latency.p99Ms)} ms, output ${round(run.latency.outputRate)} of ${round(run.latency.achievedRate)} rec/s, ` +
                `commit p99 ${round(run.commitMs?.p99 ?? NaN)} ms, event loop p99 ${round(run.metricsEventLoopP99Ms ?? NaN)} ms, foreign load ${round(run.foreignCores ?? NaN)} cores`);
            } catch (error) {
              failures.push({ caseId: `${LATENCY_CASE}@${fraction} ${client}`, rep, error: String(error) });
              log(`  latency@${fraction} ${client} FAILED: ${String(error)}`);
            }
          }
        }
      }
    }
    const latency = options.clients.flatMap((client) => options.latencyFractions
      .map((fraction) => summariseLatency(client, fraction, latencyRuns.filter((r) => r.latency.client === client && r.latency.fraction === fraction))))
      .filter((l): l is LatencySummary => l !== undefined);
    const targets = evaluateTargets(summaries, latency, options.lingerMs, shippedWindowRecords(env.repoRoot) ?? 2_000, options.clients);
    const resultsFile = join(outDir, `${stamp}.json`);
    const durationS = (Date.now() - startedAt.getTime()) / 1000;
    const { javaPath: _javaPath, ...machineFacts } = machine;
    const report = renderReport({
      startedAt: startedAt.toISOString(), durationS, options, machine: machineFacts, datasets: ctx.datasets, cases: [...summaries.values()], latency, targets,
      resultsFile: resultsFile.slice(env.repoRoot.length + 1), pipelineConfig: pipelineConfigSource(env.repoRoot),
      maxInFlight: pipelineMaxInFlight(env.repoRoot),
    });
    writeJson(resultsFile, {
      startedAt: startedAt.toISOString(), durationS, options, machine: machineFacts, environment: { brokers: env.brokers, registryUrl: env.registryUrl, source: env.source },
      pipelineConfig: pipelineConfigSource(env.repoRoot), datasets: ctx.datasets, runs, latencyRuns, summaries: [...summaries.values()], latency, targets, failures,
      notRun: [{ caseId: 'pipeline-alo', reason: 'streamscore has no at-least-once mode: the pipeline is exactly-once only' }],
    });
    if (options.docs) writeResultsSection(join(env.repoRoot, 'docs', 'benchmarks.md'), report);
    process.stdout.write(`\n${report}\n\n`);
    for (const f of failures) process.stdout.write(`FAILED ${f.caseId} (round ${f.rep}): ${f.error}\n`);
    log(`results: ${resultsFile}${options.docs ? ' and docs/benchmarks.md' : ''}; ${Math.round(durationS)} s`);
    if (failures.length) process.exitCode = 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await offsets.disconnect().catch(() => undefined);
    await env.release().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
