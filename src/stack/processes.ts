import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** How long a stopping server gets between SIGTERM and SIGKILL (Kafka's controlled shutdown takes a few seconds). */
export const STOP_GRACE_MS = 20_000;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a server detached from this process (own process group, stdout and stderr appended to `logFile`)
 * so that it outlives `npm run stack -- up`. Returns its pid; the caller records it in state.json.
 */
export function spawnDetached(command: string, args: string[], options: { cwd: string; logFile: string }): number {
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', out, out] });
    if (child.pid === undefined) throw new Error(`cannot start ${command}`);
    // Reap it if it exits while we still run; never keep this process alive for it.
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** The system property that tags a server's command line with its service and stack folder. */
export function processMarker(service: string, stackRoot: string): string {
  return `-Dstreamscore.stack=${service}@${stackRoot}`;
}

/** The process's command line, or undefined when there is no such process (Linux /proc first, then ps). */
export function commandLine(pid: number): string | undefined {
  if (existsSync('/proc/self/cmdline')) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * True when `pid` is alive and is the server we started: its command line carries our marker
 * (`-Dstreamscore.stack=<service>@<stack folder>`, see {@link processMarker}). A recorded pid that the OS has since given to another
 * program is never signalled.
 */
export function isOurProcess(pid: number | undefined, marker: string): pid is number {
  if (pid === undefined || !isAlive(pid)) return false;
  const line = commandLine(pid);
  return line !== undefined && `${line} `.includes(`${marker} `);
}

async function waitGone(pid: number, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await pause(100);
  }
  return !isAlive(pid);
}

/** What happened when a server was stopped. */
export type StopOutcome = 'not-running' | 'terminated' | 'killed';

/** SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once the process is verified gone. */
export async function stopProcess(pid: number, graceMs: number = STOP_GRACE_MS): Promise<StopOutcome> {
  if (!isAlive(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  if (await waitGone(pid, graceMs)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  if (await waitGone(pid, 10_000)) return 'killed';
  throw new Error(`process ${pid} survived SIGKILL`);
}

/**
 * The TCP ports `pid` listens on (Linux only: its socket inodes matched against /proc/net/tcp{,6}).
 * Used to check that the registry really keeps Quarkus' management port (0.0.0.0:9000) closed.
 * Returns undefined where /proc cannot tell.
 */
export function listeningPorts(pid: number): number[] | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
  } catch {
    return undefined;
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) continue;
      ports.add(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}
