import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { processCpuSeconds, systemBusySeconds } from '../process-cpu.js';

/** Peak resident set size of this process (Linux VmHWM), in MB; NaN where /proc is missing. */
export function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Wall time, CPU time and event-loop delay over one measured interval of a case child.
 * process.cpuUsage() is getrusage(RUSAGE_SELF): it counts every thread, including the
 * onnxruntime worker threads and libuv's pool.
 */
export class Meter {
  readonly createdAt = performance.now();
  private startedAt: number | undefined;
  private stoppedAt: number | undefined;
  private cpuAtStart: NodeJS.CpuUsage | undefined;
  private cpu: NodeJS.CpuUsage | undefined;
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  /** Broker and whole-machine CPU seconds at start, then their growth over the interval. */
  private brokerCpu: number | undefined;
  private machineBusy: number | undefined;

  /** `brokerPid`: the broker's process on this machine, whose CPU over the interval is read too. */
  constructor(private readonly brokerPid?: number) {}

  get running(): boolean {
    return this.startedAt !== undefined && this.stoppedAt === undefined;
  }

  /** Starts the interval (idempotent: the first call wins). */
  start(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
    this.brokerCpu = processCpuSeconds(this.brokerPid);
    this.machineBusy = systemBusySeconds();
    this.loop.enable();
  }

  stop(): void {
    if (this.startedAt === undefined || this.stoppedAt !== undefined) return;
    this.stoppedAt = performance.now();
    this.cpu = process.cpuUsage(this.cpuAtStart);
    this.brokerCpu = difference(this.brokerCpu, processCpuSeconds(this.brokerPid));
    this.machineBusy = difference(this.machineBusy, systemBusySeconds());
    this.loop.disable();
  }

  /**
   * Wall ms of the interval, CPU ms in it, ms since the case began, event-loop p99 ms, the
   * process's CPU ms so far, and the broker's and the whole machine's CPU ms in the interval.
   */
  read(): { drainMs: number; totalMs: number; cpuMs: number; eventLoopP99Ms: number; processCpuMs: number; brokerDrainCpuMs?: number; machineBusyMs?: number } {
    if (this.startedAt === undefined || this.stoppedAt === undefined || this.cpu === undefined) throw new Error('Meter read before start() and stop()');
    return {
      drainMs: this.stoppedAt - this.startedAt,
      totalMs: this.stoppedAt - this.createdAt,
      cpuMs: (this.cpu.user + this.cpu.system) / 1000,
      eventLoopP99Ms: this.loop.count > 0 ? this.loop.percentile(99) / 1e6 : 0,
      processCpuMs: ((usage) => (usage.user + usage.system) / 1000)(process.cpuUsage()),
      ...(this.brokerCpu === undefined ? {} : { brokerDrainCpuMs: this.brokerCpu * 1000 }),
      ...(this.machineBusy === undefined ? {} : { machineBusyMs: this.machineBusy * 1000 }),
    };
  }
}

function difference(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}
