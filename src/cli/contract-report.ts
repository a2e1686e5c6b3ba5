import avro from 'avsc';
import type { FeatureColumnConfig, StreamscoreConfig } from '../config/types.js';

/**
 * What `streamscore check` prints about the model's contract: per model input column, the Avro
 * field it reads, that field's type in the reader schema, the tensor dtype and the column index;
 * then the outputs it maps. With --registry, every registered writer schema of the input subject
 * is resolved to the reader schema (Avro schema resolution, as the decoder does) and each feature
 * field is followed through it. Pure, apart from the registry look-ups passed in.
 */

export interface ContractRow {
  input: string;
  column: number;
  field: string;
  /** The field's type in the reader schema, e.g. `double`, `["null","string"]`; undefined when it has none. */
  readerType: string | undefined;
  dtype: string;
}

/** A problem that would dead-letter every record: the command exits 2 with it. */
export interface ContractProblem {
  field: string;
  message: string;
}

/** One named field of a record type at a dotted path (through nullable unions); undefined if absent. */
function fieldAt(type: avro.Type, path: string[]): { field: avro.types.Field; parentType: avro.types.RecordType } | undefined {
  let current: avro.Type | undefined = type;
  let found: { field: avro.types.Field; parentType: avro.types.RecordType } | undefined;
  for (const name of path) {
    current = recordOf(current);
    if (!current) return undefined;
    const record = current as avro.types.RecordType;
    const field = record.fields.find((f) => f.name === name || f.aliases.includes(name));
    if (!field) return undefined;
    found = { field, parentType: record };
    current = field.type;
  }
  return found;
}

/** The record type itself, or the record branch of a union (e.g. ["null", Record]). */
function recordOf(type: avro.Type | undefined): avro.Type | undefined {
  if (!type) return undefined;
  if (type.typeName === 'record') return type;
  if (type.typeName === 'union:unwrapped' || type.typeName === 'union:wrapped') {
    return (type as avro.types.UnwrappedUnionType).types.find((t) => t.typeName === 'record');
  }
  return undefined;
}

function typeText(type: avro.Type): string {
  const schema = type.schema() as unknown;
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}

export function contractRows(config: StreamscoreConfig, reader: avro.Type | undefined): ContractRow[] {
  return config.model.inputs.flatMap((input) => input.columns.map((column, index) => ({
    input: input.name,
    column: index,
    field: column.field,
    readerType: reader ? (() => { const f = fieldAt(reader, column.field.split('.')); return f ? typeText(f.field.type) : undefined; })() : undefined,
    dtype: `${column.dtype === input.dtype ? column.dtype : `${column.dtype} → ${input.dtype}`}`,
  })));
}

/** Feature fields the reader schema does not have: with no `default` in the column, every record is dead-lettered. */
export function readerProblems(config: StreamscoreConfig, reader: avro.Type): ContractProblem[] {
  return columns(config)
    .filter((c) => c.default === undefined && !fieldAt(reader, c.field.split('.')))
    .map((c) => ({ field: c.field, message: `feature field "${c.field}" is not in the reader schema (input.readerSchema) and its column has no default: every record would be dead-lettered (ERR_FEATURE_MISSING)` }));
}

function columns(config: StreamscoreConfig): FeatureColumnConfig[] {
  return config.model.inputs.flatMap((i) => i.columns);
}

export interface WriterVersionCheck {
  version: number;
  id: number;
  resolves: boolean;
  /** Why it does not resolve. */
  error?: string;
  /** Per feature field: read from the writer, or filled by the reader's default (and which). */
  fields: { field: string; survives: boolean; note?: string }[];
  problems: ContractProblem[];
}

/**
 * One registered writer schema against the reader schema: does it resolve, and does each feature
 * field come from the writer? A field the writer lacks takes the reader's default: a null default
 * (and no column default) dead-letters every record written with this version, as does a writer
 * schema that does not resolve at all.
 */
