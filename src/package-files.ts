import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder of streamscore's own package.json: where the files shipped with the package
 * (`schemas/`, `config/`, `models/`; package.json "files") live, wherever the command is run from.
 * Found by walking up from this module (src/ when run by tsx, dist/src/ when compiled).
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'streamscore') {
      cached = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find streamscore's package.json above ${start}`);
  }
}

/** A file shipped with the package, e.g. `packageFile('schemas/iot/sensor-reading.avsc')`. */
export function packageFile(relativePath: string): string {
  return resolve(packageRoot(), relativePath);
}
