// The standalone herder: owns the connectors and their tasks, and carries out what the command
// line and the REST API ask (create, reconfigure, pause, resume, stop, restart, delete, offsets).
// A connector or task that throws is marked FAILED with its trace; the worker keeps serving.
import type {ICustomPartitioner, Kafka} from 'kafkajs'
import type {Logger} from '../common/logger.js'
import {createConverter} from './converters/index.js'
import type {TargetState} from './connector-config.js'
import type {OffsetStore} from './offset-store.js'
import type {Connector, ConnectorPlugin, SinkTask, SourceTask} from './plugin-api.js'
import type {PluginRegistry} from './plugins.js'
import {ErrorHandler} from './runtime/error-handler.js'
import {SinkTaskRunner} from './runtime/sink-task-runner.js'
import {SourceTaskRunner} from './runtime/source-task-runner.js'
import {StateHolder, type InstanceState} from './runtime/task-state.js'
import {buildTransformChain} from './transforms/index.js'
import {invalidConfigMessage, validateConnectorConfig} from './validation.js'
import {withPrefix, type WorkerConfig} from './worker-config.js'

/** An error with the HTTP status the REST API answers it with. */
export class HerderError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
    this.name = 'HerderError'
  }
}

type TaskRunner = SourceTaskRunner | SinkTaskRunner

interface ConnectorEntry {
  name: string
  config: Record<string, string>
  plugin: ConnectorPlugin
  connector: Connector | null
  status: StateHolder
  target: TargetState
  taskConfigs: Record<string, string>[]
  tasks: TaskRunner[]
}

export interface InstanceStatus {
  state: InstanceState
  worker_id: string
  trace?: string
}

export class Herder {
  private readonly connectors = new Map<string, ConnectorEntry>()
  private flushTimer: NodeJS.Timeout | null = null
  /** kafkajs's Java-compatible partitioner (murmur2 of the key), set by the worker. */
  partitioner: ICustomPartitioner | undefined

  constructor(
    private readonly worker: WorkerConfig,
    private readonly kafka: Kafka,
    private readonly offsets: OffsetStore,
    readonly plugins: PluginRegistry,
    private readonly logger: Logger,
    public workerId: string,
  ) {}

  start(): void {
    this.flushTimer = setInterval(() => void this.flushOffsets(), this.worker.offsetFlushIntervalMs)
    this.flushTimer.unref()
  }

  names(): string[] {
    return [...this.connectors.keys()]
  }

  private entry(name: string, message = `Connector ${name} not found`): ConnectorEntry {
    const e = this.connectors.get(name)
    if (!e) throw new HerderError(404, message)
    return e
  }

  private resolvePlugin(config: Record<string, string>): ConnectorPlugin {
    const cls = config['connector.class']
    if (!cls?.trim()) throw new HerderError(400, `Connector config ${javaMap(config)} contains no connector type`)
    const plugin = this.plugins.find(cls)
    if (!plugin) {
      const available = this.plugins.list().map((p) => `PluginDesc{klass=class ${p.className}, name='${p.className}', version='${p.version}', type=${p.type}}`).join(', ')
      throw new HerderError(400, `Failed to find any class that implements Connector and which name matches ${cls}, available connectors are: ${available}`)
    }
    return plugin
  }

  /** Creates a connector, or with `replace` reconfigures an existing one; returns whether it was created. */
  async put(name: string, config: Record<string, string>, opts: {replace: boolean; initialState?: TargetState}): Promise<boolean> {
    const existing = this.connectors.get(name)
    if (existing && !opts.replace) throw new HerderError(409, `Connector ${name} already exists`)
    const plugin = this.resolvePlugin(config)
    const infos = validateConnectorConfig(plugin, config)
    if (infos.error_count > 0) throw new HerderError(400, invalidConfigMessage(infos))
    const target = existing?.target ?? opts.initialState ?? 'RUNNING'
    if (existing) await this.stopEntry(existing)
    const entry: ConnectorEntry = {name, config, plugin, connector: null, status: new StateHolder(), target, taskConfigs: [], tasks: []}
    this.connectors.set(name, entry)
    await this.startEntry(entry)
    this.logger.info(`${existing ? 'Reconfigured' : 'Created'} connector ${name}`)
    return !existing
  }

