import { Partitioners } from 'kafkajs';
import { benchKafka } from '../kafka.js';
import { runCopyLoop } from './copy-loop.js';
import { LogTally } from './log-tally.js';
import { Meter, peakRssMb } from './meter.js';
import type { CaseResult, CopySpec } from './protocol.js';

/**
 * Baseline 1, copy-raw: consume, produce the same bytes to the output topic (acks=all), then
 * commit the offsets through the consumer group, per partition of each window: at-least-once,
 * no decode, no model, no transactions. The ceiling for a kafkajs application shaped like the pipeline.
 */
export async function runCopyRaw(spec: CopySpec): Promise<CaseResult> {
  const meter = new Meter(spec.brokerPid);
  const tally = new LogTally();
  const kafka = benchKafka(spec.brokers, 'bench-copy-raw', tally.kafkajs());
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await runCopyLoop({
      kafka, groupId: spec.groupId, inputTopic: spec.inputTopic, window: spec.window, expectedRecords: spec.expectedRecords, meter,
      async processPartition(partition, records, consumer) {
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic: spec.outputTopic, messages: records.map((r) => ({ key: r.key, value: r.value })) }] });
        await consumer.commitOffsets([{ topic: spec.inputTopic, partition, offset: (BigInt(records[records.length - 1].offset) + 1n).toString() }]);
      },
    });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return { records: spec.expectedRecords, ...meter.read(), peakRssMb: peakRssMb(), logged: tally.counts };
}
