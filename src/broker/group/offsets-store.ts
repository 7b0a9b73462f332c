// Writes the coordinator's state to __consumer_offsets and reads it back at start-up. Each write
// is one uncompressed v2 record batch (like Kafka with offsets.topic.compression.codec=0) appended
// to the group's partition; loading replays every partition in order, later records winning and
// tombstones deleting, which is exactly what the compacted log would leave behind.
import type {OffsetsTopic} from './offsets-topic.js'
import {encodeRecordBatch, decodeRecordBatch} from '../../protocol/kafka/records/record-batch.js'
import {iterateBatches, isControl} from '../../protocol/kafka/records/batch-header.js'
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeRecordKey, encodeGroupMetadataKey, encodeGroupMetadataValue,
  encodeOffsetCommitKey, encodeOffsetCommitValue, type GroupMetadataValue, type OffsetCommitValue,
} from './offsets-records.js'
import type {Logger} from '../../common/logger.js'

export interface StoredRecord {
  key: Buffer
  value: Buffer | null
}

export function offsetRecord(group: string, topic: string, partition: number, value: OffsetCommitValue | null): StoredRecord {
  return {key: encodeOffsetCommitKey(group, topic, partition), value: value === null ? null : encodeOffsetCommitValue(value)}
}

export function groupRecord(group: string, value: GroupMetadataValue | null): StoredRecord {
  return {key: encodeGroupMetadataKey(group), value: value === null ? null : encodeGroupMetadataValue(value)}
}

/** What one partition of __consumer_offsets holds once replayed. */
export interface LoadedPartition {
  /** group -> its last metadata record; null when the last record was a tombstone. */
  groups: Map<string, GroupMetadataValue | null>
  /** group -> "topic\0partition" -> offset; null for a tombstone. */
  offsets: Map<string, Map<string, {topic: string; partition: number; value: OffsetCommitValue | null}>>
}

export class OffsetsStore {
  constructor(private readonly topic: OffsetsTopic, private readonly logger: Logger) {}

  partitionFor(groupId: string): number {
    return this.topic.partitionFor(groupId)
  }

  /** Appends records of one group (they share a partition) as one batch. */
  async write(groupId: string, records: StoredRecord[], timestamp: number): Promise<void> {
    if (records.length === 0) return
    const batch = await encodeRecordBatch({
      baseOffset: 0n,
      baseTimestamp: BigInt(timestamp),
      records: records.map((r) => ({key: r.key, value: r.value, timestamp: BigInt(timestamp), headers: []})),
    })
    await this.topic.append(this.topic.partitionFor(groupId), batch)
  }

  async load(partition: number): Promise<LoadedPartition> {
    const loaded: LoadedPartition = {groups: new Map(), offsets: new Map()}
    for await (const recordSet of this.topic.readAll(partition)) {
      for (const entry of iterateBatches(recordSet)) {
        // Control batches (transaction markers) and legacy message sets carry nothing we wrote.
        if (entry.header.magic < 2 || isControl(entry.header)) continue
        const {records} = await decodeRecordBatch(recordSet.subarray(entry.position, entry.position + entry.size))
        for (const record of records) {
          if (!record.key) continue
          try {
            this.apply(loaded, record.key, record.value)
          } catch (err) {
            this.logger.warn(`Skipping an unreadable record at offset ${record.offset} of __consumer_offsets-${partition}: ${(err as Error).message}`)
          }
        }
      }
    }
    return loaded
  }

  private apply(loaded: LoadedPartition, key: Buffer, value: Buffer | null): void {
    const k = decodeRecordKey(key)
    if (k.type === 'offset') {
      let byGroup = loaded.offsets.get(k.group)
      if (!byGroup) loaded.offsets.set(k.group, (byGroup = new Map()))
      byGroup.set(`${k.topic}\0${k.partition}`, {topic: k.topic, partition: k.partition, value: value === null ? null : decodeOffsetCommitValue(value)})
    } else if (k.type === 'group') {
      loaded.groups.set(k.group, value === null ? null : decodeGroupMetadataValue(value))
    }
  }
}
