/**
 * A SIGTERM at any moment of `streamscore run`'s start-up stops it cleanly with exit 0 (README:
 * SIGTERM finishes the window in flight, leaves the group, exits 0). P0 issue 10 saw exit 130 (the
 * first signal, replayed once the service ran, was taken for a second one) and a process ended by the
 * signal itself (it came while the modules loaded, before anything listened for it).
 *
 * Each case waits for an event of the process, never for a time: the moment it listens for SIGTERM
 * (announced by a probe preloaded with --import), a log line of start-up, or of running.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useTestEnvironment } from '../../support/use-test-environment.js';
import { SIGNAL_LISTENER_LINE } from '../../support/announce-signal-listener.js';
import { createTopics, deleteGroups, deleteTopics } from '../../support/kafka-fixtures.js';
import { suffix, tinyConfig } from '../../support/pipeline-config.js';
import { StreamscoreProcess, writeConfig } from '../../support/streamscore-process.js';

const env = useTestEnvironment();
const PROBE = ['--import', path.resolve('dist/test/support/announce-signal-listener.js')];

const escape = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** When the SIGTERM is sent, and the log line that shows which way the process stopped. */
const moments: { name: string; sendAfter: RegExp; stoppedBy: RegExp }[] = [
  { name: 'as soon as it listens for SIGTERM (its modules still loading)', sendAfter: escape(SIGNAL_LISTENER_LINE), stoppedBy: /"msg":"stop requested before start-up: not starting"/ },
  { name: 'once it logs "streamscore starting"', sendAfter: /"msg":"streamscore starting"/, stoppedBy: /"msg":"stopped cleanly"/ },
  { name: 'once it logs "partitions assigned" (in the group, start-up returning)', sendAfter: /"msg":"partitions assigned"/, stoppedBy: /"msg":"stopped cleanly"/ },
  { name: 'once it logs "streamscore running"', sendAfter: /"msg":"streamscore running"/, stoppedBy: /"msg":"stopped cleanly"/ },
];

describe('streamscore run: SIGTERM during start-up', () => {
  const id = suffix();
  const topics = { input: `sigterm-in-${id}`, output: `sigterm-out-${id}`, dlq: `sigterm-dlq-${id}` };
  const appId = `sigterm-${id}`;
  let config = '';
  let current: StreamscoreProcess | undefined;

  before(async () => {
    await createTopics(env.brokers, [{ topic: topics.input, partitions: 2 }, { topic: topics.output, partitions: 1 }, { topic: topics.dlq, partitions: 1 }]);
    config = writeConfig(tinyConfig({ appId, ...topics, brokers: env.brokers, registryUrl: env.registryUrl }));
  });

  after(async () => {
    if (current && current.child.exitCode === null && current.child.signalCode === null) current.kill('SIGKILL');
    await deleteTopics(env.brokers, Object.values(topics));
    await deleteGroups(env.brokers, (group) => group === appId);
  });

  for (const moment of moments) {
    it(`exits 0 after a SIGTERM ${moment.name}`, async () => {
      current = StreamscoreProcess.run(config, {}, PROBE);
      await current.waitForLine(moment.sendAfter, 90_000);
      current.kill('SIGTERM');
      const exit = await current.exited;
      const log = current.lines.slice(-20).join('\n');
      assert.deepEqual(exit, { code: 0, signal: null }, log);
      assert.ok(current.lines.some((line) => moment.stoppedBy.test(line)), `no line matching ${moment.stoppedBy}:\n${log}`);
    });
  }
});
