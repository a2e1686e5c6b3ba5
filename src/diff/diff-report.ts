import type { DiffSummary } from './diff-stats.js';
import type { JoinCounts } from './score-join.js';

/** The report of `streamscore diff`: what `--output` writes as JSON and the HTML page shows. */
export interface DiffReport extends DiffSummary {
  /** Schema of this report, bumped on incompatible changes. */
  reportVersion: 1;
  createdAt: string;
  topic: string;
  range: { from: string; to: string; partitions: { partition: number; start: string; end: string }[] };
  /** Records of the range that were read (transaction markers and aborted records take offsets but are no records). */
  recordsRead: number;
  champion: ModelInfo & { recordedIn: string | null; recordedModelSha256: string[] };
  candidate: ModelInfo;
  join: JoinCounts | null;
  /** True when Ctrl-C (or SIGTERM) stopped the diff: the numbers cover what it finished. */
  interrupted: boolean;
  elapsedMs: number;
}

export interface ModelInfo {
  path: string;
  sha256: string;
  threshold: number | null;
}

const fmt = (n: number | null, digits = 4): string => (n === null ? '–' : n.toFixed(digits));
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number | null): string => (n === null ? '–' : `${(n * 100).toFixed(1)}%`);

/** The terminal summary. */
export function formatDiffReport(r: DiffReport): string {
  const lines: string[] = [];
  lines.push(`diff of ${r.topic} ${r.range.from} → ${r.range.to}${r.interrupted ? ' (interrupted: partial)' : ''}`);
  lines.push(`  champion   ${r.champion.path} (sha256 ${r.champion.sha256.slice(0, 12)}…, threshold ${r.champion.threshold ?? 'none'})${r.champion.recordedIn ? `, recorded in ${r.champion.recordedIn}` : ', scored in this run'}`);
  lines.push(`  candidate  ${r.candidate.path} (sha256 ${r.candidate.sha256.slice(0, 12)}…, threshold ${r.candidate.threshold ?? 'none'})`);
  lines.push(`  records    ${count(r.recordsRead)} read, ${count(r.compared)} compared (champion: ${count(r.championRecorded)} recorded, ${count(r.championRecomputed)} scored here)`);
  if (r.missing.total) {
    lines.push(`  missing    ${count(r.missing.total)}: ${Object.entries(r.missing.byReason).map(([reason, n]) => `${count(n)} ${reason}`).join('; ')}`);
  }
  if (r.join) {
    const j = r.join;
    const notes = [
      j.recordedDuplicates ? `${count(j.recordedDuplicates)} duplicate predictions ignored (first kept)` : '',
      j.recordedWithoutInput ? `${count(j.recordedWithoutInput)} predictions of offsets not read` : '',
    ].filter(Boolean);
    if (notes.length) lines.push(`  recorded   ${notes.join('; ')}`);
  }
  lines.push(`  |Δscore|   mean ${fmt(r.delta.mean, 6)}  p50 ${fmt(r.delta.p50, 6)}  p99 ${fmt(r.delta.p99, 6)}  max ${fmt(r.delta.max, 6)}`);
  lines.push(`  flips      ${count(r.flips.toFlagged.count)} newly flagged, ${count(r.flips.toUnflagged.count)} no longer flagged`);
  for (const [label, flips] of [['newly flagged', r.flips.toFlagged], ['no longer flagged', r.flips.toUnflagged]] as const) {
    const shown = flips.examples.slice(0, 5).map((f) => `${f.partition}:${f.offset} (${f.champion.toFixed(3)}→${f.candidate.toFixed(3)})`);
    if (shown.length) lines.push(`    ${label}: ${shown.join(', ')}${flips.count > shown.length ? ', …' : ''}`);
  }
  const q = r.quality;
  if (q) {
    lines.push(`  quality    over ${count(q.records)} records with ground truth (${count(q.positives)} positive)`);
    lines.push(`             ${'model'.padEnd(10)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'ROC AUC'.padStart(8)}`);
    for (const [name, m] of [['champion', q.champion], ['candidate', q.candidate]] as const) {
      lines.push(`             ${name.padEnd(10)} ${pct(m.precision).padStart(9)} ${pct(m.recall).padStart(7)} ${fmt(m.rocAuc).padStart(8)}`);
    }
    const kinds = [...new Set([...Object.keys(q.champion.recallByKind), ...Object.keys(q.candidate.recallByKind)])];
    if (kinds.length) {
      lines.push(`  recall by kind (champion → candidate)`);
      for (const kind of kinds) {
        const a = q.champion.recallByKind[kind];
        const b = q.candidate.recallByKind[kind];
        lines.push(`    ${kind.padEnd(18)} ${pct(a?.recall ?? null).padStart(6)} → ${pct(b?.recall ?? null).padStart(6)}  (${count(a?.positives ?? b?.positives ?? 0)} positives)`);
      }
    }
  } else {
    lines.push('  quality    no ground truth in the records\' headers: precision, recall and ROC AUC not computed');
  }
  lines.push(`  duration   ${(r.elapsedMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
