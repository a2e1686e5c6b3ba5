import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const RESULTS_START = '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Writes the JSON results; the file name is the run's start time. */
export function writeJson(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
}

/**
 * Replaces the generated section of docs/benchmarks.md, keeping the hand-written method and
 * analysis around it. A missing file or missing markers get a minimal page.
 */
export function writeResultsSection(file: string, section: string): void {
  const block = `${RESULTS_START}\n${section}\n${RESULTS_END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next = start >= 0 && end > start
    ? current.slice(0, start) + block + current.slice(end + RESULTS_END.length)
    : `${current || '# Benchmarks\n'}\n## Results\n\n${block}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
}
