// A producer built for the console producer's one job, sending a stream of lines fast: records
// are encoded straight into RecordBatch v2 (src/protocol/kafka/records) and sent in Produce
// requests on ktool's own connections, pipelined up to buffer.memory. kafkajs spends ~20 µs of
// JavaScript per record, which caps it far below kcat; this path spends well under 1 µs.
// Partitioning is Kafka's: murmur2(key) for keyed records, "sticky" for null keys (a whole batch
// goes to one partition, the next batch to the next one).
import {encodeRecordBatch, type RecordInput} from '../../protocol/kafka/records/record-batch.js'
import type {AdminClient} from '../admin/admin-client.js'
import {errorName} from '../admin/errors.js'
import {encodePlainBatch, type LineSpans} from './plain-batch.js'

const PRODUCE = 0
/** Errors after which a refreshed leader may accept the same batch. */
const RETRIABLE = new Set([3, 5, 6, 7, 13, 19, 20, 56])

export interface BatchProducerOptions {
  topic: string
  acks: number
  timeoutMs: number
  compression: number
  retries: number
  retryBackoffMs: number
  maxBlockMs: number
  bufferMemory: number
  /** Upper bound for the records bytes of one batch (the broker refuses batches over ~1 MiB). */
  maxBatchBytes: number
}

interface Encoded {
  partition: number
  count: number
  /** The records, rebuilt only when a failure has to be reported. */
  records: () => RecordInput[]
  bytes: Buffer
}

