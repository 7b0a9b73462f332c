// __consumer_offsets for the group coordinator (its OffsetsTopic seam), over this broker's logs.
// The topic is created on first use, like Kafka does when the first FindCoordinator arrives:
// offsets.topic.num.partitions partitions, compacted, segment.bytes = offsets.topic.segment.bytes.
// Kafka refuses to create it with fewer brokers than offsets.topic.replication.factor (default 3);
// a one-broker ktool uses the brokers it has, so `server-start` with no config just works.
import {OFFSETS_TOPIC, partitionForGroup, type OffsetsTopic} from './group/offsets-topic.js'
import type {BrokerRuntime} from './runtime.js'
import type {TopicInfo} from './cluster/metadata.js'

const READ_CHUNK = 1024 * 1024

export class OffsetsTopicLog implements OffsetsTopic {
  private creating: Promise<TopicInfo> | undefined

  constructor(private readonly rt: () => BrokerRuntime) {}

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.rt().config.offsetsTopicNumPartitions)
  }

  ensureTopic(): Promise<TopicInfo> {
    const rt = this.rt()
    const existing = rt.metadata.topic(OFFSETS_TOPIC)
    if (existing) return Promise.resolve(existing)
    this.creating ??= rt.topicAdmin
      .autoCreate(OFFSETS_TOPIC, rt.config.offsetsTopicNumPartitions, rt.config.offsetsTopicReplicationFactor, [
        {name: 'cleanup.policy', value: 'compact'},
        {name: 'compression.type', value: 'producer'},
        {name: 'segment.bytes', value: String(rt.config.offsetsTopicSegmentBytes)},
      ])
      .finally(() => (this.creating = undefined))
    return this.creating
  }

  async append(partition: number, recordSet: Buffer): Promise<void> {
    await this.ensureTopic()
    const log = this.rt().partitionLog(OFFSETS_TOPIC, partition)
    if (!log) throw new Error(`${OFFSETS_TOPIC}-${partition} is not available`)
    await log.append(recordSet, {origin: 'coordinator'})
  }

  async *readAll(partition: number): AsyncIterable<Buffer> {
    const log = this.rt().partitionLog(OFFSETS_TOPIC, partition)
    if (!log) return
    let offset = log.logStartOffset
    const end = log.logEndOffset
    while (offset < end) {
      const r = log.readSync(offset, READ_CHUNK, {minOneMessage: true})
      if (r.records.length === 0) break
      yield r.records
      // Continue after the last whole batch returned.
      let next = offset
      let pos = 0
      const buf = r.records
      while (pos + 12 <= buf.length) {
        const size = buf.readInt32BE(pos + 8)
        if (pos + 12 + size > buf.length) break
        const base = buf.readBigInt64BE(pos)
        const lastDelta = buf.readInt8(pos + 16) === 2 ? buf.readInt32BE(pos + 23) : 0
        next = base + BigInt(lastDelta) + 1n
        pos += 12 + size
      }
      if (next <= offset) break
      offset = next
    }
  }
}