  private async startEntry(e: ConnectorEntry): Promise<void> {
    try {
      e.connector = e.plugin.create()
      await e.connector.start(e.config)
      e.taskConfigs = e.connector.taskConfigs(Number(e.config['tasks.max'] ?? 1))
    } catch (error) {
      e.status.transition('FAILED', error)
      this.logger.error(`[${e.name}] Failed to start connector: ${(error as Error).message}`)
      return
    }
    if (e.target === 'STOPPED') {
      e.taskConfigs = []
      e.status.transition('STOPPED')
      return
    }
    e.status.transition(e.target === 'PAUSED' ? 'PAUSED' : 'RUNNING')
    e.tasks = e.taskConfigs.map((c, id) => this.createTask(e, id, c))
    await Promise.all(e.tasks.map((t) => t.start(e.target === 'PAUSED')))
  }

  private createTask(e: ConnectorEntry, id: number, taskConfig: Record<string, string>): TaskRunner {
    const logger = this.logger.child(`${e.name}-${id}`)
    const raw = {...this.worker.raw, ...e.config}
    const keyConverter = createConverter(e.config['key.converter'] ?? this.worker.keyConverter, 'key.converter', raw, true)
    const valueConverter = createConverter(e.config['value.converter'] ?? this.worker.valueConverter, 'value.converter', raw, false)
    const transforms = buildTransformChain(e.config)
    const errors = new ErrorHandler(e.config, logger)
    const task = e.connector!.createTask()
    if (e.plugin.type === 'source') {
      const producerProps = withPrefix(this.worker.raw, 'producer.')
      const acks = producerProps.acks === undefined || producerProps.acks === 'all' ? -1 : Number(producerProps.acks)
      const producer = this.kafka.producer({allowAutoTopicCreation: true, idempotent: false, createPartitioner: this.partitioner})
      return new SourceTaskRunner({connector: e.name, id, config: taskConfig, task: task as SourceTask, producer, keyConverter, valueConverter, transforms, errors, offsets: this.offsets, logger, acks})
    }
    const consumerProps = withPrefix(this.worker.raw, 'consumer.')
    const consumer = this.kafka.consumer({
      groupId: `connect-${e.name}`,
      sessionTimeout: Number(consumerProps['session.timeout.ms'] ?? 45_000),
      heartbeatInterval: Number(consumerProps['heartbeat.interval.ms'] ?? 3_000),
      maxBytesPerPartition: Number(consumerProps['max.partition.fetch.bytes'] ?? 1_048_576),
      maxWaitTimeInMs: Number(consumerProps['fetch.max.wait.ms'] ?? 500),
    })
    return new SinkTaskRunner({connector: e.name, id, config: taskConfig, task: task as SinkTask, consumer, keyConverter, valueConverter, transforms, errors, logger})
  }

  private async stopTasks(e: ConnectorEntry): Promise<void> {
    const tasks = e.tasks
    e.tasks = []
    await Promise.all(tasks.map((t) => t.stop(this.worker.taskShutdownGracefulTimeoutMs)))
    this.offsets.flush()
  }

  private async stopEntry(e: ConnectorEntry): Promise<void> {
    await this.stopTasks(e)
    try {
      await e.connector?.stop()
    } catch (error) {
      this.logger.warn(`[${e.name}] Error while stopping connector: ${(error as Error).message}`)
    }
    e.connector = null
  }

  async delete(name: string): Promise<void> {
    const e = this.entry(name)
    this.connectors.delete(name)
    await this.stopEntry(e)
    this.logger.info(`Removed connector ${name}`)
  }

  info(name: string): {name: string; config: Record<string, string>; tasks: {connector: string; task: number}[]; type: string} {
    const e = this.entry(name)
    return {name, config: e.config, tasks: e.taskConfigs.map((_, task) => ({connector: name, task})), type: e.plugin.type}
  }

  config(name: string): Record<string, string> {
    return this.entry(name).config
  }

  taskConfigs(name: string): {id: {connector: string; task: number}; config: Record<string, string>}[] {
    const e = this.entry(name)
    return e.taskConfigs.map((config, task) => ({id: {connector: name, task}, config}))
  }

  private instance(s: StateHolder): InstanceStatus {
    return {state: s.state, worker_id: this.workerId, ...(s.state === 'FAILED' && s.trace ? {trace: s.trace} : {})}
  }