export interface FailedBatch {
  records: RecordInput[]
  error: string
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const rest = length & 3
  const base = length & ~3
  if (rest === 3) h ^= (data[base + 2]! & 0xff) << 16
  if (rest >= 2) h ^= (data[base + 1]! & 0xff) << 8
  if (rest >= 1) {
    h ^= data[base]! & 0xff
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export class BatchProducer {
  private partitions: {partition: number; leader: number}[] = []
  private sticky = 0
  private inFlightBytes = 0
  private readonly inFlight = new Set<Promise<void>>()
  readonly failures: FailedBatch[] = []
  acked = 0

  constructor(private readonly admin: AdminClient, private readonly o: BatchProducerOptions) {}

  /** Waits (up to max.block.ms) until the topic has partitions with leaders; may auto-create it. */
  async init(): Promise<void> {
    const deadline = Date.now() + this.o.maxBlockMs
    for (;;) {
      const md = await this.admin.metadata([this.o.topic], true)
      const t = md.topics.find((x) => x.name === this.o.topic)
      if (t && t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) {
        this.partitions = [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => ({partition: p.partition, leader: p.leader}))
        this.sticky = Math.floor(Math.random() * this.partitions.length)
        return
      }
      if (Date.now() >= deadline) {
        throw new Error(`org.apache.kafka.common.errors.TimeoutException: Topic ${this.o.topic} not present in metadata after ${this.o.maxBlockMs} ms.`)
      }
      await sleep(Math.min(this.o.retryBackoffMs, 100))
    }
  }

  /** Partitions and sends records; resolves once they are handed over (not yet acknowledged). */
  async send(records: RecordInput[]): Promise<void> {
    if (records.length === 0) return
    const n = this.partitions.length
    const byPartition = new Map<number, RecordInput[]>()
    const nullKeyed: RecordInput[] = []
    for (const r of records) {
      if (r.key == null) nullKeyed.push(r)
      else {
        const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key
        const p = (murmur2(key) & 0x7fffffff) % n
        let list = byPartition.get(p)
        if (!list) byPartition.set(p, (list = []))
        list.push(r)
      }
    }
    if (nullKeyed.length > 0) {
      this.sticky = (this.sticky + 1) % n
      const list = byPartition.get(this.sticky)
      if (list) list.push(...nullKeyed)
      else byPartition.set(this.sticky, nullKeyed)
    }
    // One request per leader, with one batch per partition (cut at maxBatchBytes).
    const byLeader = new Map<number, {partition: number; records: RecordInput[]}[]>()
    for (const [p, list] of byPartition) {
      const leader = this.partitions[p]!.leader
      const batches = byLeader.get(leader) ?? []
      byLeader.set(leader, batches)
      let start = 0
      let bytes = 0
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!
        bytes += (r.value ? (r.value as Uint8Array).length : 0) + (r.key ? (r.key as Uint8Array).length : 0) + 16
        if (bytes >= this.o.maxBatchBytes) {
          batches.push({partition: p, records: list.slice(start, i + 1)})
          start = i + 1
          bytes = 0
        }
      }
      if (start < list.length) batches.push({partition: p, records: start === 0 ? list : list.slice(start)})
    }
    for (const [leader, batches] of byLeader) {
      // A request carries at most one batch per partition; extra batches go in further requests.
      while (batches.length > 0) {
        const seen = new Set<number>()
        const now: typeof batches = []
        for (let i = 0; i < batches.length;) {
          if (seen.has(batches[i]!.partition)) i++
          else {
            seen.add(batches[i]!.partition)
            now.push(...batches.splice(i, 1))
          }
        }
        await this.dispatch(leader, now)
      }
    }
  }

  private async dispatch(leader: number, batches: {partition: number; records: RecordInput[]}[]): Promise<void> {
    const timestamp = Date.now()
    const encoded = await Promise.all(batches.map(async (b): Promise<Encoded> => ({
      partition: b.partition,
      count: b.records.length,
      records: () => b.records,
      bytes: await encodeRecordBatch({records: b.records, baseTimestamp: timestamp, compression: this.o.compression}),
    })))
    await this.dispatchEncoded(leader, encoded)
  }

  /**
   * Plain lines (no key, no headers) straight from the input buffer: one sticky partition per
   * call, batches cut at maxBatchBytes, no per-line objects.
   */
  async sendPlain(spans: LineSpans): Promise<void> {
    if (spans.to <= spans.from) return
    this.sticky = (this.sticky + 1) % this.partitions.length
    const {partition, leader} = this.partitions[this.sticky]!
    const timestamp = Date.now()
    let from = spans.from
    while (from < spans.to) {
      let to = from
      let bytes = 0
      while (to < spans.to && (to === from || bytes + spans.ends[to]! - spans.starts[to]! + 12 <= this.o.maxBatchBytes)) {
        bytes += spans.ends[to]! - spans.starts[to]! + 12
        to++
      }
      const part: LineSpans = {...spans, from, to}
      const bytesOut = await encodePlainBatch(part, this.o.compression, timestamp)
      const records = (): RecordInput[] => {
        const out: RecordInput[] = []
        for (let i = part.from; i < part.to; i++) out.push({key: null, value: part.src.subarray(part.starts[i]!, part.ends[i]!)})
        return out
      }
      await this.dispatchEncoded(leader, [{partition, count: to - from, records, bytes: bytesOut}])
      from = to
    }
  }

  private async dispatchEncoded(leader: number, encoded: Encoded[]): Promise<void> {
    const size = encoded.reduce((a, b) => a + b.bytes.length, 0)
    const p = this.produce(leader, encoded, 0).finally(() => {
      this.inFlightBytes -= size
      this.inFlight.delete(p)
    })
    this.inFlight.add(p)
    this.inFlightBytes += size
    while (this.inFlightBytes > this.o.bufferMemory && this.inFlight.size > 0) await Promise.race(this.inFlight)
  }

  private async produce(leader: number, batches: Encoded[], attempt: number): Promise<void> {
    let retry: typeof batches = []
    let lastError = ''
    try {
      const conn = await this.admin.connection(leader)
      const body = {
        transactionalId: null,
        acks: this.o.acks,
        timeoutMs: this.o.timeoutMs,
        topicData: [{name: this.o.topic, partitionData: batches.map((b) => ({index: b.partition, records: b.bytes}))}],
      }
      if (this.o.acks === 0) {
        await conn.requestOneWay(PRODUCE, body, 9)
        for (const b of batches) this.acked += b.count
        return
      }
      const res = await conn.request<{responses: {name: string; partitionResponses: {index: number; errorCode: number; errorMessage: string | null}[]}[]}>(PRODUCE, body, 9)
      const codes = new Map<number, {code: number; message: string | null}>()
      for (const t of res.responses) for (const pr of t.partitionResponses) codes.set(pr.index, {code: pr.errorCode, message: pr.errorMessage ?? null})
      for (const b of batches) {
        const c = codes.get(b.partition) ?? {code: 0, message: null}
        if (c.code === 0) this.acked += b.count
        else if (RETRIABLE.has(c.code) && attempt < this.o.retries) {
          retry.push(b)
          lastError = errorName(c.code)
        } else this.failures.push({records: b.records(), error: `${errorName(c.code)}${c.message ? `: ${c.message}` : ''}`})
      }
    } catch (error) {
      lastError = (error as Error).message
      if (attempt < this.o.retries) retry = batches
      else for (const b of batches) this.failures.push({records: b.records(), error: lastError})
    }
    if (retry.length === 0) return
    await sleep(this.o.retryBackoffMs)
    try {
      await this.init()
    } catch {
      // Keep the old leaders; the retry reports the error if they are still wrong.
    }
    // Leaders may have moved: regroup the retried batches by their partition's current leader.
    const groups = new Map<number, typeof batches>()
    for (const b of retry) {
      const l = this.partitions[b.partition]?.leader ?? leader
      groups.set(l, [...(groups.get(l) ?? []), b])
    }
    await Promise.all([...groups].map(([l, bs]) => this.produce(l, bs, attempt + 1)))
    void lastError
  }

  /** Resolves when every batch handed over has been acknowledged or has failed. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }
}
