/**
 * src/cli/stop-signals.ts with real signals, each case in its own node process (a signal handler
 * installed in the test runner would change how the runner itself stops). A case script sends
 * signals to itself and waits for their delivery through events, never for a time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

const MODULE = pathToFileURL(path.resolve('dist/src/cli/stop-signals.js')).href;

function runCase(body: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
  const script = `import { installStopSignals, onStopSignals } from '${MODULE}';\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, signal: result.signal, stdout: result.stdout };
}

describe('stop signals', () => {
  test('a signal that comes before the command takes the signals over is handed to it then, once', () => {
    const result = runCase(`
      installStopSignals();
      // Listeners run in order: once this one runs, stop-signals has seen the signal.
      process.once('SIGTERM', () => setImmediate(() => {
        onStopSignals({ stop: (signal) => { console.log('stop', signal); setImmediate(() => process.exit(0)); } });
      }));
      process.kill(process.pid, 'SIGTERM');
      setInterval(() => undefined, 1000);
    `);
    assert.deepEqual(result, { status: 0, signal: null, stdout: 'stop SIGTERM\n' });
  });

  test('a second signal exits at once with 130, after quit', () => {
    const result = runCase(`
      onStopSignals({
        stop: (signal) => { console.log('stop', signal); process.kill(process.pid, 'SIGINT'); },
        quit: (signal) => console.log('quit', signal),
      });
      process.kill(process.pid, 'SIGTERM');
      setInterval(() => undefined, 1000);
    `);
    assert.deepEqual(result, { status: 130, signal: null, stdout: 'stop SIGTERM\nquit SIGINT\n' });
  });

  test('without the listeners, the same signal ends the process by Node\'s default action', () => {
    // The reason main.ts installs them before loading the commands.
    const result = runCase(`
      process.kill(process.pid, 'SIGTERM');
      setInterval(() => undefined, 1000);
    `);
    assert.deepEqual(result, { status: null, signal: 'SIGTERM', stdout: '' });
  });
});
