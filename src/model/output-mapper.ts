import type { ModelOutputsConfig } from '../config/types.js';
import { StreamscoreError } from '../errors.js';
import type { OutputTensor } from './batched-run.js';

export interface ScoredRow {
  score: number;
  label: string | null;
  flag: boolean | null;
}

export type MappedOutput = { ok: true; row: ScoredRow } | { ok: false; error: StreamscoreError };

/** Model outputs → one prediction per row. Pure. A row whose score is not a finite number is a dead letter. */
export function mapOutputs(outputs: Record<string, OutputTensor>, rows: number, config: ModelOutputsConfig): MappedOutput[] {
  const score = outputs[config.score.name];
  const width = config.score.column === undefined ? 1 : (score.dims[1] ?? 1);
  const column = config.score.column ?? 0;
  const labels = config.label ? outputs[config.label.name] : undefined;
  const mapped: MappedOutput[] = [];
  for (let row = 0; row < rows; row++) {
    const value = Number(score.data[row * width + column]);
    if (!Number.isFinite(value)) {
      mapped.push({ ok: false, error: new StreamscoreError('ERR_OUTPUT_UNMAPPABLE', `Model output "${config.score.name}" is ${value} for this record`, { stage: 'model' }) });
      continue;
    }
    const label = labels ? String(labels.data[row]) : null;
    const flag = config.threshold === undefined ? null : value >= config.threshold;
    mapped.push({ ok: true, row: { score: value, label, flag } });
  }
  return mapped;
}