  status(name: string): {name: string; connector: InstanceStatus; tasks: ({id: number} & InstanceStatus)[]; type: string} {
    const e = this.entry(name, `No status found for connector ${name}`)
    return {
      name,
      connector: this.instance(e.status),
      tasks: e.tasks.map((t) => ({id: t.id, ...this.instance(t.status)})).sort((a, b) => a.id - b.id),
      type: e.plugin.type,
    }
  }

  taskStatus(name: string, id: number): {id: number} & InstanceStatus {
    const t = this.connectors.get(name)?.tasks.find((x) => x.id === id)
    if (!t) throw new HerderError(404, `No status found for task ${name}-${id}`)
    return {id, ...this.instance(t.status)}
  }

  async pause(name: string): Promise<void> {
    const e = this.entry(name, `Unknown connector ${name}`)
    if (e.target === 'STOPPED') {
      e.target = 'PAUSED'
      await this.startEntry(e)
      return
    }
    e.target = 'PAUSED'
    if (e.status.state === 'RUNNING') e.status.transition('PAUSED')
    for (const t of e.tasks) t.pause()
    this.logger.info(`Paused connector ${name}`)
  }

  async resume(name: string): Promise<void> {
    const e = this.entry(name, `Unknown connector ${name}`)
    const wasStopped = e.target === 'STOPPED'
    e.target = 'RUNNING'
    if (wasStopped) {
      await this.startEntry(e)
      return
    }
    if (e.status.state === 'PAUSED') e.status.transition('RUNNING')
    for (const t of e.tasks) t.resume()
    this.logger.info(`Resumed connector ${name}`)
  }

  async stop(name: string): Promise<void> {
    const e = this.entry(name, `Unknown connector ${name}`)
    e.target = 'STOPPED'
    await this.stopEntry(e)
    e.taskConfigs = []
    if (e.status.state !== 'STOPPED') e.status.transition('STOPPED')
    this.logger.info(`Stopped connector ${name}`)
  }

  /**
   * Restarts the connector (and with includeTasks its tasks); onlyFailed limits it to FAILED
   * instances. Returns at once with the plan (the instances that restart shown as RESTARTING),
   * as Kafka's 202 answer does, and restarts in the background.
   */
  restart(name: string, opts: {includeTasks: boolean; onlyFailed: boolean}): {plan: ReturnType<Herder['status']>; done: Promise<void>} {
    const e = this.entry(name)
    const connectorToo = e.target !== 'STOPPED' && (!opts.onlyFailed || e.status.state === 'FAILED')
    const taskIds = opts.includeTasks ? e.tasks.filter((t) => !opts.onlyFailed || t.status.state === 'FAILED').map((t) => t.id) : []
    const plan = this.status(name)
    if (connectorToo) plan.connector = {...plan.connector, state: 'RESTARTING', trace: undefined}
    plan.tasks = plan.tasks.map((t) => (taskIds.includes(t.id) ? {id: t.id, state: 'RESTARTING', worker_id: t.worker_id} : t))
    const done = (async () => {
      if (connectorToo) await this.restartConnector(e)
      for (const id of taskIds) if (this.connectors.get(name) === e) await this.restartTask(name, id)
    })()
    return {plan, done}
  }

  private async restartConnector(e: ConnectorEntry): Promise<void> {
    try {
      await e.connector?.stop()
    } catch (error) {
      this.logger.warn(`[${e.name}] Error while stopping connector: ${(error as Error).message}`)
    }
    e.status.transition('RESTARTING')
    try {
      e.connector = e.plugin.create()
      await e.connector.start(e.config)
      e.status.transition(e.target === 'PAUSED' ? 'PAUSED' : 'RUNNING')
    } catch (error) {
      e.status.transition('FAILED', error)
      return
    }
    // A connector that failed on creation never got tasks: create them now.
    if (e.tasks.length === 0) {
      e.taskConfigs = e.connector.taskConfigs(Number(e.config['tasks.max'] ?? 1))
      e.tasks = e.taskConfigs.map((c, id) => this.createTask(e, id, c))
      await Promise.all(e.tasks.map((t) => t.start(e.target === 'PAUSED')))
    }
  }

