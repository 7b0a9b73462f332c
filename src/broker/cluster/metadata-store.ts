// The broker's topic metadata: the single place that creates, deletes and alters topics. Reads are
// synchronous (handlers call them on every request); changes go through a MetadataBackend first
// (ZooKeeper in Kafka's layout, or a local file when no ZooKeeper is available) and then into
// memory, and listeners (the log manager glue) hear about them.
//
// With one broker, this broker leads every partition: leader = brokerId, replicas = isr = [brokerId],
// leader epoch 0 until leadership changes (it never does yet).
import {randomBytes} from 'node:crypto'
import type {BrokerInfo, MetadataView, PartitionInfo, TopicInfo} from './metadata.js'
import {ConfigLayers, DEFAULT_ENTITY, affectsTopics, type Level} from '../dynamic-config/config-layers.js'

export interface MetadataBackend {
  readonly name: string
  /** Topics as stored. */
  loadTopics(): Promise<TopicInfo[]>
  createTopic(topic: TopicInfo): Promise<void>
  deleteTopic(name: string): Promise<void>
  /** Writes the new partition assignment (partitions added). */
  updatePartitions(topic: TopicInfo): Promise<void>
  setTopicConfig(name: string, configs: Map<string, string>): Promise<void>
  /** Dynamic broker configs as stored: the cluster-wide defaults and this broker's own. */
  loadBrokerConfigs?(brokerId: number): Promise<{defaults: Map<string, string>; broker: Map<string, string>}>
  /** Stores one level of dynamic broker configs (entity: '<default>' or the broker id). */
  setBrokerConfig?(entity: string, configs: Map<string, string>): Promise<void>
  /** Reserves the next block of producer ids (Kafka: /latest_producer_id_block, 1000 ids). */
  allocateProducerIds(): Promise<{start: bigint; end: bigint}>
  close(): Promise<void>
}

export const PRODUCER_ID_BLOCK_SIZE = 1000n

export type MetadataEvent =
  | {type: 'created'; topic: TopicInfo}
  | {type: 'deleted'; topic: TopicInfo}
  | {type: 'partitions'; topic: TopicInfo; previousCount: number}
  | {type: 'configs'; topic: TopicInfo}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/
export const MAX_TOPIC_NAME_LENGTH = 249
export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state'])

/** Kafka's Topic.validate; returns the error message or null. */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
  if (!LEGAL_TOPIC.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}

/** Kafka's Uuid.randomUuid().toString(): base64url, no padding, never starting with '-'. */
export function randomTopicId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id
  }
}

export class MetadataStore implements MetadataView {
  private readonly byName = new Map<string, TopicInfo>()
  private readonly byId = new Map<string, TopicInfo>()
  private readonly listeners: ((e: MetadataEvent) => void)[] = []
  private backend: MetadataBackend | undefined
  controllerEpoch = 1
  /** Dynamic broker configs (AlterConfigs on BROKER resources) layered over server.properties. */
  readonly brokerConfigs = new ConfigLayers()

  constructor(
    public clusterId: string,
    private readonly self: BrokerInfo,
  ) {}

  /** The advertised endpoint is only final once the listeners are bound (port 0). */
  updateSelf(patch: Partial<BrokerInfo>): void {
    Object.assign(this.self, patch)
  }

  get controllerId(): number {
    return this.self.id
  }

  get brokerId(): number {
    return this.self.id
  }

  brokers(): BrokerInfo[] {
    return [this.self]
  }

  topic(name: string): TopicInfo | undefined {
    return this.byName.get(name)
  }

  topicById(topicId: string): TopicInfo | undefined {
    return this.byId.get(topicId)
  }

  topics(): TopicInfo[] {
    return [...this.byName.values()]
  }

  onChange(listener: (e: MetadataEvent) => void): void {
    this.listeners.push(listener)
  }

  private emit(e: MetadataEvent): void {
    for (const l of this.listeners) l(e)
  }

  /** Attaches the backend and loads what it holds. */
  async attach(backend: MetadataBackend): Promise<void> {
    this.backend = backend
    // Dynamic broker configs are in force before any log opens (Kafka loads them before the
    // log manager starts); both reads go out together.
    const [topics, dynamic] = await Promise.all([backend.loadTopics(), backend.loadBrokerConfigs?.(this.self.id)])
    if (dynamic) {
      this.applyBrokerConfig(DEFAULT_ENTITY, dynamic.defaults)
      this.applyBrokerConfig(String(this.self.id), dynamic.broker)
    }
    for (const t of topics) this.applyCreated(t)
  }

