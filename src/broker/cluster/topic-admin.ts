// Validation and execution of topic changes requested over the wire (CreateTopics, DeleteTopics,
// CreatePartitions, auto-creation), with Kafka's error codes and messages. The MetadataStore does
// the change; the broker's metadata listener creates and deletes the partition logs.
import type {BrokerConfig} from '../config.js'
import {validateTopicConfig} from '../topic-configs.js'
import type {TopicInfo} from './metadata.js'
import {validateTopicName, type MetadataStore} from './metadata-store.js'

export const E = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_TOPIC_EXCEPTION: 17,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  POLICY_VIOLATION: 44,
  TOPIC_DELETION_DISABLED: 73,
  UNKNOWN_TOPIC_ID: 100,
} as const

/**
 * ktool's own ceiling on partitions per topic (Kafka has none, and would try to assign two billion
 * partitions when asked): a request above it gets INVALID_PARTITIONS instead of exhausting memory.
 */
export const MAX_PARTITIONS = 100_000

export class TopicError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message)
  }
}

export interface CreateTopicSpec {
  name: string
  numPartitions: number
  replicationFactor: number
  assignments: {partitionIndex: number; brokerIds: number[]}[]
  configs: {name: string; value: string | null}[]
}

export class TopicAdmin {
  private readonly autoCreating = new Map<string, Promise<TopicInfo>>()

  constructor(
    private readonly config: BrokerConfig,
    private readonly metadata: MetadataStore,
  ) {}

  /** Validates a creation; returns the TopicInfo that would be created. Throws TopicError. */
  plan(spec: CreateTopicSpec): TopicInfo {
    const nameError = validateTopicName(spec.name)
    if (nameError) throw new TopicError(E.INVALID_TOPIC_EXCEPTION, nameError)
    if (this.metadata.topic(spec.name)) throw new TopicError(E.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`)
    const collides = this.metadata.collision(spec.name)
    if (collides) throw new TopicError(E.INVALID_TOPIC_EXCEPTION, `Topic '${spec.name}' collides with existing topic: ${collides}`)
    const brokers = this.metadata.brokers().map((b) => b.id)
    const configs = new Map<string, string>()
    for (const c of spec.configs) {
      const error = validateTopicConfig(c.name, c.value)
      if (error) throw new TopicError(E.INVALID_CONFIG, error)
      if (c.value !== null) configs.set(c.name, c.value)
    }
    let assignment: number[][]
    if (spec.assignments.length > 0) {
      if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
        throw new TopicError(E.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
      }
      if (spec.assignments.length > MAX_PARTITIONS) throw new TopicError(E.INVALID_PARTITIONS, `Number of partitions ${spec.assignments.length} is above this broker's limit of ${MAX_PARTITIONS}.`)
      const sorted = [...spec.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex)
      sorted.forEach((a, i) => {
        if (a.partitionIndex !== i) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence')
        if (a.brokerIds.length === 0) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Replica assignment for partition ${i} is empty`)
        if (new Set(a.brokerIds).size !== a.brokerIds.length) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${i}.`)
        const unknown = a.brokerIds.filter((b) => !brokers.includes(b))
        if (unknown.length) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`)
      })
      assignment = sorted.map((a) => a.brokerIds)
    } else {
      const partitions = spec.numPartitions === -1 ? this.config.numPartitions : spec.numPartitions
      const rf = spec.replicationFactor === -1 ? this.config.defaultReplicationFactor : spec.replicationFactor
      if (partitions <= 0) throw new TopicError(E.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
      if (partitions > MAX_PARTITIONS) throw new TopicError(E.INVALID_PARTITIONS, `Number of partitions ${partitions} is above this broker's limit of ${MAX_PARTITIONS}.`)
      if (rf <= 0) throw new TopicError(E.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
      if (rf > brokers.length) throw new TopicError(E.INVALID_REPLICATION_FACTOR, `Replication factor: ${rf} larger than available brokers: ${brokers.length}.`)
      assignment = Array.from({length: partitions}, (_, p) => Array.from({length: rf}, (_, r) => brokers[(p + r) % brokers.length]!))
    }
    return this.metadata.newTopic(spec.name, assignment, configs)
  }

  async create(spec: CreateTopicSpec, validateOnly = false): Promise<TopicInfo> {
    const topic = this.plan(spec)
    if (validateOnly) return topic
    try {
      return await this.metadata.createTopic(topic)
    } catch (error) {
      if (this.metadata.topic(spec.name)) throw new TopicError(E.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`)
      throw error
    }
  }

  /** Auto-creation (Metadata, FindCoordinator): broker defaults, no configs. */
  async autoCreate(name: string, partitions = this.config.numPartitions, rf = this.config.defaultReplicationFactor, configs: {name: string; value: string}[] = []): Promise<TopicInfo> {
    const existing = this.metadata.topic(name)
    if (existing) return existing
    // Clients that ask for the same new topic at once (a producer and a consumer) share one creation.
    let pending = this.autoCreating.get(name)
    if (!pending) {
      const brokers = this.metadata.brokers().length
      pending = this.create({name, numPartitions: partitions, replicationFactor: Math.min(rf, brokers), assignments: [], configs})
        .finally(() => this.autoCreating.delete(name))
      this.autoCreating.set(name, pending)
    }
    return pending
  }

  async delete(name: string): Promise<void> {
    if (!this.config.deleteTopicEnable) throw new TopicError(E.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.')
    if (!this.metadata.topic(name)) throw new TopicError(E.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
    await this.metadata.deleteTopic(name)
  }

  /** CreatePartitions: grow to `count` partitions. */
  async createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly: boolean): Promise<void> {
    const topic = this.metadata.topic(name)
    if (!topic) throw new TopicError(E.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
    const current = topic.partitions.length
    if (count < current) throw new TopicError(E.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`)
    if (count === current) throw new TopicError(E.INVALID_PARTITIONS, `Topic already has ${current} partitions.`)
    if (count > MAX_PARTITIONS) throw new TopicError(E.INVALID_PARTITIONS, `Number of partitions ${count} is above this broker's limit of ${MAX_PARTITIONS}.`)
    const brokers = this.metadata.brokers().map((b) => b.id)
    const rf = topic.partitions[0]?.replicas.length ?? 1
    let added: number[][]
    if (assignments) {
      if (assignments.length !== count - current) {
        throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`)
      }
      for (const a of assignments) {
        const unknown = a.filter((b) => !brokers.includes(b))
        if (unknown.length) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`)
        if (a.length !== rf) throw new TopicError(E.INVALID_REPLICA_ASSIGNMENT, `Inconsistent replication factor between partitions, partition 0 has ${rf} while partitions [${current}] have replication factors [${a.length}], respectively.`)
      }
      added = assignments
    } else {
      added = Array.from({length: count - current}, (_, i) => Array.from({length: rf}, (_, r) => brokers[(current + i + r) % brokers.length]!))
    }
    if (validateOnly) return
    await this.metadata.addPartitions(name, added)
  }
}
