import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from '../../../src/codec/registry.js';
import { StreamscoreError } from '../../../src/errors.js';

/**
 * How Registry.register classifies the registry's refusals, against a stub that answers every
 * registration with the status the test asks for. Subject `full-value` is configured with
 * compatibility level FULL; every other subject has no config yet (GET answers 404).
 */
describe('Registry.register: refusals by status', () => {
  let server: Server;
  let url = '';
  let status = 0;

  before(async () => {
    server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/config/full-value') {
        response.writeHead(200, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
        response.end(JSON.stringify({ compatibilityLevel: 'FULL' }));
        return;
      }
      const code = request.method === 'POST' ? status : 404;
      response.writeHead(code, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      response.end(JSON.stringify({ error_code: code * 100 + 1, message: `stub answered ${code}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] };
  const cases = [
    { status: 409, code: 'ERR_SCHEMA_INCOMPATIBLE' },
    { status: 422, code: 'ERR_SCHEMA_UNREADABLE' },
    { status: 503, code: 'ERR_REGISTRY_TRANSIENT' },
  ];
  for (const c of cases) {
    it(`${c.status} → ${c.code}`, async () => {
      status = c.status;
      await assert.rejects(new Registry({ url }).register(schema, 's-value'), (error: unknown) => {
        assert.ok(error instanceof StreamscoreError, String(error));
        assert.equal(error.code, c.code, error.message);
        assert.match(error.message, new RegExp(`stub answered ${c.status}`));
        return true;
      });
    });
  }

  it('a subject with another compatibility level → ERR_SCHEMA_INCOMPATIBLE, fatal, naming both levels', async () => {
    // The client refuses this itself, with no HTTP status: retrying would never get past it.
    status = 200;
    await assert.rejects(new Registry({ url }).register(schema, 'full-value'), (error: unknown) => {
      assert.ok(error instanceof StreamscoreError, String(error));
      assert.equal(error.code, 'ERR_SCHEMA_INCOMPATIBLE', error.message);
      assert.equal(error.fatal, true);
      assert.match(error.message, /subject full-value is FULL, but streamscore registers with BACKWARD/);
      return true;
    });
  });
});
