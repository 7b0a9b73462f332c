// Records for the console consumer with --group: a kafkajs consumer in the group (joins,
// rebalances, heartbeats, commits). kafkajs pushes batches; poll() pulls them, and a batch is
// handed back to kafkajs only after the loop printed it, so offsets are resolved (and committed)
// only for records that were actually printed, as Kafka's tool rewinds before closing.
import {clientSettings, createKafkajs} from '../../cli/kafka-client.js'
import type {ConsumerSettings} from './consumer-options.js'
import type {ConsumedRecord} from './formatter.js'
import type {RecordSource} from './fetch-source.js'

interface Pending {
  records: ConsumedRecord[]
  resolveOffset(offset: string): void
  done(): void
}

type KafkajsConsumer = Awaited<ReturnType<typeof createKafkajs>> extends {consumer(c: never): infer C} ? C : never

function headersOf(h: Record<string, unknown> | undefined): {key: string; value: Buffer | null}[] {
  const out: {key: string; value: Buffer | null}[] = []
  for (const [key, v] of Object.entries(h ?? {})) {
    for (const x of Array.isArray(v) ? v : [v]) out.push({key, value: x == null ? null : Buffer.isBuffer(x) ? x : Buffer.from(String(x))})
  }
  return out
}

export class GroupSource implements RecordSource {
  private readonly queue: Pending[] = []
  private current?: Pending
  private wake?: () => void
  private consumer?: KafkajsConsumer
  private failure?: Error

  constructor(private readonly s: ConsumerSettings) {}

  async start(): Promise<void> {
    const settings = clientSettings(this.s.brokerList, this.s.props, {clientId: 'console-consumer'})
    const kafka = await createKafkajs(settings, {retries: 5})
    const num = (k: string, d: number) => (this.s.props.has(k) ? Number(this.s.props.get(k)) : d)
    const consumer = kafka.consumer({
      groupId: this.s.groupId!,
      sessionTimeout: num('session.timeout.ms', 45_000),
      heartbeatInterval: num('heartbeat.interval.ms', 3000),
      rebalanceTimeout: num('max.poll.interval.ms', 300_000),
      readUncommitted: this.s.isolationLevel === 0,
      maxBytesPerPartition: num('max.partition.fetch.bytes', 1_048_576),
      maxWaitTimeInMs: num('fetch.max.wait.ms', 500),
      allowAutoTopicCreation: false,
    }) as KafkajsConsumer
    this.consumer = consumer
    consumer.on(consumer.events.CRASH, (e: {payload: {error: Error}}) => {
      this.failure = e.payload.error
      this.wake?.()
    })
    await consumer.connect()
    const topic = this.s.include !== undefined ? new RegExp(`^(?:${this.s.include.trim().replace(/,/g, '|').replace(/ /g, '')})$`) : this.s.topic!
    await consumer.subscribe({topics: [topic], fromBeginning: this.s.autoOffsetReset === 'earliest'})
    await consumer.run({
      autoCommit: this.s.enableAutoCommit,
      autoCommitInterval: num('auto.commit.interval.ms', 5000),
      eachBatchAutoResolve: false,
      eachBatch: async ({batch, resolveOffset}) => {
        const records: ConsumedRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(m.offset),
          timestamp: Number(m.timestamp),
          timestampType: 'CreateTime' as const,
          key: m.key,
          value: m.value,
          headers: headersOf(m.headers as Record<string, unknown>),
        }))
        if (records.length === 0) return
        await new Promise<void>((done) => {
          this.queue.push({records, resolveOffset, done})
          this.wake?.()
        })
      },
    })
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    if (this.queue.length === 0 && !this.failure) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, maxWaitMs)
        this.wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.wake = undefined
    }
    if (this.failure) throw this.failure
    this.current = this.queue.shift()
    return this.current?.records ?? []
  }

  consumed(printed: ConsumedRecord[]): void {
    const c = this.current
    if (!c) return
    for (const r of printed) c.resolveOffset(r.offset.toString())
    this.current = undefined
    c.done()
  }

  async close(): Promise<void> {
    // Batches not printed are not resolved, so their offsets are not committed.
    for (const p of this.queue.splice(0)) p.done()
    await this.consumer?.disconnect().catch(() => undefined)
  }
}
