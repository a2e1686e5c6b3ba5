/**
 * The one door to Kafka (docs/architecture.md, "The Kafka seam"). The pipeline, backfill, the
 * demo, the CLI tools, the benchmark and the test support see only these types; each client
 * (src/kafka/kafkajs/, src/kafka/platformatic/) implements them in its own folder, with its quirks
 * (patches, version checks) kept there.
 */
import type { InputRecord, OutputMessage } from '../records/types.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The clients streamscore can run on (config key kafka.client). */
export type KafkaClientName = 'kafkajs' | 'platformatic';

// ── Source: the input consumer ────────────────────────────────────────────────────────────────

export interface FetchContext {
  highWatermark: string;
  /** The last offset this fetch covered, trailing transaction markers and aborted records included. */
  lastOffset: string;
  /** True once a seek or rebalance made this batch obsolete. */
  isStale(): boolean;
  heartbeat(): Promise<void>;
}

export interface SourceHandlers {
  /** The full new assignment after each rebalance (revoked = old − new). */
  onAssignment(memberId: string, assignment: TopicPartition[]): void;
  /** Records of one partition, in offset order. Resolve to let the fetch loop go on. */
  onRecords(topic: string, partition: number, records: InputRecord[], context: FetchContext): Promise<void>;
  onCrash(error: Error, restarting: boolean): void;
  /**
   * A fetch returned only transaction markers and aborted records, `firstOffset`..`lastOffset`:
   * nothing reaches onRecords, yet a bounded run must see that it got past them.
   */
  onPosition?(topic: string, partition: number, firstOffset: string, lastOffset: string): void;
}

export interface SourceOptions {
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  fromBeginning: boolean;
}

export interface Subscription {
  topics?: string[];
  topicPattern?: string;
}

/**
 * The consumer's group membership as KIP-447 needs it: sent with the offsets of a transaction,
 * it lets the group coordinator refuse the commit of a member that is no longer in the group's
 * current generation (a zombie).
 */
export interface GroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
}

/**
 * A consumer-group member reading read_committed, auto-commit off: offsets are only ever
 * committed inside the transactions that carry the outputs.
 */
export interface RecordSource {
  start(subscription: Subscription, handlers: SourceHandlers): Promise<void>;
  seek(topic: string, partition: number, offset: string): void;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** The current membership; undefined before the first join (and always, for a client without KIP-447). */
  groupMetadata(): GroupMetadata | undefined;
  /** Stops fetching, leaves the group (so partitions move at once) and disconnects. */
  disconnect(): Promise<void>;
}

// ── Transactional sink ───────────────────────────────────────────────────────────────────────

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** One past the last input record covered. */
  nextOffset: string;
}

export interface TransactionContent {
  groupId: string;
  /** KIP-447: with it, the group coordinator fences a zombie member's offsets. */
  groupMetadata?: GroupMetadata;
  offsets: OffsetToCommit[];
  outputs: { topic: string; messages: readonly OutputMessage[] }[];
}

/**
 * A transactional producer. Errors are catalogued: ERR_KAFKA_FENCED when another producer owns
 * the transactional id or the group no longer has this member in the generation sent (the work
 * must be dropped), ERR_KAFKA_TRANSIENT otherwise (the transaction was aborted; redo it).
 */
export interface TransactionalSink {
  readonly transactionalId: string;
  /** Registers the transactional id: fences its previous owner and settles its pending transaction. */
  init(): Promise<void>;
  /** The outputs and the input offsets in one transaction: all visible, or none. */
  commit(content: TransactionContent): Promise<void>;
  close(): Promise<void>;
}

// ── Offsets and admin ────────────────────────────────────────────────────────────────────────

export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** What the pipeline and backfill ask the cluster. */
export interface OffsetsAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Refuses (ERR_TOPIC_MISSING) if a topic is missing: auto-creation is an operator's decision. */
  requireTopics(topics: string[]): Promise<void>;
  /**
   * The group's committed offset for one partition; undefined if it never committed there. Clients
   * that can (KIP-447) wait for offsets still pending in an open transaction (require_stable).
   */
  committedOffset(groupId: string, topic: string, partition: number): Promise<string | undefined>;
  committedOffsets(groupId: string, topics: string[]): Promise<Map<string, string>>;
  partitionOffsets(topic: string): Promise<PartitionOffsets[]>;
  offsetsForTime(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]>;
  /** Whether `memberId` owns the partition in a stable group ('unsettled' while it rebalances). */
  ownsPartition(groupId: string, memberId: string, topic: string, partition: number): Promise<'owned' | 'not-owned' | 'unsettled'>;
}

/** A topic to create: name, partitions, and topic-level configs (e.g. `message.timestamp.type`). */
export interface TopicSpec {
  topic: string;
  partitions: number;
  configs?: Record<string, string>;
}

/**
 * What the broker does with a record's timestamp on this topic. With CreateTime it keeps the
 * producer's timestamp but refuses one more than `afterMaxMs` ahead of its clock (KIP-937; Kafka 4
 * defaults to one hour, KIP-1030) or `beforeMaxMs` behind it, and deletes segments whose newest
 * timestamp is older than `retentionMs`. With LogAppendTime it stamps records itself and checks nothing.
 */
export interface TopicTimestampPolicy {
  type: 'CreateTime' | 'LogAppendTime';
  afterMaxMs: number;
  beforeMaxMs: number;
  /** -1: kept for ever. */
  retentionMs: number;
}

