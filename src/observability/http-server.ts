import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  /** Alive: the process can make progress (the consumer has not crashed for good). */
  healthy(): boolean;
  /** Ready: joined the group and every owned partition is initialised. */
  ready(): boolean;
  /** What /healthz shows beside its status (scoring workers' state, the failure if any). */
  details?(): Record<string, unknown>;
}

/** /metrics (Prometheus), /healthz (liveness) and /readyz (readiness). */
export function startHttpServer(port: number, host: string, registry: Registry, health: HealthSource): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': registry.contentType });
      response.end(await registry.metrics());
    } else if (path === '/healthz') {
      const ok = health.healthy();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify({ status: ok ? 'ok' : 'not ok', ...health.details?.() })}\n`);
    } else if (path === '/readyz') {
      const ok = health.ready();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(ok ? 'ok\n' : 'not ok\n');
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
