/** Loads the scenario Avro schemas for the generator tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import avro from 'avsc';

/** Repository root, from dist/test/unit/generate/ (compiled) where the tests run. */
const ROOT = new URL('../../../../', import.meta.url);

export function loadSchema(path: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(readFileSync(new URL(path, ROOT), 'utf8')));
}

export function schemaFieldNames(path: string): string[] {
  return (JSON.parse(readFileSync(new URL(path, ROOT), 'utf8')) as { fields: { name: string }[] }).fields.map((f) => f.name);
}

export const REPOSITORY_ROOT = ROOT;
