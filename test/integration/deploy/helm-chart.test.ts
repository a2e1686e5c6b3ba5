/**
 * deploy/helm/streamscore: `helm lint`, `helm template`, and the rendered manifests against JSON
 * schemas of the Kubernetes API, KEDA and prometheus-operator kinds with kubeconform -strict (schemas
 * generated from the Go API types by deploy/kubernetes-schemas: kubeconform's own source, GitHub, is
 * not reachable here). Mutated manifests must be refused, so the validator is known to validate. Then
 * what the chart promises: probes, grace period, the autoscaler's cap, the nightly CronJob and its
 * exit codes as docs/backfill.md documents them, secrets by reference; and the config files shipped
 * for compose and the chart stay in step with config/iot-anomaly.yaml.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';

const CHART = path.resolve('deploy/helm/streamscore');
const PREREQUISITES = 'run `bash scripts/ci-prerequisites.sh` (it installs helm and kubeconform with go install and generates the schemas)';
const KUBE_VERSION = '1.33.0';
const ALL_ON = ['--set', 'autoscaling.keda.enabled=true,nightlyBackfill.enabled=true,podMonitor.enabled=true,serviceMonitor.enabled=true,kafka.sasl.existingSecret=kafka-sasl,schemaRegistry.existingSecret=registry-auth'];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: any;
  data?: Record<string, string>;
}

function tool(name: string): string {
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter), ...(gopath ? [path.join(gopath, 'bin')] : [])].map((dir) => path.join(dir, name));
  const found = candidates.find((file) => existsSync(file));
  assert.ok(found, `${name} not found on PATH or in $(go env GOPATH)/bin: ${PREREQUISITES}`);
  return found;
}

describe('Helm chart deploy/helm/streamscore', () => {
  let helm: string;
  let kubeconform: string;
  let schemas: string;
  let work: string;

  const run = (command: string, args: string[], input?: string) => spawnSync(command, args, { encoding: 'utf8', input, timeout: 120_000 });

  function template(...args: string[]): { ok: boolean; output: string; manifests: Manifest[] } {
    const result = run(helm, ['template', 'rel', CHART, '--kube-version', KUBE_VERSION, ...args]);
    const manifests = result.status === 0 ? parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest).filter(Boolean) : [];
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, manifests };
  }

  function validate(yamlText: string): { ok: boolean; output: string; summary: { valid: number; invalid: number; errors: number; skipped: number } } {
    const result = run(kubeconform, ['-strict', '-summary', '-output', 'json', '-schema-location', `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, '-'], yamlText);
    const report = JSON.parse(result.stdout || '{}') as { summary?: { valid: number; invalid: number; errors: number; skipped: number } };
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, summary: report.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 } };
  }

  const find = (manifests: Manifest[], kind: string): Manifest => {
    const found = manifests.find((m) => m.kind === kind);
    assert.ok(found, `no ${kind} rendered`);
    return found;
  };

  before(() => {
    helm = tool('helm');
    kubeconform = tool('kubeconform');
    schemas = run('node', ['scripts/kubernetes-schemas-dir.mjs']).stdout.trim();
    assert.ok(existsSync(path.join(schemas, 'deployment-apps-v1.json')) && existsSync(path.join(schemas, 'scaledobject-keda-v1alpha1.json')), `no Kubernetes schemas in ${schemas}: ${PREREQUISITES}`);
    work = mkdtempSync(path.join(tmpdir(), 'streamscore-helm-'));
  });
  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it('passes helm lint, with the defaults and with every option on', () => {
    for (const args of [[], ALL_ON]) {
      const result = run(helm, ['lint', CHART, '--strict', ...args]);
      assert.equal(result.status, 0, `helm lint ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
    }
  });

  it('renders manifests that kubeconform -strict accepts against the API schemas, and refuses mutated ones', () => {
    for (const args of [[], ALL_ON]) {
      const rendered = run(helm, ['template', 'rel', CHART, '--kube-version', KUBE_VERSION, ...args]);
      assert.equal(rendered.status, 0, rendered.stderr);
      const result = validate(rendered.stdout);
      assert.ok(result.ok, `kubeconform refused the chart (${args.join(' ')}):\n${result.output}`);
      assert.equal(result.summary.skipped, 0, 'every kind has a schema');
      assert.equal(result.summary.valid, args.length ? 9 : 4, `resources validated: ${JSON.stringify(result.summary)}`);
    }
    const rendered = run(helm, ['template', 'rel', CHART, '--kube-version', KUBE_VERSION, ...ALL_ON]).stdout;
    const mutations: [string, string, string][] = [
      ['misspelt Pod field', 'terminationGracePeriodSeconds:', 'terminationGracePeriodSecond:'],
      ['misspelt ScaledObject field (KEDA schema)', 'maxReplicaCount:', 'maxReplicasCount:'],
      ['misspelt PodMonitor field (prometheus-operator schema)', 'podMetricsEndpoints:', 'podMetricEndpoints:'],
      ['wrong type', 'backoffLimit: 3', 'backoffLimit: "three"'],
    ];
    for (const [what, from, to] of mutations) {
      assert.ok(rendered.includes(from), `the rendered chart has ${from}`);
      assert.equal(validate(rendered.replace(from, to)).ok, false, `kubeconform accepted a ${what}`);
    }
  });

  it('wires probes, grace period, secrets, autoscaling and the nightly backfill as documented', () => {
    const { ok, output, manifests } = template(...ALL_ON, '--set', 'autoscaling.keda.maxReplicas=20');
    assert.ok(ok, output);
    const deployment = find(manifests, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    const config = parse(find(manifests, 'ConfigMap').data!['config.yaml']!) as { appId: string; shutdown: { timeoutMs: number }; observability: { metricsPort: number; metricsHost: string } };
    assert.equal(container.ports[0].containerPort, config.observability.metricsPort);
    assert.equal(config.observability.metricsHost, '0.0.0.0', 'probes reach the metrics server from outside the container');
    assert.ok(pod.terminationGracePeriodSeconds * 1000 > config.shutdown.timeoutMs, 'grace period longer than shutdown.timeoutMs');
    const env = Object.fromEntries(container.env.map((e: { name: string; valueFrom?: unknown; value?: string }) => [e.name, e.valueFrom ?? e.value]));
    assert.deepEqual(env.KAFKA_SASL_PASSWORD, { secretKeyRef: { name: 'kafka-sasl', key: 'password' } });
    assert.deepEqual(env.SCHEMA_REGISTRY_USERNAME, { secretKeyRef: { name: 'registry-auth', key: 'username' } });
    assert.equal(deployment.spec.replicas, undefined, 'KEDA owns the replica count');

    const scaled = find(manifests, 'ScaledObject');
    assert.equal(scaled.spec.maxReplicaCount, 6, 'maxReplicas 20 capped at input.partitions 6');
    assert.equal(scaled.spec.triggers[0].type, 'kafka');
    assert.equal(scaled.spec.triggers[0].metadata.consumerGroup, config.appId, 'lag of the service\'s group (its appId)');
    assert.equal(find(manifests, 'PodDisruptionBudget').spec.maxUnavailable, 1);

    const cron = find(manifests, 'CronJob');
    assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    const job = cron.spec.jobTemplate.spec;
    const script = job.template.spec.containers[0].args.join(' ');
    assert.match(script, /backfill --config \/etc\/streamscore\/config\.yaml/);
    assert.match(script, /--from "\$day" --to "\$today" --id "nightly-\$day"/);
    // The exit codes the Job acts on are those docs/backfill.md documents.
    const documented = readFileSync('docs/backfill.md', 'utf8').split('## Exit codes')[1]!;
    const rules = job.podFailurePolicy.rules as { action: string; onExitCodes?: { values: number[] } }[];
    const codes = (action: string) => rules.filter((r) => r.action === action && r.onExitCodes).flatMap((r) => r.onExitCodes!.values);
    assert.deepEqual(codes('FailJob'), [2], 'a refused configuration is not retried');
    assert.deepEqual(codes('Ignore'), [130], 'an interrupted run is retried without counting (it resumes by id)');
    for (const code of [0, 1, 2, 130]) assert.match(documented, new RegExp(`^\\| ${code} \\|`, 'm'), `docs/backfill.md documents exit code ${code}`);
    assert.ok(job.template.spec.terminationGracePeriodSeconds * 1000 > config.shutdown.timeoutMs);
  });

  it('takes the config from a file, derives the grace period from it, and refuses what cannot work', () => {
    const mine = parse(readFileSync(path.join(CHART, 'files/streamscore.yaml'), 'utf8')) as { shutdown: { timeoutMs: number }; observability: Record<string, unknown> };
    mine.shutdown.timeoutMs = 60_000;
    const file = path.join(work, 'config.yaml');
    writeFileSync(file, stringify(mine));
    const { ok, output, manifests } = template('--set-file', `config=${file}`);
    assert.ok(ok, output);
    assert.equal(find(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds, 75, '60 s + the 15 s margin');
    assert.equal(find(manifests, 'ConfigMap').data!['config.yaml']!.trim(), readFileSync(file, 'utf8').trim());

    assert.match(template('--set', 'replicaCount=7').output, /replicaCount 7 exceeds input.partitions 6/);
    writeFileSync(file, stringify({ ...mine, observability: { ...mine.observability, metricsPort: 0 } }));
    assert.match(template('--set-file', `config=${file}`).output, /metricsPort must not be 0/);
    writeFileSync(file, stringify({ ...mine, observability: { ...mine.observability, metricsHost: '127.0.0.1' } }));
    assert.match(template('--set-file', `config=${file}`).output, /metricsHost must be 0.0.0.0/);
  });

  it('ships configs for compose and the chart that differ from config/iot-anomaly.yaml only in metricsHost', () => {
    const reference = parse(readFileSync('config/iot-anomaly.yaml', 'utf8')) as { observability: Record<string, unknown> };
    for (const file of ['deploy/compose/streamscore.yaml', 'deploy/helm/streamscore/files/streamscore.yaml']) {
      const shipped = parse(readFileSync(file, 'utf8')) as { observability: Record<string, unknown> };
      assert.equal(shipped.observability.metricsHost, '0.0.0.0', file);
      assert.deepEqual({ ...shipped, observability: { ...shipped.observability, metricsHost: reference.observability.metricsHost } }, reference, `${file} is config/iot-anomaly.yaml with metricsHost 0.0.0.0`);
    }
  });
});
