import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { ProgressSnapshot } from './progress.js';
import { formatCount, formatDuration, progressFields } from './report.js';

/** Off a terminal, one progress log line this often. */
export const LOG_EVERY_MS = 5_000;

/**
 * Where log lines go. At a terminal a progress bar owns the bottom lines of stderr: lines are
 * printed above it while it is shown. Given to pino as its destination.
 */
export class LogRouter {
  private target: (line: string) => void = (line) => { process.stderr.write(line); };

  write(line: string): void {
    this.target(line);
  }

  routeTo(target: ((line: string) => void) | undefined): void {
    this.target = target ?? ((line) => { process.stderr.write(line); });
  }
}

export interface ProgressDisplay {
  update(snapshot: ProgressSnapshot): void;
  /** Removes the bars (at a terminal) and writes a last progress line (elsewhere). */
  stop(snapshot: ProgressSnapshot): void;
}

export interface DisplayOptions {
  tty: boolean;
  perPartition: boolean;
  logger: Logger;
  router: LogRouter;
  /** Where the bars go (default: stderr, a terminal). */
  stream?: NodeJS.WritableStream;
}

export function createProgressDisplay(options: DisplayOptions): ProgressDisplay {
  return options.tty ? new BarDisplay(options) : new LogDisplay(options.logger);
}

/** Off a terminal: a log line every {@link LOG_EVERY_MS} with the numbers a bar would show. */
class LogDisplay implements ProgressDisplay {
  private lastAt = 0;

  constructor(private readonly logger: Logger) {}

  update(snapshot: ProgressSnapshot): void {
    if (snapshot.elapsedMs - this.lastAt < LOG_EVERY_MS) return;
    this.lastAt = snapshot.elapsedMs;
    this.logger.info(progressFields(snapshot), 'backfill progress');
  }

  stop(snapshot: ProgressSnapshot): void {
    this.logger.info(progressFields(snapshot), 'backfill progress');
  }
}

interface BarPayload {
  name: string;
  doneText: string;
  totalText: string;
  /** Rate and ETA for the total; "done" or nothing for a partition. */
  tail: string;
}

/** At a terminal: the total's bar, and with --per-partition one bar per partition below it. */
class BarDisplay implements ProgressDisplay {
  private readonly multibar: cliProgress.MultiBar;
  private readonly total: cliProgress.SingleBar;
  private readonly partitions = new Map<number, cliProgress.SingleBar>();
  /** The total's label; partition rows ("partition 12") are padded to the same width. */
  private readonly label: string;
  /** Fits the total's row (up to 65 characters besides the bar) in the terminal. */
  private readonly barWidth: number;

  constructor(private readonly options: DisplayOptions) {
    this.label = options.perPartition ? 'total' : 'backfill';
    const stream = options.stream ?? process.stderr;
    this.barWidth = Math.max(10, Math.min(40, ((stream as NodeJS.WriteStream).columns || 80) - 65));
    this.multibar = new cliProgress.MultiBar({
      format: (bar, params, payload: BarPayload) => {
        const width = this.barWidth;
        const filled = Math.round(params.progress * width);
        const percent = (params.progress * 100).toFixed(1).padStart(5);
        return `${payload.name} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent}% | ${payload.doneText}/${payload.totalText}${payload.tail}`;
      },
      stream,
      hideCursor: true,
      // Redraw every bar each frame: a line logged above the bars shifts them down, and cli-progress
      // otherwise redraws only the bars whose text changed, leaving stale rows behind.
      forceRedraw: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 5,
    });
    this.total = this.multibar.create(1, 0, { name: this.label, doneText: '0', totalText: '0', tail: '' } satisfies BarPayload);
    options.router.routeTo((line) => this.multibar.log(line.endsWith('\n') ? line : `${line}\n`));
  }

  update(s: ProgressSnapshot): void {
    const eta = s.done >= s.total ? 'done' : `ETA ${s.etaSeconds === undefined ? '-' : formatDuration(s.etaSeconds)}`;
    this.total.setTotal(Math.max(s.total, 1));
    this.total.update(s.total ? s.done : 1, {
      name: this.label.padStart(this.nameWidth(s)), doneText: formatCount(s.done), totalText: formatCount(s.total), tail: ` | ${formatCount(s.rate)} rec/s | ${eta}`,
    } satisfies BarPayload);
    if (!this.options.perPartition) return;
    const digits = Math.max(...s.partitions.map((p) => String(p.partition).length));
    for (const p of s.partitions) {
      let bar = this.partitions.get(p.partition);
      if (!bar) {
        bar = this.multibar.create(Math.max(p.total, 1), 0);
        this.partitions.set(p.partition, bar);
      }
      bar.update(p.total ? p.done : 1, {
        name: `partition ${String(p.partition).padStart(digits)}`,
        doneText: formatCount(p.done), totalText: formatCount(p.total), tail: p.done === p.total ? ' | done' : '',
      } satisfies BarPayload);
    }
  }

  private nameWidth(s: ProgressSnapshot): number {
    return this.options.perPartition ? 'partition '.length + Math.max(...s.partitions.map((p) => String(p.partition).length)) : this.label.length;
  }

  stop(s: ProgressSnapshot): void {
    this.update(s);
    this.multibar.update();
    this.multibar.stop();
    this.options.router.routeTo(undefined);
  }
}
