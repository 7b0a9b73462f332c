// Runs one source task: poll -> transforms -> converters -> one producer send per poll; the
// offsets of a poll's records are recorded only once the broker acknowledged them, and the worker
// flushes them to the offset file every offset.flush.interval.ms, so a restart re-reads nothing
// that was delivered and loses nothing that was not.
import type {Producer} from 'kafkajs'
import type {Logger} from '../../common/logger.js'
import type {Converter} from '../converters/index.js'
import type {ConnectRecord} from '../data.js'
import type {OffsetStore} from '../offset-store.js'
import type {SourceTask} from '../plugin-api.js'
import type {TransformChain} from '../transforms/index.js'
import type {ErrorHandler} from './error-handler.js'
import {StateHolder} from './task-state.js'

export interface SourceTaskDeps {
  connector: string
  id: number
  config: Record<string, string>
  task: SourceTask
  producer: Producer
  keyConverter: Converter
  valueConverter: Converter
  transforms: TransformChain
  errors: ErrorHandler
  offsets: OffsetStore
  logger: Logger
  acks: number
}

export class SourceTaskRunner {
  readonly status = new StateHolder()
  private running = false
  private paused = false
  private loop: Promise<void> | null = null
  private wake: (() => void) | null = null

  constructor(private readonly d: SourceTaskDeps) {}

  get id(): number {
    return this.d.id
  }

  async start(paused: boolean): Promise<void> {
    this.paused = paused
    this.running = true
    try {
      await this.d.producer.connect()
      await this.d.task.start(this.d.config, {
        offsetStorageReader: {offset: (partition) => this.d.offsets.get(this.d.connector, partition)},
        log: (level, message) => this.d.logger.log(level, message),
      })
    } catch (error) {
      this.fail(error)
      return
    }
    this.status.transition(paused ? 'PAUSED' : 'RUNNING')
    this.loop = this.run()
  }

  pause(): void {
    if (this.status.state === 'RUNNING') this.status.transition('PAUSED')
    this.paused = true
  }

  resume(): void {
    if (this.status.state === 'PAUSED') this.status.transition('RUNNING')
    this.paused = false
    this.wake?.()
  }

  private fail(error: unknown): void {
    this.running = false
    this.status.transition('FAILED', error)
    this.d.logger.error(`${this.d.connector}-${this.d.id} Task threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted: ${(error as Error).message}`)
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await new Promise<void>((r) => (this.wake = r))
        this.wake = null
        continue
      }
      try {
        const records = await this.d.task.poll()
        if (records && records.length > 0 && this.running) await this.deliver(records)
      } catch (error) {
        this.fail(error)
        return
      }
    }
  }

  private convert(r: ConnectRecord): {topic: string; message: {key: Buffer | null; value: Buffer | null; partition?: number; timestamp?: string; headers?: Record<string, Buffer>}} | undefined {
    const describe = () => `record from ${this.d.connector} to topic ${r.topic}`
    const t = this.d.errors.run('TRANSFORMATION', describe, () => this.d.transforms.apply(r))
    if (!t) return undefined
    const key = this.d.errors.run('KEY_CONVERTER', describe, () => this.d.keyConverter.fromConnectData(t.topic, t.keySchema, t.key))
    if (key === undefined) return undefined
    const value = this.d.errors.run('VALUE_CONVERTER', describe, () => this.d.valueConverter.fromConnectData(t.topic, t.valueSchema, t.value))
    if (value === undefined) return undefined
    const headers = t.headers.length > 0 ? Object.fromEntries(t.headers.map((h) => [h.key, Buffer.from(String(h.value ?? ''))])) : undefined
    return {
      topic: t.topic,
      message: {key, value, ...(t.kafkaPartition !== null ? {partition: t.kafkaPartition} : {}), ...(t.timestamp !== null ? {timestamp: String(t.timestamp)} : {}), ...(headers ? {headers} : {})},
    }
  }

  /** Sends one poll's records in one request, then records their offsets. */
  private async deliver(records: ConnectRecord[]): Promise<void> {
    const byTopic = new Map<string, NonNullable<ReturnType<SourceTaskRunner['convert']>>['message'][]>()
    for (const r of records) {
      const c = this.convert(r)
      if (!c) continue
      let list = byTopic.get(c.topic)
      if (!list) byTopic.set(c.topic, (list = []))
      list.push(c.message)
    }
    if (byTopic.size > 0) {
      await this.d.producer.sendBatch({acks: this.d.acks, topicMessages: [...byTopic].map(([topic, messages]) => ({topic, messages}))})
    }
    // Every polled record's offset counts, including records a transform dropped.
    for (const r of records) {
      if (r.sourcePartition && r.sourceOffset) this.d.offsets.set(this.d.connector, r.sourcePartition, r.sourceOffset)
    }
    await this.d.task.commit?.()
  }

  /** Stops polling, waits for the in-flight poll (bounded), stops the task. */
  async stop(timeoutMs: number): Promise<void> {
    this.running = false
    this.wake?.()
    if (this.loop) await Promise.race([this.loop, new Promise((r) => setTimeout(r, timeoutMs).unref())])
    try {
      await this.d.task.stop()
    } catch (error) {
      this.d.logger.warn(`${this.d.connector}-${this.d.id} failed to stop cleanly: ${(error as Error).message}`)
    }
    await this.d.producer.disconnect().catch(() => undefined)
  }
}
