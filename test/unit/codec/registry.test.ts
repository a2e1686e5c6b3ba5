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

/**
 * How Registry.register settles a race with another instance registering the same subject, against
 * a stub scripted per test. The answers are the ones Apicurio 3.3.3 gave in the race (see
 * isRegistrationRace in src/codec/registry.ts).
 */
describe('Registry.register: races with another instance', () => {
  type Answer = [status: number, body: object];
  let server: Server;
  let url = '';
  let requests: string[] = [];
  let answer: (request: string, seen: number) => Answer = () => [500, {}];

  before(async () => {
    server = createServer((request, response) => {
      const line = `${request.method} ${request.url}`;
      requests.push(line);
      const [code, body] = answer(line, requests.filter((r) => r === line).length);
      response.writeHead(code, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] };
  const raceRetry = { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 50 };
  const register = () => new Registry({ url, raceRetry }).register(schema, 's-value');
  const LEVEL = 'GET /config/s-value';
  const SET_LEVEL = 'PUT /config/s-value';
  const REGISTER = 'POST /subjects/s-value/versions';
  const LOOKUP = 'POST /subjects/s-value';
  const notFound: Answer = [404, { error_code: 40401, message: "Subject 's-value' not found." }];
  const schemaNotFound: Answer = [404, { error_code: 40403, message: 'The given schema does not match any schema under the subject s-value' }];
  const ruleExists: Answer = [409, { error_code: 0, message: "A rule named 'COMPATIBILITY' already exists." }];
  const levelNone: Answer = [200, { compatibilityLevel: 'NONE' }];
  const registered = (id: number): Answer => [200, { subject: 's-value', version: 1, id, schema: JSON.stringify(schema) }];

  it('PUT /config answers 409 (another instance created the rule first) → the id found by lookup', async () => {
    requests = [];
    answer = (request) => ({ [LEVEL]: notFound, [REGISTER]: [200, { id: 7 }] as Answer, [SET_LEVEL]: ruleExists, [LOOKUP]: registered(7) })[request] ?? [500, {}];
    assert.equal(await register(), 7);
    assert.deepEqual(requests, [LEVEL, REGISTER, SET_LEVEL, LOOKUP]);
  });

  it('level NONE (another instance is between its POST and PUT) and the schema is there → its id, nothing registered', async () => {
    requests = [];
    answer = (request) => ({ [LEVEL]: levelNone, [LOOKUP]: registered(8) })[request] ?? [500, {}];
    assert.equal(await register(), 8);
    assert.deepEqual(requests, [LEVEL, LOOKUP]);
  });

  it('level NONE and the schema not there yet → retried until the other instance has set the level', async () => {
    requests = [];
    answer = (request, seen) => {
      if (request === LEVEL) return seen === 1 ? levelNone : [200, { compatibilityLevel: 'BACKWARD' }];
      return ({ [LOOKUP]: schemaNotFound, [REGISTER]: [200, { id: 9 }] as Answer })[request] ?? [500, {}];
    };
    assert.equal(await register(), 9);
    assert.deepEqual(requests, [LEVEL, LOOKUP, LEVEL, REGISTER]);
  });

  it('level stays NONE and the schema is not there → ERR_SCHEMA_INCOMPATIBLE, fatal, once the race retries run out', async () => {
    requests = [];
    answer = (request) => ({ [LEVEL]: levelNone, [LOOKUP]: schemaNotFound })[request] ?? [500, {}];
    await assert.rejects(register(), (error: unknown) => {
      assert.ok(error instanceof StreamscoreError, String(error));
      assert.equal(error.code, 'ERR_SCHEMA_INCOMPATIBLE', error.message);
      assert.ok(error.fatal);
      assert.match(error.message, /subject s-value is NONE, but streamscore registers with BACKWARD/);
      return true;
    });
    assert.ok(requests.filter((r) => r === LEVEL).length > 1, `retried: ${requests.join(', ')}`);
  });

  it('POST /versions answers 409 (a real incompatibility) → ERR_SCHEMA_INCOMPATIBLE at once, no lookup, no retry', async () => {
    requests = [];
    answer = (request) => ({ [LEVEL]: [200, { compatibilityLevel: 'BACKWARD' }] as Answer, [REGISTER]: [409, { error_code: 409, message: 'Incompatible artifact' }] as Answer, [LOOKUP]: registered(1) })[request] ?? [500, {}];
    await assert.rejects(register(), (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_SCHEMA_INCOMPATIBLE');
    assert.deepEqual(requests, [LEVEL, REGISTER]);
  });

  it('an outage during the lookup → ERR_REGISTRY_TRANSIENT for the caller to retry, not retried here', async () => {
    requests = [];
    answer = (request) => ({ [LEVEL]: levelNone, [LOOKUP]: [503, { message: 'unavailable' }] as Answer })[request] ?? [500, {}];
    await assert.rejects(register(), (error: unknown) => error instanceof StreamscoreError && error.code === 'ERR_REGISTRY_TRANSIENT');
    assert.deepEqual(requests, [LEVEL, LOOKUP]);
  });
});
