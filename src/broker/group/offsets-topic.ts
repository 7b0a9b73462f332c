// The seam between the group coordinator and the broker's storage of __consumer_offsets.
// The broker implements OffsetsTopic over its log manager (the topic is compacted, one
// partition per group hash bucket); tests use an in-memory one. The coordinator only ever
// hands over whole record sets (v2 record batches) and reads them back the same way.

export const OFFSETS_TOPIC = '__consumer_offsets'

export interface OffsetsTopic {
  /** The __consumer_offsets partition a group's records live in (see partitionForGroup). */
  partitionFor(groupId: string): number
  /** Appends one record set (one or more v2 batches, offsets assigned by the log). */
  append(partition: number, recordSet: Buffer): Promise<void>
  /** Every record set in the partition from its log start, in order, for loading at start-up. */
  readAll(partition: number): AsyncIterable<Buffer>
}

/** Java's String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0, not to itself as Math.abs does in Java. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

/** Kafka's GroupMetadataManager.partitionFor: abs(groupId.hashCode) % offsets.topic.num.partitions. */
export function partitionForGroup(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions
}
