import { after, before } from 'node:test';
import { resolveTestEnvironment, type TestEnvironment } from './environment.js';

/**
 * For an integration test file: resolves the broker and registry before its tests (once, through
 * resolveTestEnvironment) and releases them after. The returned object is filled in by then.
 */
export function useTestEnvironment(): { readonly brokers: string[]; readonly registryUrl: string } {
  const endpoints = { brokers: [] as string[], registryUrl: '' };
  let environment: TestEnvironment | undefined;
  before(async () => {
    environment = await resolveTestEnvironment();
    endpoints.brokers = environment.brokers;
    endpoints.registryUrl = environment.registryUrl;
  });
  after(() => environment?.stop());
  return endpoints;
}
