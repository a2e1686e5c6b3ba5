import { fork, type ChildProcess } from 'node:child_process';
import type { CaseResult, CaseSpec, ChildMessage, ParentMessage } from './protocol.js';

export interface ChildOptions {
  /** Extra Node flags for the child, e.g. `--cpu-prof`. */
  execArgv?: string[];
  /** Kill the child (by its pid: it is ours) and fail the case after this long. */
  timeoutMs: number;
}

/** A running case child. */
export interface CaseChild {
  pid: number;
  /** Resolves when the child says it is ready (latency mode); never for drain cases. */
  ready: Promise<void>;
  result: Promise<CaseResult>;
  /** Ask a latency-mode child to finish and report. */
  stop(): void;
}

const ENTRY = new URL('./entry.js', import.meta.url);

/** Forks dist/bench/child/entry.js and hands it one case. */
export function startCaseChild(spec: CaseSpec, options: ChildOptions): CaseChild {
  const child: ChildProcess = fork(ENTRY, [], { execArgv: options.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const result = new Promise<CaseResult>((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, value?: CaseResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new Error(`case ${spec.kind} did not finish within ${Math.round(options.timeoutMs / 1000)} s (child ${child.pid} killed)`));
    }, options.timeoutMs);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'result') settle(undefined, message.result);
      else settle(new Error(`case ${spec.kind} failed in its child: ${message.message}`));
    });
    child.on('error', (error) => settle(error));
    child.on('exit', (code, signal) => settle(new Error(`case ${spec.kind}: child exited (${signal ?? `code ${code}`}) without a result`)));
  });
  // The child exits by itself after reporting; wait for that so the next case starts on a quiet machine.
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const send = (message: ParentMessage): void => { if (child.connected) child.send(message); };
  send({ type: 'run', spec });
  return {
    pid: child.pid ?? -1,
    ready,
    result: result.then(async (value) => { await exited; return value; }),
    stop: () => send({ type: 'stop' }),
  };
}
