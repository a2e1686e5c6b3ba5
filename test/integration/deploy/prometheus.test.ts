/**
 * The Grafana dashboard and the Prometheus rules against a real Prometheus (Debian's package, no
 * Docker) scraping a pipeline on the real stack: every PromQL expression of
 * deploy/grafana/dashboards/streamscore.json returns data through Prometheus' HTTP API and names
 * only metrics that streamscore exports (a misspelt one fails: checked on a mutated expression),
 * the rules pass `promtool check rules` (a broken copy does not) and evaluate without error, and the
 * recording rules produce series.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { waitFor } from '../../support/environment.js';
import { freePort, ObservedPipeline } from '../../support/observed-pipeline.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

const env = useTestEnvironment();
const DASHBOARD = path.resolve('deploy/grafana/dashboards/streamscore.json');
const RULES = path.resolve('deploy/prometheus/streamscore.rules.yml');
/** Grafana's interval variables, as Grafana would fill them in with a 1 s scrape interval. */
const GRAFANA_VARIABLES: [RegExp, string][] = [[/\$__rate_interval/g, '30s'], [/\$__interval/g, '5s'], [/\$__range/g, '5m']];

function requireTool(name: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  assert.equal(found.status, 0, `${name} not found: install it with \`bash scripts/ci-prerequisites.sh\` (Debian's prometheus package)`);
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

function dashboardExpressions(file = DASHBOARD): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

describe('Prometheus: the dashboard and rules against a running pipeline', () => {
  let pipeline: ObservedPipeline;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let work: string;
  let prometheusLog = '';

  async function query(expr: string): Promise<QueryResult> {
    let promql = expr;
    for (const [pattern, value] of GRAFANA_VARIABLES) promql = promql.replace(pattern, value);
    const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    return await response.json() as QueryResult;
  }

  /**
   * Names Prometheus has scraped from streamscore: series names, and the metadata of metrics that
   * have no series yet (a labelled counter before its first event exports only # HELP and # TYPE).
   */
  async function exportedNames(): Promise<Set<string>> {
    const series = (await (await fetch(`${prometheusUrl}/api/v1/label/__name__/values`)).json() as { data: string[] }).data;
    const metadata = Object.keys((await (await fetch(`${prometheusUrl}/api/v1/metadata`)).json() as { data: Record<string, unknown> }).data);
    return new Set([...series, ...metadata]);
  }

  const exported = (name: string, names: Set<string>): boolean => names.has(name) || names.has(name.replace(/_(bucket|sum|count)$/, ''));

  /** Problems with one dashboard expression: none when it runs, returns data, and names only exported metrics. */
  async function problemsOf(expr: string, names: Set<string>): Promise<string[]> {
    const problems: string[] = [];
    for (const name of expr.match(/\bstreamscore_[a-z0-9_]+/g) ?? []) {
      if (!exported(name, names)) problems.push(`names ${name}, which streamscore does not export`);
    }
    const result = await query(expr);
    if (result.status !== 'success') problems.push(`Prometheus refused it: ${result.error}`);
    else if (!result.data?.result.length) problems.push('returns no data');
    else if (!result.data.result.some((r) => Number.isFinite(Number(r.value[1])))) problems.push(`returns no finite value: ${JSON.stringify(result.data.result)}`);
    return problems;
  }

  before(async () => {
    requireTool('prometheus');
    requireTool('promtool');
    work = mkdtempSync(path.join(tmpdir(), 'streamscore-prometheus-'));
    pipeline = new ObservedPipeline(env.brokers, env.registryUrl, 'prom');
    await pipeline.start();
    const config = path.join(work, 'prometheus.yml');
    // The shipped scrape config, pointed at this pipeline and scraping every second.
    const shipped = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')) as { global: object; scrape_configs: { job_name: string }[] };
    writeFileSync(config, JSON.stringify({
      global: { ...shipped.global, scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES],
      scrape_configs: [{ ...shipped.scrape_configs[0], static_configs: [{ targets: [`127.0.0.1:${pipeline.port}`] }] }],
    }));
    const check = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check config:\n${check.stdout}${check.stderr}`);
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stderr!.on('data', (chunk: Buffer) => { prometheusLog = (prometheusLog + chunk.toString()).slice(-4000); });
    await waitFor(async () => {
      assert.equal(prometheus!.exitCode, null, `prometheus exited:\n${prometheusLog}`);
      const targets = await (await fetch(`${prometheusUrl}/api/v1/targets`)).json() as { data: { activeTargets: { health: string }[] } };
      return targets.data.activeTargets.some((t) => t.health === 'up');
    }, { timeoutMs: 60_000, what: 'Prometheus to scrape the pipeline' });
  });

  after(async () => {
    prometheus?.kill('SIGTERM');
    if (prometheus && prometheus.exitCode === null) await new Promise((resolve) => prometheus!.once('exit', resolve));
    await pipeline?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('promtool accepts the rules and refuses a broken copy', () => {
    const ok = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(ok.status, 0, `promtool check rules:\n${ok.stdout}${ok.stderr}`);
    assert.match(ok.stdout, /SUCCESS: \d+ rules found/);
    const broken = path.join(work, 'broken.rules.yml');
    writeFileSync(broken, readFileSync(RULES, 'utf8').replace('deriv(', 'derive('));
    assert.notEqual(spawnSync('promtool', ['check', 'rules', broken], { encoding: 'utf8' }).status, 0, 'promtool accepted an unknown function');
  });

  it('every dashboard expression returns data; a misspelt metric fails', async () => {
    // Records keep arriving (with a few that are dead-lettered) while Prometheus scrapes, so every rate has something to show.
    let scrapedOut = 0;
    for (let batch = 0; scrapedOut < 2000 || batch < 4; batch++) {
      await pipeline.produceBatch(400, 1);
      const seen = scrapedOut;
      scrapedOut = await waitFor(async () => {
        const r = await query('sum(streamscore_source_records_total)');
        const value = Number(r.data?.result[0]?.value[1] ?? 0);
        return value > seen ? value : 0;
      }, { timeoutMs: 60_000, what: 'Prometheus to scrape more committed records' });
    }
    const names = await exportedNames();
    const expressions = dashboardExpressions();
    assert.ok(expressions.length >= 15, `the dashboard has ${expressions.length} expressions`);
    const failures: string[] = [];
    for (const { panel, expr } of expressions) {
      for (const problem of await problemsOf(expr, names)) failures.push(`${panel}: ${expr}\n    ${problem}`);
    }
    assert.deepEqual(failures, [], `dashboard expressions that fail:\n${failures.join('\n')}`);

    // The check can fail: the same expressions with one metric misspelt each fail it, `or vector(0)` or not.
    for (const { expr } of expressions) {
      const misspelt = expr.replace(/\bstreamscore_/, 'streamscore_x');
      assert.notDeepEqual(await problemsOf(misspelt, names), [], `a misspelt metric passed: ${misspelt}`);
    }
  });

  it('the rules evaluate without error and the recording rules produce series', async () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    for (const kind of ['lag', 'dead', 'abort', 'ready']) assert.ok(all.some((r) => r.alert?.toLowerCase().includes(kind === 'dead' ? 'deadletter' : kind === 'abort' ? 'abort' : kind)), `an alert on ${kind}`);
    const names = await exportedNames();
    for (const rule of all) {
      for (const name of rule.expr.match(/\bstreamscore_[a-z0-9_]+/g) ?? []) assert.ok(exported(name, names), `${rule.record ?? rule.alert} names ${name}, which streamscore does not export`);
      const result = await query(rule.expr);
      assert.equal(result.status, 'success', `${rule.record ?? rule.alert}: ${result.error}`);
    }
    await waitFor(async () => {
      const state = await (await fetch(`${prometheusUrl}/api/v1/rules`)).json() as { data: { groups: { rules: { name: string; health: string; lastError?: string; type: string }[] }[] } };
      const evaluated = state.data.groups.flatMap((g) => g.rules);
      const bad = evaluated.filter((r) => r.health === 'err');
      assert.deepEqual(bad.map((r) => `${r.name}: ${r.lastError}`), [], 'rules that failed to evaluate');
      return evaluated.length === all.length && evaluated.every((r) => r.health === 'ok');
    }, { timeoutMs: 30_000, what: 'Prometheus to evaluate every rule' });
    for (const rule of all.filter((r) => r.record)) {
      const result = await query(rule.record!);
      assert.ok(result.data?.result.length, `recording rule ${rule.record} has no series`);
    }
  });
});
