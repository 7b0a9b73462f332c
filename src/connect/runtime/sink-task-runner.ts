// Runs one sink task: a consumer in group connect-<connector> reading from the earliest offset,
// converters -> transforms -> task.put() per fetched batch. Offsets are committed only by flush()
// (every offset.flush.interval.ms and at stop), after task.flush() made the data durable, so a
// crash repeats at most what was written since the last commit (at-least-once) and loses nothing.
import type {Consumer, EachBatchPayload} from 'kafkajs'
import type {Logger} from '../../common/logger.js'
import type {Converter} from '../converters/index.js'
import type {ConnectRecord} from '../data.js'
import type {SinkTask} from '../plugin-api.js'
import type {TransformChain} from '../transforms/index.js'
import type {ErrorHandler} from './error-handler.js'
import {StateHolder} from './task-state.js'

export interface SinkTaskDeps {
  connector: string
  id: number
  config: Record<string, string>
  task: SinkTask
  consumer: Consumer
  keyConverter: Converter
  valueConverter: Converter
  transforms: TransformChain
  errors: ErrorHandler
  logger: Logger
}

/**
 * The subscription: a list of topics, or one anchored pattern for topics.regex. The pattern is
 * matched against the topics that exist when the task starts (kafkajs resolves a pattern once);
 * a topic created later is picked up when the task restarts.
 */
export function sinkTopics(config: Record<string, string>): (string | RegExp)[] {
  if (config['topics.regex']?.trim()) return [new RegExp(`^(?:${config['topics.regex'].trim()})$`)]
  return (config.topics ?? '').split(',').map((t) => t.trim()).filter(Boolean)
}

export class SinkTaskRunner {
  readonly status = new StateHolder()
  /** Next offset to commit per "topic\0partition": everything before it was put() to the task. */
  private readonly processed = new Map<string, string>()
  private flushing: Promise<void> = Promise.resolve()
  private stopping = false
  private inFlight: Promise<void> = Promise.resolve()

  constructor(private readonly d: SinkTaskDeps) {}

  get id(): number {
    return this.d.id
  }

  async start(paused: boolean): Promise<void> {
    try {
      await this.d.task.start(this.d.config, {log: (level, message) => this.d.logger.log(level, message)})
      await this.d.consumer.connect()
      await this.d.consumer.subscribe({topics: sinkTopics(this.d.config), fromBeginning: true})
      await this.d.consumer.run({autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p)})
    } catch (error) {
      this.fail(error)
      return
    }
    this.status.transition(paused ? 'PAUSED' : 'RUNNING')
    if (paused) this.pause()
  }

  private fail(error: unknown): void {
    if (this.status.state !== 'FAILED') this.status.transition('FAILED', error)
    this.d.logger.error(`${this.d.connector}-${this.d.id} Task threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted: ${(error as Error).message}`)
    void this.d.consumer.stop().catch(() => undefined)
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    // Once stopping, batches are left unprocessed and uncommitted: the next run reads them again.
    if (this.stopping) return Promise.resolve()
    this.inFlight = this.process(payload)
    return this.inFlight
  }

  private async process({batch, resolveOffset, heartbeat, isRunning}: EachBatchPayload): Promise<void> {
    if (this.status.state === 'FAILED' || !isRunning()) return
    const records: ConnectRecord[] = []
    try {
      for (const m of batch.messages) {
        const describe = () => `record at ${batch.topic}-${batch.partition} offset ${m.offset}`
        const key = this.d.errors.run('KEY_CONVERTER', describe, () => this.d.keyConverter.toConnectData(batch.topic, m.key ?? null))
        const value = key && this.d.errors.run('VALUE_CONVERTER', describe, () => this.d.valueConverter.toConnectData(batch.topic, m.value ?? null))
        if (!key || !value) continue
        const headers = Object.entries(m.headers ?? {}).map(([k, v]) => ({key: k, schema: null, value: Array.isArray(v) ? v[0] : v}))
        const record: ConnectRecord = {
          topic: batch.topic, kafkaPartition: batch.partition, keySchema: key.schema, key: key.value,
          valueSchema: value.schema, value: value.value, timestamp: Number(m.timestamp), headers, kafkaOffset: BigInt(m.offset),
        }
        const t = this.d.errors.run('TRANSFORMATION', describe, () => this.d.transforms.apply(record))
        if (t) records.push(t)
      }
      await this.d.task.put(records)
    } catch (error) {
      this.fail(error)
      return
    }
    const last = batch.messages[batch.messages.length - 1]
    if (last) {
      this.processed.set(`${batch.topic}\0${batch.partition}`, (BigInt(last.offset) + 1n).toString())
      resolveOffset(last.offset)
    }
    await heartbeat()
  }

  pause(): void {
    if (this.status.state === 'RUNNING') this.status.transition('PAUSED')
    this.d.consumer.pause(sinkTopics(this.d.config).filter((t): t is string => typeof t === 'string').map((topic) => ({topic})))
  }

  resume(): void {
    if (this.status.state === 'PAUSED') this.status.transition('RUNNING')
    this.d.consumer.resume(sinkTopics(this.d.config).filter((t): t is string => typeof t === 'string').map((topic) => ({topic})))
  }

  /** Flushes the task, then commits what it has been given. Serialised: one flush at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.processed.size === 0 || this.status.state === 'FAILED') return
      const offsets = [...this.processed].map(([k, offset]) => {
        const [topic, partition] = k.split('\0')
        return {topic: topic!, partition: Number(partition), offset}
      })
      try {
        await this.d.task.flush()
        await this.d.consumer.commitOffsets(offsets)
        for (const o of offsets) if (this.processed.get(`${o.topic}\0${o.partition}`) === o.offset) this.processed.delete(`${o.topic}\0${o.partition}`)
      } catch (error) {
        this.d.logger.error(`${this.d.connector}-${this.d.id} Commit of offsets threw an unexpected exception: ${(error as Error).message}`)
      }
    })
    return this.flushing
  }

  /** Finishes the batch in hand, commits what the task has, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true
    await this.inFlight
    await this.flush()
    await this.d.consumer.stop().catch(() => undefined)
    await this.d.consumer.disconnect().catch(() => undefined)
    try {
      await this.d.task.stop()
    } catch (error) {
      this.d.logger.warn(`${this.d.connector}-${this.d.id} failed to stop cleanly: ${(error as Error).message}`)
    }
  }
}
