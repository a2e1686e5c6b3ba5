import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export const CLI = path.resolve('dist/src/cli/main.js');

export function writeConfig(config: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamscore-test-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** A streamscore process for a test: its logs, and events awaited on them instead of sleeps. */
export class StreamscoreProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: { pattern: RegExp; from: number; resolve: (line: string) => void }[] = [];

  /** `nodeArgs` go to node before the CLI's path (e.g. `--import` of a test probe). */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.lines.push(line);
        if (process.env.STREAMSCORE_TEST_LOGS) process.stderr.write(`[pid ${this.child.pid}] ${line}\n`);
        for (const waiter of [...this.waiters]) {
          if (waiter.pattern.test(line)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(line);
          }
        }
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static run(configFile: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): StreamscoreProcess {
    return new StreamscoreProcess(['run', '--config', configFile], { LOG_LEVEL: process.env.STREAMSCORE_TEST_LOG_LEVEL ?? 'info', ...env }, nodeArgs);
  }

  /** Resolves with the first log line (already seen or future) matching the pattern. */
  waitForLine(pattern: RegExp, timeoutMs = 60_000, fromIndex = 0): Promise<string> {
    const seen = this.lines.slice(fromIndex).find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-15).join('\n')}`)), timeoutMs);
      const waiter = { pattern, from: fromIndex, resolve: (line: string) => { clearTimeout(timer); resolve(line); } };
      this.waiters.push(waiter);
      void this.exited.then(({ code, signal }) => {
        if (!this.waiters.includes(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`process exited (${code ?? signal}) before a line matching ${pattern}; last lines:\n${this.lines.slice(-15).join('\n')}`));
      });
    });
  }

  /** Throws if the process has died (used inside polling loops). */
  assertAlive(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      throw new Error(`streamscore exited (${this.child.exitCode ?? this.child.signalCode}); last lines:\n${this.lines.slice(-20).join('\n')}`);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}
