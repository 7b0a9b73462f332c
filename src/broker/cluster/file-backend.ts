// Topic metadata in a local JSON file, for a broker that has no ZooKeeper to keep it in (the
// embedded one could not start). Written atomically (temp file + rename) on every change.
//   {"version":1,"topics":{"<name>":{"topic_id":"...","partitions":{"0":[0]},"config":{"k":"v"}}},
//    "brokers":{"<default>":{"k":"v"},"0":{"k":"v"}}}   (dynamic broker configs)
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import type {TopicInfo} from './metadata.js'
import {PRODUCER_ID_BLOCK_SIZE, type MetadataBackend, type MetadataStore} from './metadata-store.js'

interface StoredTopic {
  topic_id: string
  partitions: Record<string, number[]>
  config: Record<string, string>
}

export class FileMetadataBackend implements MetadataBackend {
  readonly name = 'file'
  private topics: Record<string, StoredTopic> = {}
  private nextProducerIdBlock = 0n
  private brokers: Record<string, Record<string, string>> = {}
  private loaded = false

  constructor(
    private readonly file: string,
    private readonly store: MetadataStore,
  ) {}

  private load(): void {
    if (this.loaded) return
    this.loaded = true
    if (existsSync(this.file)) {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as {topics?: Record<string, StoredTopic>; next_producer_id_block?: string; brokers?: Record<string, Record<string, string>>}
      this.topics = parsed.topics ?? {}
      this.nextProducerIdBlock = BigInt(parsed.next_producer_id_block ?? '0')
      this.brokers = parsed.brokers ?? {}
    }
  }

  async loadBrokerConfigs(brokerId: number): Promise<{defaults: Map<string, string>; broker: Map<string, string>}> {
    this.load()
    return {defaults: new Map(Object.entries(this.brokers['<default>'] ?? {})), broker: new Map(Object.entries(this.brokers[String(brokerId)] ?? {}))}
  }

  async setBrokerConfig(entity: string, configs: Map<string, string>): Promise<void> {
    if (configs.size === 0) delete this.brokers[entity]
    else this.brokers[entity] = Object.fromEntries(configs)
    this.save()
  }

  async loadTopics(): Promise<TopicInfo[]> {
    this.load()
    return Object.entries(this.topics).map(([name, t]) => {
      const info = this.store.newTopic(name, Object.keys(t.partitions).sort((a, b) => Number(a) - Number(b)).map((p) => t.partitions[p]!), new Map(Object.entries(t.config ?? {})))
      info.topicId = t.topic_id
      return info
    })
  }

  private save(): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify({version: 1, topics: this.topics, next_producer_id_block: String(this.nextProducerIdBlock), brokers: this.brokers}))
    renameSync(tmp, this.file)
  }

  private toStored(topic: TopicInfo): StoredTopic {
    return {
      topic_id: topic.topicId,
      partitions: Object.fromEntries(topic.partitions.map((p) => [String(p.partition), p.replicas])),
      config: Object.fromEntries(topic.configs),
    }
  }

  async createTopic(topic: TopicInfo): Promise<void> {
    this.topics[topic.name] = this.toStored(topic)
    this.save()
  }

  async deleteTopic(name: string): Promise<void> {
    delete this.topics[name]
    this.save()
  }

  async updatePartitions(topic: TopicInfo): Promise<void> {
    this.topics[topic.name] = this.toStored(topic)
    this.save()
  }

  async setTopicConfig(name: string, configs: Map<string, string>): Promise<void> {
    const t = this.topics[name]
    if (!t) return
    t.config = Object.fromEntries(configs)
    this.save()
  }

  async allocateProducerIds(): Promise<{start: bigint; end: bigint}> {
    const start = this.nextProducerIdBlock
    this.nextProducerIdBlock = start + PRODUCER_ID_BLOCK_SIZE
    this.save()
    return {start, end: start + PRODUCER_ID_BLOCK_SIZE - 1n}
  }

  async close(): Promise<void> {}
}
