// Records for the console consumer when no consumer group is involved (no --group): partitions
// are assigned directly and read with Fetch requests on ktool's own connections, decoded batch
// by batch by the records engine. Kafka's tool would join a throw-away group
// (console-consumer-<n>) for the same effect; skipping the group protocol makes start-up quick
// and reading fast (see bench/console-consumer.mjs). With --include, topics are re-matched
// every few seconds, so topics created later are picked up as Kafka's pattern subscription does.
import type {AdminClient} from '../admin/admin-client.js'
import {errorName} from '../admin/errors.js'
import {includeListMatcher, isInternalTopic} from '../topics/topic-names.js'
import type {ConsumerSettings} from './consumer-options.js'
import {RawLines, readRecordSet} from './batch-reader.js'
import type {ConsumedRecord} from './formatter.js'

const FETCH = 1

interface Assigned {
  topic: string
  partition: number
  leader: number
  offset: number
}

export interface RecordSource {
  /**
   * The next records, waiting for some up to `maxWaitMs`; [] when none arrived in that time.
   * A source created for the default output may return value lines instead (RawLines).
   */
  poll(maxWaitMs: number): Promise<ConsumedRecord[] | RawLines>
  /** The records up to and including these were printed (groups commit them). */
  consumed(records: ConsumedRecord[]): void
  close(): Promise<void>
}

export class FetchSource implements RecordSource {
  private assigned = new Map<string, Assigned>()
  private lastRefresh = 0
  private prefetch?: Promise<ConsumedRecord[] | RawLines>
  private readonly match?: (t: string) => boolean

  /** raw: return value lines (the default output) instead of record objects. */
  constructor(private readonly admin: AdminClient, private readonly s: ConsumerSettings, private readonly raw = false) {
    if (s.include !== undefined) this.match = includeListMatcher(s.include)
  }

  async start(): Promise<void> {
    await this.refresh()
  }

  private async refresh(): Promise<void> {
    this.lastRefresh = Date.now()
    const md = await this.admin.metadata(this.match ? null : [this.s.topic!], false)
    const fresh: Omit<Assigned, 'offset'>[] = []
    for (const t of md.topics) {
      if (t.errorCode !== 0) continue
      if (this.match ? !this.match(t.name) || isInternalTopic(t.name) || t.internal : t.name !== this.s.topic) continue
      for (const p of t.partitions) {
        if (this.s.partition !== undefined && p.partition !== this.s.partition) continue
        const key = `${t.name}:${p.partition}`
        const have = this.assigned.get(key)
        if (have) have.leader = p.leader
        else fresh.push({topic: t.name, partition: p.partition, leader: p.leader})
      }
    }
    if (fresh.length === 0) return
    const start = this.s.start
    let offsets = new Map<string, bigint>()
    if (start.kind !== 'offset') {
      offsets = await this.admin.listOffsets(fresh, start.kind === 'earliest' ? -2n : -1n)
    }
    for (const f of fresh) {
      const key = `${f.topic}:${f.partition}`
      const offset = start.kind === 'offset' ? start.offset : offsets.get(key)
      if (offset === undefined) continue
      this.assigned.set(key, {...f, offset: Number(offset)})
    }
  }

  private async resetOffset(a: Assigned): Promise<void> {
    if (this.s.autoOffsetReset === 'none') throw new Error(`org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [${a.topic}-${a.partition}]`)
    const m = await this.admin.listOffsets([a], this.s.autoOffsetReset === 'earliest' ? -2n : -1n)
    const o = m.get(`${a.topic}:${a.partition}`)
    if (o !== undefined) a.offset = Number(o)
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[] | RawLines> {
    // The next fetch is sent as soon as a response is decoded, so the broker works while the
    // caller formats and writes (librdkafka prefetches the same way).
    const pending = this.prefetch ?? this.fetchAll(maxWaitMs)
    this.prefetch = undefined
    const records = await pending
    if ((records instanceof RawLines ? records.ends.length : records.length) > 0) this.prefetch = this.fetchAll(maxWaitMs)
    return records
  }

  private async fetchAll(maxWaitMs: number): Promise<ConsumedRecord[] | RawLines> {
    if (Date.now() - this.lastRefresh > (this.match ? 3000 : 30_000) || this.assigned.size === 0) {
      await this.refresh()
      if (this.assigned.size === 0) {
        await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 500)))
        return []
      }
    }
    const byLeader = new Map<number, Assigned[]>()
    for (const a of this.assigned.values()) byLeader.set(a.leader, [...(byLeader.get(a.leader) ?? []), a])
    const out = this.raw ? new RawLines() : []
    await Promise.all([...byLeader].map(([leader, parts]) => this.fetchFrom(leader, parts, maxWaitMs, out)))
    return out
  }

  private async fetchFrom(leader: number, parts: Assigned[], maxWaitMs: number, out: ConsumedRecord[] | RawLines): Promise<void> {
    const conn = await this.admin.connection(leader)
    const byTopic = new Map<string, Assigned[]>()
    for (const a of parts) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a])
    const res = await conn.request<{errorCode: number; responses: {topic: string; partitions: {partitionIndex: number; errorCode: number; abortedTransactions: {producerId: bigint; firstOffset: bigint}[] | null; records: Buffer | null}[]}[]}>(FETCH, {
      clusterId: null,
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes: 64 << 20,
      isolationLevel: this.s.isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, ps]) => ({
        topic,
        partitions: ps.map((a) => ({partition: a.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(a.offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 2 << 20})),
      })),
      forgottenTopicsData: [],
      rackId: '',
    }, 11)
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const a = this.assigned.get(`${t.topic}:${p.partitionIndex}`)
        if (!a) continue
        if (p.errorCode === 1 /* OFFSET_OUT_OF_RANGE */) {
          await this.resetOffset(a)
          continue
        }
        if (p.errorCode !== 0) {
          // Leadership moved or the topic is being created: look again soon.
          if ([3, 5, 6, 74, 75].includes(p.errorCode)) this.lastRefresh = 0
          else throw new Error(`Fetch of ${t.topic}-${p.partitionIndex} failed: ${errorName(p.errorCode)}`)
          continue
        }
        if (!p.records || p.records.length === 0) continue
        const aborted = this.s.isolationLevel === 1 ? new Map((p.abortedTransactions ?? []).map((x) => [x.producerId, x.firstOffset])) : undefined
        a.offset = await readRecordSet(p.records, {topic: t.topic, partition: p.partitionIndex, fromOffset: a.offset, aborted}, out)
      }
    }
  }

  consumed(): void {}

  async close(): Promise<void> {
    await this.prefetch?.catch(() => undefined)
    this.admin.close()
  }
}
