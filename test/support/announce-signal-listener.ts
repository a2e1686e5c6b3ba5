/**
 * Preloaded into a streamscore process by a test (`node --import <this file>`): writes
 * SIGNAL_LISTENER_LINE to stderr when the process adds its first SIGTERM listener. That is the
 * earliest moment a SIGTERM can stop the process cleanly; before it, Node's default handler ends the
 * process, and no program can act sooner. The line is written before the listener is added, but a
 * signal sent in answer to it is handled on a later turn of the event loop, when the listener is there.
 */
export const SIGNAL_LISTENER_LINE = '[test] SIGTERM listener added';

let announced = false;
process.on('newListener', (event) => {
  if (event !== 'SIGTERM' || announced) return;
  announced = true;
  // Synchronous on a pipe (Linux), so the line is out before any later output.
  process.stderr.write(`${SIGNAL_LISTENER_LINE}\n`);
});
