// KafkaBroker: one Kafka-compatible broker. `server-start` only constructs one of these, so tests
// start the same broker in-process (port 0).
//
// start(): config -> coordination (ZooKeeper: the one in zookeeper.connect, or an embedded one;
// without either, a local metadata file) -> cluster id and broker id (meta.properties) -> topic
// metadata -> listeners, answering Metadata and ApiVersions only (start-up time) -> logs (a log
// for every partition) -> group coordinator and broker registration -> every request served ->
// "[KafkaServer id=N] started".
// stop(): stop accepting, let in-flight requests finish, stop the coordinator, deregister, flush and
// checkpoint the logs (clean-shutdown marker), stop the embedded ZooKeeper.
//
// States: new -> starting -> running -> stopping -> stopped; a failed start goes to stopped after
// undoing what it did. start() and stop() check the state they are called in.
import {mkdirSync, accessSync, constants as fsConstants} from 'node:fs'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {systemClock, type Clock} from '../common/clock.js'
import {Logger} from '../common/logger.js'
import type {Properties} from '../common/properties.js'
import {parseBrokerConfig, ConfigError, type BrokerConfig} from './config.js'
import type {LogManager, PartitionLog} from './log/index.js'
import {readMetaProperties} from './log/meta-properties.js'
import type {GroupCoordinator} from './group/coordinator.js'
import {MetadataStore} from './cluster/metadata-store.js'
import {TopicAdmin} from './cluster/topic-admin.js'
import type {MetadataEvent} from './cluster/metadata-store.js'
import {ProducerStateManager} from './producer-state.js'
import {loadHandlers, type HandlerRegistry} from './handlers/registry.js'
import {RequestDispatcher} from './network/dispatcher.js'
import type {Dispatcher} from './network/connection.js'
import type {ConnectionInfo} from './handlers/context.js'
import {SocketListener} from './network/listener.js'
import type {BrokerRuntime} from './runtime.js'
import {startCoordination, type Coordination} from './cluster/coordination.js'

export {parseBrokerConfig, ConfigError} from './config.js'
export type {BrokerConfig} from './config.js'

