import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import type { Admin, Kafka } from 'kafkajs';
import { toKafkaError } from './errors.js';

/** A kafkajs admin client for the tools around the pipeline: connect failures classified, disconnect best effort. */
export abstract class AdminClient {
  protected readonly admin: Admin;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    try {
      await this.admin.connect();
    } catch (error) {
      throw toKafkaError(error, 'Connecting the admin client');
    }
  }

  async disconnect(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}