/** An existing topic as `streamscore topics` compares it (src/topics/topic-plan.ts). */
export interface TopicDescription {
  topic: string;
  partitions: number;
  /** Replicas of partition 0 (kafkajs' CreateTopics gives every partition the same count). */
  replicationFactor: number;
  /** `cleanup.policy` as the broker reports it, e.g. `delete`, `compact` or `compact,delete`. */
  cleanupPolicy: string;
}

/** Topics and groups, for the tools around the pipeline (topics, generate, demo, tests). */
export interface TopicAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  existingTopics(): Promise<Set<string>>;
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  /** Deletes topics; resolves to a message if it could not (best effort, for clean-ups). */
  deleteTopics(topics: readonly string[]): Promise<string | undefined>;
  deleteGroups(groupIds: readonly string[]): Promise<string | undefined>;
  describeTopics(topics: readonly string[]): Promise<Map<string, TopicDescription>>;
  partitionCount(topic: string): Promise<number>;
  timestampPolicy(topic: string): Promise<TopicTimestampPolicy>;
}

/** A committed offset with its metadata string (OffsetCommit's `metadata`, at most `offset.metadata.max.bytes`, 4 KiB by default). */
export interface GroupOffset {
  partition: number;
  offset: string;
  metadata: string | null;
}

/** A group's committed offsets as a store (backfill keeps its plan and progress there). */
export interface GroupOffsetsStore {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  fetch(groupId: string, topic: string): Promise<GroupOffset[]>;
  /** Commits offsets (with metadata) for a group, in a transaction of `transactionalId`. */
  commit(groupId: string, topic: string, offsets: GroupOffset[], transactionalId: string): Promise<void>;
  deleteGroups(groupIds: string[]): Promise<void>;
  memberCount(groupId: string): Promise<number>;
}

/** Where a batch went: per partition, the offset of its first record and how many records it took. */
export interface PartitionAppend {
  partition: number;
  baseOffset: string;
}

/** A plain (idempotent, non-transactional) producer, for the generators. */
export interface RecordProducer {
  connect(): Promise<void>;
  send(topic: string, messages: readonly OutputMessage[]): Promise<PartitionAppend[]>;
  disconnect(): Promise<void>;
}

export interface ReaderOptions {
  /** read_committed (default) sees only committed transactions, as a downstream consumer would. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Group id prefix; a random suffix makes each reader start from the beginning alone. */
  groupPrefix?: string;
}

/** Reads topics from their beginning as an observer: a throwaway group that never commits. */
export interface TopicReader {
  readonly groupId: string;
  /** True once the reader has joined its group and been given the partitions: it is fetching. */
  readonly joined: boolean;
  start(topics: string[], onRecords: (records: InputRecord[], receivedAt: number) => void): Promise<void>;
  stop(): Promise<void>;
}

/** A record read by a TopicInspector: headers as strings. */
export interface InspectedRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A record to write with a TopicInspector: to its `partition` if it names one, else by key. */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: Buffer | null;
  partition?: number;
  headers?: Record<string, string | Buffer>;
  timestamp?: string;
}

/**
 * Topics as an outside observer sees them: for checks of what streamscore wrote (the tests'
 * exactly-once oracle) and set-up. Not on the pipeline's path.
 */
export interface TopicInspector {
  /** Creates the topics and waits until every partition has a leader. */
  createTopics(topics: { topic: string; partitions: number }[], timeoutMs?: number): Promise<void>;
  /** Best effort. */
  deleteTopics(topics: string[]): Promise<void>;
  /** Best effort: deletes the groups whose id `matches`. */
  deleteGroups(matches: (groupId: string) => boolean): Promise<void>;
  produce(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  /** A connected producer for many sends (acks=all); close it when done. */
  openProducer(): Promise<{ send(topic: string, records: readonly OutgoingRecord[]): Promise<void>; close(): Promise<void> }>;
  /** Per partition, the offset after the last stable record. */
  endOffsets(topic: string): Promise<Map<number, string>>;
  committedOffsets(groupId: string, topic: string): Promise<Map<number, string>>;
  /** The whole topic up to the end offsets it has when called. */
  readTopic(topic: string, isolation: 'read_committed' | 'read_uncommitted', timeoutMs?: number): Promise<InspectedRecord[]>;
}

// ── The client ───────────────────────────────────────────────────────────────────────────────

/**
 * How the pipeline's transactions are scoped (docs/exactly-once.md):
 * - 'partition': one transactional producer per input partition, id `<appId>-<topic>-<partition>`;
 *   fencing comes from the transactional id (no KIP-447 in the client).
 * - 'window': one transactional producer per instance commits a whole window, every partition,
 *   in one transaction; fencing comes from the group generation sent with the offsets (KIP-447).
 */
export type TransactionScope = 'partition' | 'window';

export interface KafkaClient {
  readonly name: KafkaClientName;
  readonly transactionScope: TransactionScope;
  source(options: SourceOptions): RecordSource;
  transactionalSink(transactionalId: string, transactionTimeoutMs: number): TransactionalSink;
  admin(): OffsetsAdmin;
  topicAdmin(): TopicAdmin;
  groupOffsets(): GroupOffsetsStore;
  recordProducer(): RecordProducer;
  topicReader(options?: ReaderOptions): TopicReader;
  inspector(): TopicInspector;
}