export class BrokerStartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BrokerStartError'
  }
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped'
const TRANSITIONS: Record<State, State[]> = {
  new: ['starting'],
  starting: ['running', 'stopped'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
}

export interface KafkaBrokerOptions {
  clock?: Clock
  /** Notes and warnings from config parsing, logged once at start. */
  configNotes?: {warnings: string[]; notes: string[]}
}

/** A cluster id in Kafka's form: 16 random bytes, base64url without padding. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

export class KafkaBroker {
  readonly config: BrokerConfig
  readonly logger: Logger
  private readonly log: Logger
  private readonly clock: Clock
  private state: State = 'new'
  private listeners: SocketListener[] = []
  private logs: LogManager | undefined
  private metadata: MetadataStore | undefined
  private groups: GroupCoordinator | undefined
  private coordination: Coordination | undefined
  private runtime: BrokerRuntime | undefined
  private readonly stopping = new AbortController()
  private readonly notes: {warnings: string[]; notes: string[]}
  private expiryTimer: {cancel(): void} | undefined
  /** Metadata changes that came before the logs were up, in order. */
  private readonly pendingChanges: MetadataEvent[] = []

  /** Takes a parsed BrokerConfig or the effective server.properties (file + overrides). */
  constructor(config: BrokerConfig | Properties, logger?: Logger, opts: KafkaBrokerOptions = {}) {
    if (config instanceof Map) {
      const parsed = parseBrokerConfig(config)
      this.config = parsed.config
      this.notes = opts.configNotes ?? {warnings: parsed.warnings, notes: parsed.notes}
    } else {
      this.config = config
      this.notes = opts.configNotes ?? {warnings: [], notes: []}
    }
    this.logger = logger ?? new Logger('kafka.server.KafkaServer', (line) => process.stdout.write(line + '\n'))
    this.log = this.logger.child('kafka.server.KafkaServer')
    this.clock = opts.clock ?? systemClock
  }

  private transition(to: State): void {
    if (!TRANSITIONS[this.state].includes(to)) throw new Error(`KafkaBroker: cannot go from ${this.state} to ${to}`)
    this.state = to
  }

  /** The port of the first listener (after start). */
  get port(): number {
    return this.listeners[0]?.port ?? this.config.listeners[0]!.port
  }

  get ports(): number[] {
    return this.listeners.map((l) => l.port)
  }

  get clusterId(): string | undefined {
    return this.metadata?.clusterId
  }

  get brokerId(): number {
    return this.config.brokerId
  }

  /** For tests and tools that embed the broker. */
  get context(): BrokerRuntime | undefined {
    return this.runtime
  }

  get zookeeperConnect(): string | undefined {
    return this.coordination?.connectString
  }

  /** The broker's ZooKeeper session (undefined without ZooKeeper): tests expire it. */
  get zookeeperSession(): import('./cluster/zk-client.js').ZkClient | undefined {
    return this.coordination?.zk
  }

  async start(): Promise<void> {
    this.transition('starting')
    const id = () => `[KafkaServer id=${this.config.brokerId}]`
    this.log.info(`${id()} starting`)
    for (const n of this.notes.notes) this.log.info(n)
    for (const w of this.notes.warnings) this.logger.child('org.apache.kafka.clients.admin.AdminClientConfig').warn(w)
    try {
      // Start-up time: the handler modules (Metadata, ApiVersions) load while the embedded
      // ZooKeeper starts and the session's first writes wait for their sync.
      const registryPromise = loadHandlers()
      registryPromise.catch(() => undefined)
      this.checkLogDirs()
      const meta = this.config.logDirs.map((d) => safeMeta(d)).find((m) => m !== null) ?? null

      this.coordination = await startCoordination(this.config, this.logger, this.clock, meta?.clusterId ?? null)
      const clusterId = this.coordination.clusterId ?? meta?.clusterId ?? newClusterId()
      if (meta?.clusterId && meta.clusterId !== clusterId) {
        throw new BrokerStartError(`The Cluster ID ${clusterId} doesn't match stored clusterId Some(${meta.clusterId}) in meta.properties. The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.`)
      }
      if (this.config.brokerId < 0) {
        this.config.brokerId = meta?.brokerId ?? (await this.coordination.generateBrokerId())
      }
      this.log.info(`Cluster ID = ${clusterId}`)

      const metadata = new MetadataStore(clusterId, {id: this.config.brokerId, host: this.config.advertisedHost, port: this.config.advertisedPort, rack: this.config.rack, listenerName: this.config.advertisedListeners[0]!.name})
      this.metadata = metadata
      metadata.controllerEpoch = this.coordination.controllerEpoch
      // Changes seen before the logs are up (the topics loaded now, an auto-creation by an early
      // Metadata request) are applied to the logs once they are.
      metadata.onChange((e) => this.onMetadataChange(e))
      const backend = this.coordination.createBackend(metadata) ?? new (await import('./cluster/file-backend.js')).FileMetadataBackend(join(this.config.logDirs[0]!, 'ktool-metadata.json'), metadata)
      await metadata.attach(backend)

      const topicAdmin = new TopicAdmin(this.config, metadata)
      const producers = new ProducerStateManager(() => metadata.nextProducerId())
      const registry: HandlerRegistry = await registryPromise
      const self = this
      this.runtime = {
        config: this.config,
        clock: this.clock,
        logger: this.logger.child('kafka.server.KafkaApis'),
        metadata,
        // Both are set before the gate lets a request through that reaches them (see StartGate).
        get logs(): LogManager {
          return self.logs!
        },
        get groups(): GroupCoordinator {
          return self.groups!
        },
        registry,
        topicAdmin,
        producers,
        stopping: this.stopping.signal,
        partitionLog: (topic: string, partition: number): PartitionLog | undefined => self.logs?.getLog(topic, partition),
      }

      // The listeners open as soon as Metadata can be answered (start-up time: a first Metadata
      // needs the topics, not the logs nor the group coordinator); every other request waits at
      // the gate until the logs and the group coordinator have started and the broker is
      // registered, which is when Kafka starts processing requests.
      const dispatcher = new StartGate(new RequestDispatcher(this.runtime, registry))
      const socketLog = this.logger.child('kafka.network.SocketServer')
      for (const l of this.config.listeners) {
        const listener = new SocketListener(l, dispatcher, {maxRequestBytes: this.config.socketRequestMaxBytes, idleMs: this.config.connectionsMaxIdleMs, logger: socketLog})
        await listener.start()
        this.listeners.push(listener)
        socketLog.info(`[SocketServer listenerType=ZK_BROKER, nodeId=${this.config.brokerId}] Created data-plane acceptor and processors for endpoint : ListenerName(${l.name})`)
      }
      // Port 0 (tests): advertise the port actually bound.
      this.config.listeners.forEach((l, i) => {
        const adv = this.config.advertisedListeners.find((a) => a.name === l.name)
        if (adv && adv.port === 0) adv.port = this.listeners[i]!.port
      })
      if (this.config.advertisedPort === 0) this.config.advertisedPort = this.listeners[0]!.port
      metadata.updateSelf({port: this.config.advertisedPort})

      const {LogManager} = await import('./log/index.js')
      const logs = new LogManager({
        logDirs: this.config.logDirs,
        brokerProps: this.config.props,
        clock: this.clock,
        logger: this.logger.child('kafka.log.LogManager'),
        brokerId: this.config.brokerId,
        clusterId,
      })
      this.logs = logs
      await logs.startup()
      for (const e of this.pendingChanges.splice(0)) this.onMetadataChange(e)
      this.adoptOrphanLogs()
      // Registered once the logs are up, as Kafka does (a controller may then lead partitions here).
      const done = await Promise.allSettled([this.startGroups(), this.coordination.registerBroker(this.config, this.listeners.map((l) => l.port))])
      for (const d of done) if (d.status === 'rejected') throw d.reason
      dispatcher.open()
      this.expiryTimer = this.scheduleProducerExpiry()
      this.transition('running')
      // The exact readiness line scripts wait for (reference §7.2); the listeners are named just before.
      const endpoints = this.config.listeners.map((l, i) => `${l.name}://${l.host || '0.0.0.0'}:${this.listeners[i]!.port}`).join(', ')
      this.log.info(`${id()} Listening on ${endpoints} (advertised: ${this.config.advertisedListeners.map((l) => `${l.name}://${l.host || 'localhost'}:${l.port}`).join(', ')})`)
      this.log.info(`${id()} started`)
    } catch (error) {
      await this.cleanupAfterFailedStart()
      this.state = 'stopped'
      if (error instanceof ConfigError || error instanceof BrokerStartError) throw error
      throw error
    }
  }

  private async startGroups(): Promise<void> {
    const [{GroupCoordinator, coordinatorConfigFromBroker}, {OffsetsTopicLog}] = await Promise.all([import('./group/coordinator.js'), import('./offsets-topic-log.js')])
    const groups = new GroupCoordinator({
      clock: this.clock,
      logger: this.logger,
      config: coordinatorConfigFromBroker(this.config),
      offsetsTopic: new OffsetsTopicLog(() => this.runtime!),
    })
    this.groups = groups
    await groups.start()
  }

  private checkLogDirs(): void {
    for (const dir of this.config.logDirs) {
      try {
        mkdirSync(dir, {recursive: true})
        accessSync(dir, fsConstants.W_OK)
      } catch (error) {
        throw new BrokerStartError(`Failed to create or validate data directory ${dir}: ${(error as Error).message}`)
      }
    }
  }

  /** Logs found on disk for topics the metadata does not know (its store was lost): re-register them. */
  private adoptOrphanLogs(): void {
    const metadata = this.metadata!
    const byTopic = new Map<string, {count: number; topicId: string | null}>()
    for (const log of this.logs!.allLogs()) {
      if (metadata.topic(log.topic)) continue
      const t = byTopic.get(log.topic) ?? {count: 0, topicId: log.topicId}
      t.count = Math.max(t.count, log.partition + 1)
      byTopic.set(log.topic, t)
    }
    for (const [name, t] of byTopic) {
      const info = metadata.newTopic(name, t.count)
      if (t.topicId) info.topicId = t.topicId
      this.log.warn(`Found logs of topic ${name} (${t.count} partitions) with no metadata; registering it again`)
      void metadata.createTopic(info).catch((error) => this.log.error(`Could not register topic ${name}: ${(error as Error).message}`))
    }
  }

  private onMetadataChange(e: MetadataEvent): void {
    const logs = this.logs
    if (!logs) {
      this.pendingChanges.push(e)
      return
    }
    const overrides = Object.fromEntries(e.topic.configs)
    try {
      switch (e.type) {
        case 'created':
          for (const p of e.topic.partitions) if (p.replicas.includes(this.config.brokerId)) logs.createLog(e.topic.name, p.partition, overrides, {topicId: e.topic.topicId})
          break
        case 'partitions':
          for (const p of e.topic.partitions.slice(e.previousCount)) if (p.replicas.includes(this.config.brokerId)) logs.createLog(e.topic.name, p.partition, overrides, {topicId: e.topic.topicId})
          break
        case 'deleted':
          for (const p of e.topic.partitions) {
            this.runtime?.producers.forget(`${e.topic.name}-${p.partition}`)
            void logs.deleteLog(e.topic.name, p.partition).catch((error) => this.log.error(`Deleting ${e.topic.name}-${p.partition}: ${(error as Error).message}`))
          }
          void this.groups?.onTopicsDeleted([e.topic.name]).catch(() => undefined)
          break
        case 'configs':
          logs.updateTopicConfig(e.topic.name, overrides)
          break
      }
    } catch (error) {
      this.log.error(`Applying metadata change (${e.type} ${e.topic.name}): ${(error as Error).message}`)
    }
  }

  private scheduleProducerExpiry(): {cancel(): void} {
    // Kafka checks producer.id.expiration.check.interval.ms (10 min); idle producers are forgotten.
    return this.clock.setTimeout(() => {
      this.runtime?.producers.expire(this.clock.now(), this.config.producerIdExpirationMs)
      if (this.state === 'running') this.expiryTimer = this.scheduleProducerExpiry()
    }, 600_000)
  }

  async stop(): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') {
      this.state = 'stopped'
      return
    }
    if (this.state === 'stopping') return
    if (this.state === 'starting') throw new Error('KafkaBroker: stop() called while starting')
    this.transition('stopping')
    const id = `[KafkaServer id=${this.config.brokerId}]`
    this.log.info(`${id} shutting down`)
    this.expiryTimer?.cancel()
    this.stopping.abort()
    await Promise.all(this.listeners.map((l) => l.stop(5000)))
    this.listeners = []
    await this.groups?.stop().catch((error) => this.log.error(`Stopping the group coordinator: ${(error as Error).message}`))
    await this.coordination?.stop().catch((error) => this.log.error(`Closing ZooKeeper: ${(error as Error).message}`))
    await this.metadata?.close().catch(() => undefined)
    await this.logs?.shutdown()
    await this.coordination?.stopEmbedded().catch(() => undefined)
    this.transition('stopped')
    this.log.info(`${id} shut down completed`)
  }

  private async cleanupAfterFailedStart(): Promise<void> {
    this.stopping.abort()
    for (const l of this.listeners) await l.stop(0).catch(() => undefined)
    this.listeners = []
    await this.groups?.stop().catch(() => undefined)
    await this.coordination?.stop().catch(() => undefined)
    await this.logs?.shutdown().catch(() => undefined)
    await this.coordination?.stopEmbedded().catch(() => undefined)
  }
}

/** What is answered while the broker is still starting: what a first Metadata needs. */
const EARLY_APIS = new Set([3, 18])

/**
 * Until the broker has started, lets Metadata and ApiVersions through and holds every other
 * request (they need the logs or the group coordinator). Per connection, responses still go out
 * in request order (the connection's slots).
 */
class StartGate implements Dispatcher {
  private release!: () => void
  private ready: Promise<void> | null = new Promise((resolve) => (this.release = resolve))

  constructor(private readonly inner: RequestDispatcher) {}

  open(): void {
    this.release()
    this.ready = null
  }

  dispatch(frame: Buffer, conn: ConnectionInfo): Promise<Buffer[] | null> | Buffer[] | null {
    if (this.ready && frame.length >= 2 && !EARLY_APIS.has(frame.readInt16BE(0))) return this.ready.then(() => this.inner.dispatch(frame, conn))
    return this.inner.dispatch(frame, conn)
  }
}

function safeMeta(dir: string): ReturnType<typeof readMetaProperties> {
  try {
    return readMetaProperties(dir)
  } catch {
    return null
  }
}
