import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { metricsOf } from './metrics.js';
import { statusSnapshot, type StatusSource } from './status-snapshot.js';
import { statusPage } from './status-page.js';

export interface HealthSource {
  /** Alive: the process can make progress (the consumer has not crashed for good). */
  healthy(): boolean;
  /** Ready: joined the group and every owned partition is initialised. */
  ready(): boolean;
  /** What /healthz shows beside its status (scoring workers' state, the failure if any). */
  details?(): Record<string, unknown>;
}

/**
 * /metrics (Prometheus), /healthz (liveness), /readyz (readiness), and the live status page: `/`
 * (one static page, assets inlined) polling `/status.json`. `registry` must be a PipelineMetrics'
 * registry for the page to have figures; any other registry serves only the first three.
 */
export function startHttpServer(port: number, host: string, registry: Registry, health: HealthSource): Promise<Server> {
  const metrics = metricsOf(registry);
  if (metrics) metrics.readySource = () => health.ready();
  return listen(port, host, metrics ? [{ name: 'streamscore', metrics, health }] : [], registry, health);
}

/**
 * The same endpoints for several pipelines in one process (the demo): `/status.json` shows each,
 * `/metrics?pipeline=<name>` serves one's registry (the first without the parameter); `/healthz`
 * and `/readyz` answer for all together.
 */
export function startStatusServer(port: number, host: string, sources: readonly StatusSource[]): Promise<Server> {
  for (const source of sources) source.metrics.readySource = () => source.health.ready();
  const health: HealthSource = {
    healthy: () => sources.every((s) => s.health.healthy()),
    ready: () => sources.every((s) => s.health.ready()),
  };
  return listen(port, host, sources, sources[0]!.metrics.registry, health);
}

function listen(port: number, host: string, sources: readonly StatusSource[], registry: Registry, health: HealthSource): Promise<Server> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      if (path === '/metrics') {
        const name = url.searchParams.get('pipeline');
        const chosen = name === null ? registry : sources.find((s) => s.name === name)?.metrics.registry;
        if (!chosen) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end(`no pipeline named ${name}\n`);
          return;
        }
        response.writeHead(200, { 'content-type': chosen.contentType });
        response.end(await chosen.metrics());
      } else if (path === '/healthz') {
        const ok = health.healthy();
        response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        response.end(`${JSON.stringify({ status: ok ? 'ok' : 'not ok', ...health.details?.() })}\n`);
      } else if (path === '/readyz') {
        const ok = health.ready();
        response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
        response.end(ok ? 'ok\n' : 'not ok\n');
      } else if (path === '/' && sources.length) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
        response.end(statusPage());
      } else if (path === '/status.json' && sources.length) {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(JSON.stringify(await statusSnapshot(sources)));
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`${(error as Error).message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
