/**
 * The case child: `fork(dist/bench/child/entry.js)`. Waits for one `run` message, runs that
 * case, sends its result and exits. Its CPU time and peak RSS are the case's own.
 */
import { runPipeline } from './pipeline-run.js';
import type { CaseResult, CaseSpec, ChildMessage, ParentMessage } from './protocol.js';
import { runSeamCopy } from './seam-copy.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

let stop!: () => void;
const stopRequested = new Promise<void>((resolve) => { stop = resolve; });

async function run(spec: CaseSpec): Promise<CaseResult> {
  switch (spec.kind) {
    case 'copy-raw':
    case 'copy-eos': return runSeamCopy(spec);
    case 'pipeline': return runPipeline(spec, { ready: () => void send({ type: 'ready' }), stopRequested });
  }
}

if (!process.send) {
  process.stderr.write('bench/child/entry.js is started by the benchmark (fork with IPC), not by hand\n');
  process.exit(2);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') {
    stop();
    return;
  }
  run(message.spec)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }))
    .finally(() => {
      process.disconnect();
      // Leftover sockets or timers of a client must not keep a finished case alive.
      setTimeout(() => process.exit(0), 2_000).unref();
    });
});
