/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [--top 25]`: where a CPU profile of a
 * case child (`npm run bench -- --profile`) spent its samples, by area (package, src/ folder,
 * Node internals, GC, idle) and by function, self time only. Enough to find a hot spot without
 * opening DevTools.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** The area a frame belongs to: `kafkajs`, `src/pipeline`, `bench`, `node:internal`, `(garbage collector)`… */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(src|bench|test)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url.replace(/^file:\/\//, '');
}

function summarise(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalSamples = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const durationMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalSamples ? durationMs / totalSamples : 0;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  const busy = totalSamples - (byArea.get('(idle)') ?? 0);
  const table = (entries: Map<string, number>): string[] => [...entries]
    .sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, hits]) => `${(hits * msPerSample).toFixed(0).padStart(8)} ms ${((hits / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return [
    `${file}: ${durationMs.toFixed(0)} ms profiled, ${(busy * msPerSample).toFixed(0)} ms busy (share of busy time)`,
    '', 'by area:', ...table(byArea), '', 'by function (self time):', ...table(byFunction),
  ].join('\n');
}

const program = new Command('profile-summary')
  .argument('<files...>', '.cpuprofile files')
  .option('--top <n>', 'rows per table', (v) => Number(v), 25)
  .parse();
for (const file of program.args) process.stdout.write(`${summarise(file, program.opts<{ top: number }>().top)}\n\n`);