export function checkWriterVersion(config: StreamscoreConfig, reader: avro.Type, writerSchema: unknown, version: number, id: number): WriterVersionCheck {
  let writer: avro.Type;
  try {
    writer = avro.Type.forSchema(writerSchema as avro.Schema);
    reader.createResolver(writer);
  } catch (error) {
    const message = (error as Error).message;
    // avsc names the reader field it could not fill (e.g. "no matching field for default-less Reading.a").
    const named = columns(config).find((c) => new RegExp(`\\b${c.field.split('.').at(-1)!.replace(/[^A-Za-z0-9_]/g, '')}\\b`).test(message));
    const field = named?.field ?? '(the record)';
    const problems = [{ field, message: `writer schema version ${version} (id ${id}) cannot be resolved to the reader schema${named ? ` at feature field "${field}"` : ''}: ${message}; every record written with it would be dead-lettered (ERR_DECODE_INCOMPATIBLE_SCHEMA)` }];
    return { version, id, resolves: false, error: message, fields: [], problems };
  }
  const fields: WriterVersionCheck['fields'] = [];
  const problems: ContractProblem[] = [];
  for (const column of columns(config)) {
    const path = column.field.split('.');
    const inReader = fieldAt(reader, path);
    const inWriter = inReader && path.every((_, i) => fieldInWriter(writer, reader, path.slice(0, i + 1)));
    if (inWriter) {
      fields.push({ field: column.field, survives: true });
      continue;
    }
    const fallback = inReader?.field.defaultValue();
    if ((fallback === null || fallback === undefined) && column.default === undefined) {
      fields.push({ field: column.field, survives: false, note: 'missing from this writer schema; the reader default is null' });
      problems.push({ field: column.field, message: `writer schema version ${version} (id ${id}) has no field "${column.field}" and the reader's default is null (no column default): every record written with it would be dead-lettered (ERR_FEATURE_MISSING)` });
    } else {
      const value = fallback ?? column.default;
      fields.push({ field: column.field, survives: false, note: `missing from this writer schema; always ${JSON.stringify(value)} (default)` });
    }
  }
  return { version, id, resolves: true, fields, problems };
}

/** Whether the writer has the field at this path, by the reader field's name or one of its aliases. */
function fieldInWriter(writer: avro.Type, reader: avro.Type, path: string[]): boolean {
  const readerField = fieldAt(reader, path)?.field;
  const parent = path.length === 1 ? recordOf(writer) : recordOf(fieldAt(writer, path.slice(0, -1))?.field.type);
  if (!readerField || !parent) return false;
  const names = new Set([readerField.name, ...readerField.aliases]);
  return (parent as avro.types.RecordType).fields.some((f) => names.has(f.name));
}

/** The contract as lines for the terminal. */
export function formatContract(config: StreamscoreConfig, rows: ContractRow[]): string {
  const lines = [`contract of model ${config.model.name} ${config.model.version} (${config.model.path})`];
  for (const input of config.model.inputs) {
    lines.push(`  input "${input.name}": ${input.dtype} [N, ${input.columns.length}]`);
    const mine = rows.filter((r) => r.input === input.name);
    const width = Math.max(5, ...mine.map((r) => r.field.length));
    const typeWidth = Math.max(11, ...mine.map((r) => (r.readerType ?? '(none)').length));
    lines.push(`    ${'column'.padStart(6)}  ${'field'.padEnd(width)}  ${'reader type'.padEnd(typeWidth)}  dtype`);
    for (const r of mine) lines.push(`    ${String(r.column).padStart(6)}  ${r.field.padEnd(width)}  ${(r.readerType ?? (config.input.codec === 'json' ? '(json)' : '(none)')).padEnd(typeWidth)}  ${r.dtype}`);
  }
  const { outputs } = config.model;
  lines.push('  outputs');
  lines.push(`    score  ← ${outputs.score.name}${outputs.score.column === undefined ? '' : `[:, ${outputs.score.column}]`}`);
  if (outputs.label) lines.push(`    label  ← ${outputs.label.name}`);
  lines.push(`    flag   ← ${outputs.threshold === undefined ? 'none (no model.outputs.threshold)' : `score ≥ ${outputs.threshold}`}`);
  return lines.join('\n');
}

export function formatWriterChecks(subject: string, checks: WriterVersionCheck[]): string {
  const lines = [`writer schemas of ${subject}: ${checks.length} version(s)`];
  for (const c of checks) {
    const lost = c.fields.filter((f) => !f.survives);
    const state = !c.resolves ? `does not resolve: ${c.error}` : lost.length === 0 ? 'resolves; every feature field survives' : `resolves; ${lost.map((f) => `${f.field} ${f.note}`).join('; ')}`;
    lines.push(`  version ${c.version} (id ${c.id}): ${state}`);
  }
  return lines.join('\n');
}
