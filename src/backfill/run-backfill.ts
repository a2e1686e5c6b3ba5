import type { Logger } from 'pino';
import type { StreamscoreConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import { asKafkaError, GroupNotEmptyError } from '../kafka/errors.js';
import { openKafkaClient } from '../kafka/open-client.js';
import type { GroupOffset, GroupOffsetsStore, OffsetsAdmin } from '../kafka/types.js';
import { preflight } from '../pipeline/service.js';
import { backfillConfig } from './backfill-config.js';
import { executeBackfill } from './execute-backfill.js';
import { backfillIdentity, defaultBackfillId, type BackfillIdentity } from './identity.js';
import { planTotal, type BackfillPlan } from './plan.js';
import { PlanStore, type StoredPlan } from './plan-store.js';
import { planBackfill } from './planner.js';
import type { LogRouter } from './progress-display.js';
import type { ProgressSnapshot } from './progress.js';
import { checkBounds, type Bound } from './range.js';
import { formatCount, formatPlan, planForLog } from './report.js';
import { backfillState, type BackfillState } from './state.js';

/** What the command line asks for. */
export interface BackfillRequest {
  configPath: string;
  /** The configuration as loaded; the backfill derives its own from it (backfill-config.ts). */
  config: StreamscoreConfig;
  topic: string;
  from: Bound;
  to: Bound;
  id?: string;
  planOnly: boolean;
  restart: boolean;
  outputTopic?: string;
  modelPath?: string;
  windowRecords?: number;
  maxRate?: number;
  perPartition: boolean;
}

/** How the backfill talks to the person or program that runs it. */
export interface BackfillIo {
  logger: Logger;
  router: LogRouter;
  /** A person at a terminal: progress bars instead of progress log lines. */
  tty: boolean;
  /** Human output: the plan, notes, the summary (stdout). */
  print(text: string): void;
  /** Asked before `--restart` deletes a backfill's progress; false leaves it as it is. */
  confirmRestart(identity: BackfillIdentity, state: BackfillState | undefined): Promise<boolean>;
  /** Aborted on SIGINT/SIGTERM: stop after the window in flight. */
  signal: AbortSignal;
}

export type BackfillOutcome = 'planned' | 'empty' | 'already-finished' | 'finished' | 'interrupted' | 'cancelled';

export interface BackfillResult {
  outcome: BackfillOutcome;
  identity: BackfillIdentity;
  plan?: BackfillPlan;
  /** The run's progress at its end (outcomes finished and interrupted). */
  snapshot?: ProgressSnapshot;
  config?: StreamscoreConfig;
  /** False when the window in flight did not settle within the shutdown deadline. */
  stoppedCleanly?: boolean;
}

export function committedMap(offsets: GroupOffset[]): Map<number, bigint> {
  return new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));
}

/**
 * A backfill from the command line to its end: identity, optional restart, the plan (stored, or
 * made now), where it stands, and, unless it only plans or has nothing to do, the run.
 */
export async function runBackfill(request: BackfillRequest, io: BackfillIo): Promise<BackfillResult> {
  checkBounds(request.topic, request.from, request.to);
  const identity = backfillIdentity(request.config.appId, request.id ?? defaultBackfillId(request.configPath, request.topic, request.from, request.to));
  const kafka = openKafkaClient(request.config.kafka, io.logger, '-backfill');
  const admin = kafka.admin();
  const groups = kafka.groupOffsets();
  try {
    await admin.connect();
  } catch (error) {
    throw asKafkaError(error, `Connecting to ${request.config.kafka.brokers.join(',')}`);
  }
  await groups.connect();
  try {
    return await prepareAndRun(request, io, identity, admin, groups);
  } finally {
    await groups.disconnect();
    await admin.disconnect().catch(() => undefined);
  }
}

