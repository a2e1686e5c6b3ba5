/** A record as the pipeline sees it: kafkajs types stay inside src/kafka (DESIGN.md §1). */
export interface InputRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are int64: kept as decimal strings, as kafkajs does. */
  offset: string;
  /** Append or create time, epoch milliseconds as a decimal string. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
  /** Bytes of key + value, for the window's byte bound and memory accounting. */
  size: number;
}

export interface OutputMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string>;
  timestamp?: string;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}
