// An in-memory __consumer_offsets for coordinator unit tests: record sets kept as appended, with
// offsets assigned like a log would, and a switch to make appends fail.
import {partitionForGroup, type OffsetsTopic} from '../../../src/broker/group/offsets-topic.js'
import {iterateBatches} from '../../../src/protocol/kafka/records/batch-header.js'
import {decodeRecordBatch} from '../../../src/protocol/kafka/records/record-batch.js'

export class MemoryOffsetsTopic implements OffsetsTopic {
  readonly partitions = new Map<number, Buffer[]>()
  private nextOffset = new Map<number, bigint>()
  failAppends: Error | null = null
  appends = 0

  constructor(readonly numPartitions = 4) {}

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.numPartitions)
  }

  async append(partition: number, recordSet: Buffer): Promise<void> {
    await Promise.resolve()
    if (this.failAppends) throw this.failAppends
    const copy = Buffer.from(recordSet)
    let offset = this.nextOffset.get(partition) ?? 0n
    for (const entry of iterateBatches(copy)) {
      copy.writeBigInt64BE(offset, entry.position)
      offset += BigInt(entry.header.lastOffsetDelta + 1)
    }
    this.nextOffset.set(partition, offset)
    const list = this.partitions.get(partition) ?? []
    list.push(copy)
    this.partitions.set(partition, list)
    this.appends++
  }

  async *readAll(partition: number): AsyncIterable<Buffer> {
    for (const set of this.partitions.get(partition) ?? []) yield set
  }

  /** Every record of the topic, decoded: for checking what was written. */
  async records(): Promise<{partition: number; key: Buffer | null; value: Buffer | null}[]> {
    const out: {partition: number; key: Buffer | null; value: Buffer | null}[] = []
    for (const [partition, sets] of this.partitions) {
      for (const set of sets) {
        for (const entry of iterateBatches(set)) {
          const {records} = await decodeRecordBatch(set.subarray(entry.position, entry.position + entry.size))
          for (const r of records) out.push({partition, key: r.key, value: r.value})
        }
      }
    }
    return out
  }
}