  /** Stores one level of dynamic broker configs ('<default>' or this broker's id), then applies it. */
  async setBrokerConfig(entity: string, configs: Map<string, string>): Promise<void> {
    await this.backend?.setBrokerConfig?.(entity, configs)
    this.applyBrokerConfig(entity, configs)
  }

  /**
   * Memory only (backends call it for changes other tools made). When a value in force that gives
   * topics their defaults changed, every topic's effective config may have: each topic is announced
   * as reconfigured, which is how its logs pick up the new defaults.
   */
  applyBrokerConfig(entity: string, configs: Map<string, string>): void {
    const level: Level | null = entity === DEFAULT_ENTITY ? 'default' : entity === String(this.self.id) ? 'broker' : null
    if (!level) return
    if (!this.brokerConfigs.apply(level, configs).some(affectsTopics)) return
    for (const topic of this.byName.values()) this.emit({type: 'configs', topic})
  }

  /** Topics whose name differs from `name` only by '.' vs '_' (Kafka refuses those: metrics collide). */
  collision(name: string): string | undefined {
    const key = name.replace(/\./g, '_')
    for (const t of this.byName.keys()) if (t !== name && t.replace(/\./g, '_') === key) return t
    return undefined
  }

  newTopic(name: string, partitions: number | number[][], configs = new Map<string, string>()): TopicInfo {
    const assignment = typeof partitions === 'number' ? Array.from({length: partitions}, () => [this.self.id]) : partitions
    return {
      name,
      topicId: randomTopicId(),
      partitions: assignment.map((replicas, p) => this.partitionInfo(p, replicas)),
      internal: INTERNAL_TOPICS.has(name),
      configs,
    }
  }

  partitionInfo(partition: number, replicas: number[]): PartitionInfo {
    return {partition, leader: replicas.includes(this.self.id) ? this.self.id : replicas[0] ?? -1, leaderEpoch: 0, replicas, isr: [...replicas], offlineReplicas: []}
  }

  async createTopic(topic: TopicInfo): Promise<TopicInfo> {
    if (this.byName.has(topic.name)) throw new Error(`Topic '${topic.name}' already exists.`)
    await this.backend?.createTopic(topic)
    return this.applyCreated(topic)
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.byName.get(name)
    if (!topic) return
    await this.backend?.deleteTopic(name)
    this.applyDeleted(name)
  }

  async addPartitions(name: string, newAssignments: number[][]): Promise<TopicInfo> {
    const topic = this.byName.get(name)
    if (!topic) throw new Error(`Topic '${name}' does not exist.`)
    const previous = topic.partitions.length
    const updated: TopicInfo = {...topic, partitions: [...topic.partitions, ...newAssignments.map((r, i) => this.partitionInfo(previous + i, r))]}
    await this.backend?.updatePartitions(updated)
    this.applyPartitions(updated)
    return updated
  }

  async setTopicConfig(name: string, configs: Map<string, string>): Promise<void> {
    const topic = this.byName.get(name)
    if (!topic) throw new Error(`Topic '${name}' does not exist.`)
    await this.backend?.setTopicConfig(name, configs)
    this.applyConfigs(name, configs)
  }

  // The apply* methods change memory only; backends call them for changes made by other tools.
  applyCreated(topic: TopicInfo): TopicInfo {
    const existing = this.byName.get(topic.name)
    if (existing) return existing
    this.byName.set(topic.name, topic)
    this.byId.set(topic.topicId, topic)
    this.emit({type: 'created', topic})
    return topic
  }

  applyDeleted(name: string): void {
    const topic = this.byName.get(name)
    if (!topic) return
    this.byName.delete(name)
    this.byId.delete(topic.topicId)
    this.emit({type: 'deleted', topic})
  }

  applyPartitions(updated: TopicInfo): void {
    const topic = this.byName.get(updated.name)
    if (!topic || updated.partitions.length <= topic.partitions.length) return
    const previousCount = topic.partitions.length
    topic.partitions = updated.partitions
    this.emit({type: 'partitions', topic, previousCount})
  }

  applyConfigs(name: string, configs: Map<string, string>): void {
    const topic = this.byName.get(name)
    if (!topic) return
    topic.configs = new Map(configs)
    this.emit({type: 'configs', topic})
  }

  private idBlock: {next: bigint; end: bigint} | undefined
  private localNextId = 0n

  /** A producer id no other producer of this cluster has had. */
  async nextProducerId(): Promise<bigint> {
    if (!this.backend) return this.localNextId++
    if (!this.idBlock || this.idBlock.next > this.idBlock.end) {
      const block = await this.backend.allocateProducerIds()
      this.idBlock = {next: block.start, end: block.end}
    }
    return this.idBlock.next++
  }

  async close(): Promise<void> {
    await this.backend?.close()
    this.backend = undefined
  }
}