  async restartTask(name: string, id: number): Promise<void> {
    const e = this.entry(name)
    const i = e.tasks.findIndex((t) => t.id === id)
    if (i < 0) throw new HerderError(404, `Task ${name}-${id} not found`)
    await e.tasks[i]!.stop(this.worker.taskShutdownGracefulTimeoutMs)
    const fresh = this.createTask(e, id, e.taskConfigs[id]!)
    e.tasks[i] = fresh
    await fresh.start(e.target === 'PAUSED')
  }

  /** Source offsets from the offset file; sink offsets from the connector's consumer group. */
  async getOffsets(name: string): Promise<{partition: Record<string, unknown>; offset: Record<string, unknown>}[]> {
    const e = this.entry(name)
    if (e.plugin.type === 'source') return this.offsets.forConnector(name)
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      const topics = (await admin.listTopics()).filter((t) => matchesSinkTopics(e.config, t))
      if (topics.length === 0) return []
      const fetched = await admin.fetchOffsets({groupId: `connect-${name}`, topics})
      return fetched.flatMap((t) => t.partitions.filter((p) => p.offset !== '-1').map((p) => ({
        partition: {kafka_topic: t.topic, kafka_partition: p.partition},
        offset: {kafka_offset: Number(p.offset)},
      })))
    } finally {
      await admin.disconnect()
    }
  }

  /** PATCH (alter) or DELETE (reset) offsets: only for a STOPPED connector. */
  async alterOffsets(name: string, offsets: {partition: Record<string, unknown>; offset: Record<string, unknown> | null}[] | null): Promise<string> {
    const e = this.entry(name)
    if (e.target !== 'STOPPED') {
      throw new HerderError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`)
    }
    const reset = offsets === null
    if (e.plugin.type === 'source') {
      const list = reset ? this.offsets.forConnector(name).map((o) => ({partition: o.partition, offset: null})) : offsets!
      const connector = e.plugin.create()
      try {
        connector.alterOffsets?.(e.config, new Map(list.map((o) => [o.partition, o.offset])))
      } catch (error) {
        throw new HerderError(400, (error as Error).message)
      }
      for (const o of list) this.offsets.set(name, o.partition, o.offset)
      this.offsets.flush()
    } else {
      const admin = this.kafka.admin()
      await admin.connect()
      try {
        if (reset) {
          await admin.deleteGroups([`connect-${name}`]).catch((error: Error) => {
            if (!/does not exist|GROUP_ID_NOT_FOUND/i.test(error.message)) throw error
          })
        } else {
          const byTopic = new Map<string, {partition: number; offset: string}[]>()
          for (const o of offsets!) {
            const topic = String(o.partition.kafka_topic)
            const partition = Number(o.partition.kafka_partition)
            if (!o.partition.kafka_topic || !Number.isInteger(partition)) throw new HerderError(400, 'Partition objects for sink connectors must contain kafka_topic and kafka_partition')
            if (o.offset === null) continue
            const list = byTopic.get(topic) ?? []
            list.push({partition, offset: String(o.offset.kafka_offset)})
            byTopic.set(topic, list)
          }
          for (const [topic, partitions] of byTopic) await admin.setOffsets({groupId: `connect-${name}`, topic, partitions})
        }
      } finally {
        await admin.disconnect()
      }
    }
    return reset ? 'The offsets for this connector have been reset successfully' : 'The offsets for this connector have been altered successfully'
  }

  async flushOffsets(): Promise<void> {
    try {
      this.offsets.flush()
    } catch (error) {
      this.logger.error(`Failed to flush offsets to storage: ${(error as Error).message}`)
    }
    for (const e of this.connectors.values()) {
      for (const t of e.tasks) if (t instanceof SinkTaskRunner) await t.flush()
    }
  }

  async shutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer)
    for (const e of this.connectors.values()) await this.stopEntry(e)
    this.offsets.flush()
  }
}

function matchesSinkTopics(config: Record<string, string>, topic: string): boolean {
  if (config['topics.regex']?.trim()) return new RegExp(`^(?:${config['topics.regex'].trim()})$`).test(topic)
  return (config.topics ?? '').split(',').map((t) => t.trim()).includes(topic)
}

/** Java's Map.toString, for Kafka's "contains no connector type" message. */
function javaMap(config: Record<string, string>): string {
  return `{${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(', ')}}`
}