async function prepareAndRun(request: BackfillRequest, io: BackfillIo, identity: BackfillIdentity, admin: OffsetsAdmin, groups: GroupOffsetsStore): Promise<BackfillResult> {
  const { topic } = request;
  const store = new PlanStore(groups, identity);
  await admin.requireTopics([topic]);

  if (request.restart && !request.planOnly) {
    const restarted = await restart(io, identity, store, groups, topic);
    if (!restarted) return { outcome: 'cancelled', identity };
  }

  const stored = request.restart && request.planOnly ? undefined : await store.load(topic);
  let plan: BackfillPlan;
  if (stored) {
    plan = stored.plan;
  } else {
    const result = await planBackfill(admin, topic, request.from, request.to, Date.now());
    plan = result.plan;
    for (const warning of result.warnings) {
      io.logger.warn({ backfill: identity.id }, warning);
      io.print(`warning: ${warning}`);
    }
  }
  const committed = request.restart && request.planOnly ? new Map<number, bigint>() : committedMap(await groups.fetch(identity.group, topic));
  const state = backfillState(plan, committed);

  io.print(`backfill ${identity.id}: ${topic} from ${plan.from} to ${plan.to} (group ${identity.group})`);
  io.print(stored
    ? `plan fixed on ${new Date(plan.plannedAt).toISOString()} by the first run; it is ${describeState(state)}`
    : `plan made now; the ends are fixed at these offsets${request.planOnly ? ' when the backfill first runs' : ''}`);
  io.print(formatPlan(plan, state.status === 'not-started' ? undefined : state));
  io.logger.info({ backfill: identity.id, group: identity.group, status: state.status, done: state.done.toString(), plan: planForLog(plan) }, 'backfill plan');

  if (request.planOnly) return { outcome: 'planned', identity, plan };
  if (planTotal(plan) === 0n) {
    io.print('nothing to backfill: the range is empty');
    return { outcome: 'empty', identity, plan };
  }
  if (state.status === 'done') {
    io.print(`backfill ${identity.id} already finished: all ${formatCount(state.total)} offsets of the range are committed; nothing to do (--restart runs it again)`);
    return { outcome: 'already-finished', identity, plan };
  }

  const config = backfillConfig(request.config, {
    topic, group: identity.group, outputTopic: request.outputTopic, modelPath: request.modelPath, windowRecords: request.windowRecords,
  });
  const { model } = await preflight(config);
  await admin.requireTopics([config.output.topic, config.output.deadLetterTopic]);
  if (stored) {
    warnOnChange(io, stored, config.output.topic, model.sha256);
  } else {
    await store.save({ plan, outputTopic: config.output.topic, modelSha256: model.sha256 });
  }
  if (state.status === 'partial') io.print(`resuming: ${formatCount(state.done)} of ${formatCount(state.total)} offsets already done`);

  const run = await executeBackfill({ plan, committed, config, identity, maxRate: request.maxRate, perPartition: request.perPartition, groups }, io);
  return { ...run, identity, plan, config };
}

function describeState(state: BackfillState): string {
  if (state.status === 'not-started') return 'not started';
  if (state.status === 'done') return 'finished';
  return `partly done (${formatCount(state.done)} of ${formatCount(state.total)})`;
}

/** --restart: after confirmation, deletes the backfill's group and then its stored plan; a running backfill keeps both. */
async function restart(io: BackfillIo, identity: BackfillIdentity, store: PlanStore, groups: GroupOffsetsStore, topic: string): Promise<boolean> {
  const committed = await groups.fetch(identity.group, topic);
  const stored = await store.load(topic).catch(() => undefined);
  if (!committed.length && !stored) {
    io.print(`--restart: backfill ${identity.id} has no progress to delete`);
    return true;
  }
  const state = stored ? backfillState(stored.plan, committedMap(committed)) : undefined;
  if (!(await io.confirmRestart(identity, state))) {
    io.print('restart cancelled: nothing was deleted');
    return false;
  }
  try {
    // Progress first, then the plan, each on its own: the broker refuses to delete a group with
    // members, and that refusal (not a look at the members beforehand: a process may join in
    // between) is what says the backfill runs. The plan group never has members: deleted in the
    // same request, it went even when the progress group was refused.
    await groups.deleteGroups([identity.group]);
    await groups.deleteGroups([identity.planGroup]);
  } catch (error) {
    if (!(error instanceof GroupNotEmptyError)) throw error;
    throw new StreamscoreError('ERR_BACKFILL_RUNNING', `backfill ${identity.id} is running (group ${error.groupId} has members): stop it first; a process killed without a clean stop leaves the group after kafka.sessionTimeoutMs`);
  }
  io.logger.info({ backfill: identity.id, group: identity.group }, 'backfill progress and plan deleted (--restart)');
  io.print(`restart: deleted the progress and the plan of backfill ${identity.id}`);
  return true;
}

function warnOnChange(io: BackfillIo, stored: StoredPlan, outputTopic: string, modelSha256: string): void {
  const changes: string[] = [];
  if (stored.outputTopic !== outputTopic) changes.push(`output topic ${stored.outputTopic} → ${outputTopic}`);
  if (stored.modelSha256 !== modelSha256) changes.push(`model sha256 ${stored.modelSha256.slice(0, 12)}… → ${modelSha256.slice(0, 12)}…`);
  if (!changes.length) return;
  const message = `this backfill was started with different settings (${changes.join(', ')}); records done so far keep their outputs, the rest get the new ones (--restart to redo all)`;
  io.logger.warn(message);
  io.print(`warning: ${message}`);
}
