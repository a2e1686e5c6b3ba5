/**
 * Registry.register against the real registry when several instances register at once
 * (P0 issue 10, item 7). The client registers in three requests (GET /config/<subject>,
 * POST /subjects/<subject>/versions, then PUT /config/<subject> on a first registration), and two
 * of them race between instances: concurrent PUTs (Apicurio: 409 "A rule named 'COMPATIBILITY'
 * already exists") and a GET that lands between another instance's POST and PUT (the subject
 * exists but has no level of its own yet, so the registry reports its global default, NONE).
 * Neither is an incompatibility; a schema the subject really refuses still is.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Registry } from '../../../src/codec/registry.js';
import { StreamscoreError } from '../../../src/errors.js';
import { uniqueName } from '../../support/environment.js';
import { useTestEnvironment } from '../../support/use-test-environment.js';

const env = useTestEnvironment();
const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';
const CONCURRENT = 8;

const v1 = { type: 'record', name: 'Race', namespace: 'io.streamscore.test', fields: [{ name: 'a', type: 'int' }] };
/** A required field without a default: BACKWARD refuses it after v1. */
const incompatible = { ...v1, fields: [...v1.fields, { name: 'site', type: 'string' }] };

describe('Registry.register: concurrent registrations into a fresh subject', () => {
  const subjects: string[] = [];
  const freshSubject = (): string => {
    const subject = `${uniqueName('registry-race')}-value`;
    subjects.push(subject);
    return subject;
  };

  after(async () => {
    // Soft delete, then permanent delete, as the Confluent API requires.
    for (const subject of subjects) {
      const url = `${env.registryUrl}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    }
  });

  async function versions(subject: string): Promise<number[]> {
    return (await (await fetch(`${env.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as number[];
  }

  async function level(subject: string): Promise<string | undefined> {
    const body = (await (await fetch(`${env.registryUrl}/config/${encodeURIComponent(subject)}`, { headers: { Accept: CONFLUENT_JSON } })).json()) as { compatibilityLevel?: string };
    return body.compatibilityLevel;
  }

  /** One Registry per registration, as separate processes would have. */
  const registerFrom = (subject: string, schema: object, delayMs = 0): Promise<number> =>
    new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => new Registry({ url: env.registryUrl }).register(schema, subject));

  // Started in one tick, the PUTs collide; spread over a few milliseconds, some GETs land between
  // another registration's POST and PUT. Both windows are hit in every run of these rounds
  // (measured on the local stack: 8 of 40 registrations refused before the fix).
  for (const spreadMs of [0, 3, 8, 15]) {
    it(`${CONCURRENT} registrations ${spreadMs ? `${spreadMs} ms apart` : 'at once'} all answer the same id, one version, level BACKWARD`, async () => {
      for (let round = 0; round < 3; round++) {
        const subject = freshSubject();
        const ids = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => registerFrom(subject, v1, i * spreadMs)));
        assert.equal(new Set(ids).size, 1, `one id for every registration, got ${JSON.stringify(ids)}`);
        assert.deepEqual(await versions(subject), [1]);
        assert.equal(await level(subject), 'BACKWARD', 'the first registration set the level the client registers with');
      }
    });
  }

  it('goes on with the registered id when another instance is between its POST and its PUT /config (level still NONE)', async () => {
    const subject = freshSubject();
    // The other instance's POST, without its PUT: exactly the window the race opens.
    const response = await fetch(`${env.registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST', headers: { 'Content-Type': CONFLUENT_JSON }, body: JSON.stringify({ schema: JSON.stringify(v1) }),
    });
    assert.equal(response.status, 200);
    const { id } = (await response.json()) as { id: number };
    assert.equal(await level(subject), 'NONE', 'a subject with no level of its own reports the registry default');
    assert.equal(await new Registry({ url: env.registryUrl }).register(v1, subject), id);
  });

  it('still refuses a genuinely incompatible schema with ERR_SCHEMA_INCOMPATIBLE, from every instance', async () => {
    const subject = freshSubject();
    await registerFrom(subject, v1);
    assert.equal(await level(subject), 'BACKWARD');
    const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => registerFrom(subject, incompatible)));
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected', 'an incompatible schema is never registered');
      const error = (outcome as PromiseRejectedResult).reason as unknown;
      assert.ok(error instanceof StreamscoreError, String(error));
      assert.equal(error.code, 'ERR_SCHEMA_INCOMPATIBLE', error.message);
      assert.ok(error.fatal);
      assert.match(error.message, new RegExp(`subject ${subject} as incompatible`));
    }
    assert.deepEqual(await versions(subject), [1]);
  });
});
