/**
 * Progress for a person watching the demo: one bar per scenario at a terminal (cli-progress),
 * a plain line every few seconds otherwise (CI logs, pipes). Everything goes to stderr; the
 * report goes to stdout.
 */
import cliProgress from 'cli-progress';

export interface ScenarioProgress {
  produced: number;
  scored: number;
  total: number;
}

export interface DemoProgress {
  /** A message line (kept above the bars at a terminal). */
  log(line: string): void;
  /** Starts showing the scenarios' counts; `read` is polled. */
  start(read: () => Record<string, ScenarioProgress>): void;
  stop(): void;
}

const LINE_EVERY_MS = 5_000;
const TTY_REFRESH_MS = 200;

export function createProgress(stream: NodeJS.WriteStream = process.stderr): DemoProgress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

const count = (n: number): string => n.toLocaleString('en-US');

class LineProgress implements DemoProgress {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  log(line: string): void {
    this.stream.write(`demo: ${line}\n`);
  }

  start(read: () => Record<string, ScenarioProgress>): void {
    this.timer = setInterval(() => {
      const parts = Object.entries(read()).map(([name, p]) => `${name} produced ${count(p.produced)}/${count(p.total)}, scored ${count(p.scored)}`);
      this.log(`${((Date.now() - this.started) / 1000).toFixed(0)} s: ${parts.join('; ')}`);
    }, LINE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

class BarProgress implements DemoProgress {
  private multibar: cliProgress.MultiBar | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  log(line: string): void {
    if (this.multibar) this.multibar.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  start(read: () => Record<string, ScenarioProgress>): void {
    this.multibar = new cliProgress.MultiBar(
      {
        stream: this.stream,
        format: ' {name} |{bar}| {percentage}% scored {scoredText}/{totalText}, produced {producedText}',
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        barsize: 30,
        noTTYOutput: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    const refresh = () => {
      for (const [name, p] of Object.entries(read())) {
        const payload = { name: name.padEnd(5), scoredText: count(p.scored), totalText: count(p.total), producedText: count(p.produced) };
        let bar = bars.get(name);
        if (!bar) {
          bar = this.multibar!.create(p.total, p.scored, payload);
          bars.set(name, bar);
        } else {
          bar.update(Math.min(p.scored, p.total), payload);
        }
      }
    };
    refresh();
    this.timer = setInterval(refresh, TTY_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.multibar?.stop();
    this.multibar = undefined;
  }
}
