import './patches.js'; // the version check and kafkajs fixes, before kafkajs loads
import kafkajs from 'kafkajs';
import { AdminClient } from './admin-client.js';
import type { TopicAdmin as TopicAdminPort, TopicDescription, TopicSpec, TopicTimestampPolicy } from '../types.js';
import { toKafkaError } from './errors.js';

// kafkajs is CommonJS and Node cannot see this enum as a named export.
const { ConfigResourceTypes } = kafkajs;

/**
 * Topic management for the tools around the pipeline (`streamscore topics`, the generator, the demo).
 * The pipeline itself never creates topics (src/kafka/admin.ts refuses a missing one).
 */
export class TopicAdmin extends AdminClient implements TopicAdminPort {

  async existingTopics(): Promise<Set<string>> {
    return new Set(await this.admin.listTopics());
  }

  /**
   * Creates the topics, replicated min(3, brokers) times (kafkajs speaks CreateTopics v3, which
   * cannot ask for the broker's default replication factor).
   */
  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    try {
      const { brokers } = await this.admin.describeCluster();
      const replicationFactor = Math.max(1, Math.min(3, brokers.length));
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: specs.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      throw toKafkaError(error, `Creating topic(s) ${specs.map((s) => s.topic).join(', ')}`);
    }
  }

  /** Best effort: what cannot be deleted is returned, not thrown, so cleanup never hides a result. */
  async deleteTopics(topics: readonly string[]): Promise<string | undefined> {
    if (!topics.length) return undefined;
    try {
      await this.admin.deleteTopics({ topics: [...topics], timeout: 10_000 });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Best effort, as deleteTopics. */
  async deleteGroups(groupIds: readonly string[]): Promise<string | undefined> {
    if (!groupIds.length) return undefined;
    try {
      await this.admin.deleteGroups([...groupIds]);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /**
   * Partitions, replication factor and cleanup policy of those of `topics` that exist (the others are
   * absent from the map). One metadata request and one DescribeConfigs request for all of them.
   */
  async describeTopics(topics: readonly string[]): Promise<Map<string, TopicDescription>> {
    const out = new Map<string, TopicDescription>();
    const existing = await this.existingTopics();
    const present = [...new Set(topics)].filter((topic) => existing.has(topic));
    if (present.length === 0) return out;
    try {
      const metadata = await this.admin.fetchTopicMetadata({ topics: present });
      const configs = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
      });
      const policies = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? 'delete']));
      for (const topic of metadata.topics) {
        out.set(topic.name, {
          topic: topic.name,
          partitions: topic.partitions.length,
          replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
          cleanupPolicy: policies.get(topic.name) ?? 'delete',
        });
      }
    } catch (error) {
      throw toKafkaError(error, `Describing topic(s) ${present.join(', ')}`);
    }
    return out;
  }

  async partitionCount(topic: string): Promise<number> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  }

  async timestampPolicy(topic: string): Promise<TopicTimestampPolicy> {
    const names = ['message.timestamp.type', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'retention.ms'];
    let entries: Map<string, string>;
    try {
      const response = await this.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: names }] });
      entries = new Map(response.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]) ?? []);
    } catch (error) {
      throw toKafkaError(error, `Describing the configuration of topic ${topic}`);
    }
    const number = (name: string, fallback: number): number => {
      const value = Number(entries.get(name));
      return Number.isFinite(value) ? value : fallback;
    };
    return {
      type: entries.get('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
      afterMaxMs: number('message.timestamp.after.max.ms', Number.MAX_SAFE_INTEGER),
      beforeMaxMs: number('message.timestamp.before.max.ms', Number.MAX_SAFE_INTEGER),
      retentionMs: number('retention.ms', 604_800_000),
    };
  }
}
