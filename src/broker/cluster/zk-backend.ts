// Topic metadata kept in ZooKeeper in Kafka's layout (ZooKeeper mode), so Kafka's own tools and
// `topics --zookeeper` see what this broker does, and it sees what they write:
//   /brokers/topics/<t>                      {"partitions":{"0":[0]},"topic_id":"..","adding_replicas":{},"removing_replicas":{},"version":3}
//   /brokers/topics/<t>/partitions/<p>/state {"controller_epoch":1,"leader":0,"version":1,"leader_epoch":0,"isr":[0]}
//   /config/topics/<t>                       {"version":1,"config":{"k":"v"}}
//   /config/changes/config_change_<seq>      {"version":2,"entity_path":"topics/<t>"}
//   /config/brokers/<default> and /<id>      {"version":1,"config":{"k":"v"}} (dynamic broker configs;
//                                            change notification entity_path "brokers/<default>")
//   /admin/delete_topics/<t>                 a deletion request (from kafka-topics --delete)
//   /latest_producer_id_block                {"version":1,"broker":0,"block_start":"0","block_end":"999"}
// As the controller, this broker watches /brokers/topics (topics created by other tools: it
// writes their partition state and assigns a topic id when missing), each topic (partitions added),
// /admin/delete_topics and /config/changes.
import type {Logger} from '../../common/logger.js'
import type {TopicInfo} from './metadata.js'
import {PRODUCER_ID_BLOCK_SIZE, type MetadataBackend, type MetadataStore} from './metadata-store.js'
import {isBadVersion, isNodeExists, isNoNode, type ZkClient} from './zk-client.js'

/** The persistent paths a Kafka cluster has, parents before children. */
export const LAYOUT_PATHS = ['/cluster', '/consumers', '/brokers', '/brokers/ids', '/brokers/topics', '/brokers/seqid', '/config', '/config/changes', '/config/topics', '/config/clients', '/config/users', '/config/brokers', '/config/ips', '/admin', '/admin/delete_topics', '/isr_change_notification', '/latest_producer_id_block', '/log_dir_event_notification']

interface TopicZNode {
  partitions: Record<string, number[]>
  topic_id?: string
  version?: number
}

export class ZkMetadataBackend implements MetadataBackend {
  readonly name = 'zookeeper'
  private closed = false

  constructor(
    private readonly zk: ZkClient,
    private readonly store: MetadataStore,
    private readonly brokerId: number,
    /** Bumped by each controller election (a new ZooKeeper session re-elects). */
    public controllerEpoch: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Creates the persistent paths a Kafka cluster has. Missing ones are created in one multi-op
   * (one transaction-log write instead of one per node), parents first.
   */
  static async ensureLayout(zk: ZkClient): Promise<void> {
    const present = await Promise.all(LAYOUT_PATHS.map((p) => zk.exists(p)))
    const missing = LAYOUT_PATHS.filter((_, i) => !present[i])
    if (missing.length === 0) return
    try {
      await zk.createAll(missing)
    } catch {
      // Another broker raced us: fall back to one at a time, tolerating what exists.
      for (const p of missing) await zk.mkdirp(p)
    }
  }

  private topicJson(t: TopicInfo): string {
    return JSON.stringify({partitions: Object.fromEntries(t.partitions.map((p) => [String(p.partition), p.replicas])), topic_id: t.topicId, adding_replicas: {}, removing_replicas: {}, version: 3})
  }

  private stateJson(p: TopicInfo['partitions'][number]): string {
    return JSON.stringify({controller_epoch: this.controllerEpoch, leader: p.leader, version: 1, leader_epoch: p.leaderEpoch, isr: p.isr})
  }

  async loadTopics(): Promise<TopicInfo[]> {
    const names = await this.zk.getChildren('/brokers/topics', () => void this.onTopicsChanged())
    const out: TopicInfo[] = []
    for (const name of names) {
      const t = await this.readTopic(name)
      if (t) out.push(t)
    }
    void this.watchDeletions()
    void this.watchConfigChanges()
    return out
  }

  /** Reads /brokers/topics/<name> (+ config), filling in what another tool left out. */
  private async readTopic(name: string): Promise<TopicInfo | null> {
    const z = await this.zk.getJson<TopicZNode>(`/brokers/topics/${name}`, (e) => void this.onTopicChanged(name, e.getType()))
    if (!z || !z.partitions) return null
    const assignment = Object.keys(z.partitions).sort((a, b) => Number(a) - Number(b)).map((p) => z.partitions[p]!)
    const config = await this.zk.getJson<{config?: Record<string, string>}>(`/config/topics/${name}`)
    const info = this.store.newTopic(name, assignment, new Map(Object.entries(config?.config ?? {})))
    let rewrite = false
    if (z.topic_id) info.topicId = z.topic_id
    else rewrite = true
    for (const p of info.partitions) {
      const state = await this.zk.getJson<{leader: number; leader_epoch: number; isr: number[]}>(`/brokers/topics/${name}/partitions/${p.partition}/state`)
      if (state) {
        p.leader = state.leader
        p.leaderEpoch = state.leader_epoch
        p.isr = state.isr
      } else {
        await this.zk.put(`/brokers/topics/${name}/partitions/${p.partition}/state`, this.stateJson(p))
      }
    }
    if (rewrite) await this.zk.setData(`/brokers/topics/${name}`, this.topicJson(info))
    return info
  }

  private async onTopicsChanged(): Promise<void> {
    if (this.closed) return
    try {
      const names = await this.zk.getChildren('/brokers/topics', () => void this.onTopicsChanged())
      for (const name of names) {
        if (this.store.topic(name)) continue
        const t = await this.readTopic(name)
        if (t) {
          this.logger.info(`[Controller id=${this.brokerId}] New topics: [Set(${name})], new partition replica assignment [${t.partitions.length} partitions]`)
          this.store.applyCreated(t)
        }
      }
      for (const t of this.store.topics()) if (!names.includes(t.name)) this.store.applyDeleted(t.name)
    } catch (error) {
      if (!this.closed) this.logger.error(`Reading /brokers/topics: ${(error as Error).message}`)
    }
  }

  private async onTopicChanged(name: string, type: number): Promise<void> {
    if (this.closed) return
    try {
      const t = await this.readTopic(name)
      if (t) this.store.applyPartitions(t)
    } catch (error) {
      if (!isNoNode(error) && !this.closed) this.logger.error(`Reading /brokers/topics/${name} (event ${type}): ${(error as Error).message}`)
    }
  }

  private async watchDeletions(): Promise<void> {
    if (this.closed) return
    try {
      const names = await this.zk.getChildren('/admin/delete_topics', () => void this.watchDeletions())
      for (const name of names) {
        this.logger.info(`[Topic Deletion Manager ${this.brokerId}] Handling deletion for topics ${name}`)
        await this.deleteTopic(name)
        this.store.applyDeleted(name)
      }
    } catch (error) {
      if (!this.closed) this.logger.error(`Reading /admin/delete_topics: ${(error as Error).message}`)
    }
  }

  private async watchConfigChanges(): Promise<void> {
    if (this.closed) return
    try {
      const changes = await this.zk.getChildren('/config/changes', () => void this.watchConfigChanges())
      for (const c of changes) {
        // A notification another tool garbled is skipped, not allowed to block the ones after it.
        const n = await this.zk.getJson<{entity_path?: string}>(`/config/changes/${c}`).catch((error) => {
          if (error instanceof SyntaxError) return null
          throw error
        })
        const path = n?.entity_path ?? ''
        if (path.startsWith('brokers/')) {
          const entity = path.slice('brokers/'.length)
          if (entity !== '<default>' && entity !== String(this.brokerId)) continue
          const cfg = await this.readBrokerConfig(entity)
          if (cfg) this.store.applyBrokerConfig(entity, cfg)
          continue
        }
        if (!path.startsWith('topics/')) continue
        const topic = path.slice('topics/'.length)
        const cfg = await this.zk.getJson<{config?: Record<string, string>}>(`/config/topics/${topic}`)
        const next = new Map(Object.entries(cfg?.config ?? {}))
        const current = this.store.topic(topic)?.configs
        if (current && !sameMap(current, next)) this.store.applyConfigs(topic, next)
      }
    } catch (error) {
      if (!this.closed) this.logger.error(`Reading /config/changes: ${(error as Error).message}`)
    }
  }

  async createTopic(topic: TopicInfo): Promise<void> {
    await this.zk.put(`/config/topics/${topic.name}`, JSON.stringify({version: 1, config: Object.fromEntries(topic.configs)}))
    try {
      await this.zk.create(`/brokers/topics/${topic.name}`, this.topicJson(topic))
    } catch (error) {
      if (isNodeExists(error)) throw new Error(`Topic '${topic.name}' already exists.`)
      throw error
    }
    await this.zk.mkdirp(`/brokers/topics/${topic.name}/partitions`)
    for (const p of topic.partitions) await this.zk.put(`/brokers/topics/${topic.name}/partitions/${p.partition}/state`, this.stateJson(p))
  }

  async deleteTopic(name: string): Promise<void> {
    await this.zk.removeRecursive(`/brokers/topics/${name}`)
    await this.zk.remove(`/config/topics/${name}`)
    await this.zk.remove(`/admin/delete_topics/${name}`)
  }

  async updatePartitions(topic: TopicInfo): Promise<void> {
    for (const p of topic.partitions) await this.zk.put(`/brokers/topics/${topic.name}/partitions/${p.partition}/state`, this.stateJson(p))
    await this.zk.setData(`/brokers/topics/${topic.name}`, this.topicJson(topic))
  }

  async setTopicConfig(name: string, configs: Map<string, string>): Promise<void> {
    await this.zk.put(`/config/topics/${name}`, JSON.stringify({version: 1, config: Object.fromEntries(configs)}))
    await this.zk.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: `topics/${name}`}), 'persistent_sequential')
  }

  async loadBrokerConfigs(brokerId: number): Promise<{defaults: Map<string, string>; broker: Map<string, string>}> {
    const [defaults, broker] = await Promise.all(['<default>', String(brokerId)].map((e) => this.readBrokerConfig(e)))
    return {defaults: defaults ?? new Map(), broker: broker ?? new Map()}
  }

  /**
   * /config/brokers/<entity> as a map of strings; null (and one error line) when another tool wrote
   * something that is not Kafka's {"version":1,"config":{...}}: the broker keeps what it has.
   */
  private async readBrokerConfig(entity: string): Promise<Map<string, string> | null> {
    const path = `/config/brokers/${entity}`
    let parsed: unknown
    try {
      parsed = await this.zk.getJson(path)
    } catch (error) {
      if (error instanceof SyntaxError) {
        this.logger.error(`Ignoring ${path}: not JSON (${error.message})`)
        return null
      }
      throw error
    }
    if (parsed === null) return new Map()
    const config = (parsed as {config?: unknown}).config
    if (typeof parsed !== 'object' || (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config)))) {
      this.logger.error(`Ignoring ${path}: expected {"version":1,"config":{...}}`)
      return null
    }
    // Kafka stores strings; a number or boolean another tool wrote is taken as its text.
    return new Map(Object.entries((config ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => [k, String(v)]))
  }

  /** Kafka's AdminZkClient.changeBrokerConfig: the entity's znode, then a change notification. */
  async setBrokerConfig(entity: string, configs: Map<string, string>): Promise<void> {
    await this.zk.put(`/config/brokers/${entity}`, JSON.stringify({version: 1, config: Object.fromEntries(configs)}))
    await this.zk.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: `brokers/${entity}`}), 'persistent_sequential')
  }

  async allocateProducerIds(): Promise<{start: bigint; end: bigint}> {
    for (;;) {
      const {data, stat} = await this.zk.getData('/latest_producer_id_block')
      const current = data && data.length ? (JSON.parse(data.toString()) as {block_end: string}) : null
      const start = current ? BigInt(current.block_end) + 1n : 0n
      const end = start + PRODUCER_ID_BLOCK_SIZE - 1n
      try {
        await this.zk.setData('/latest_producer_id_block', JSON.stringify({version: 1, broker: this.brokerId, block_start: String(start), block_end: String(end)}), stat.version)
        return {start, end}
      } catch (error) {
        if (!isBadVersion(error)) throw error // someone else won: retry
      }
    }
  }

  /**
   * After a new session (the old one expired, and its watches with it): install the watches again
   * and catch up with what changed meanwhile (topics created, deleted or grown, deletion requests,
   * config changes).
   */
  async resync(): Promise<void> {
    if (this.closed) return
    await this.onTopicsChanged()
    for (const t of this.store.topics()) await this.onTopicChanged(t.name, -1)
    await this.watchDeletions()
    await this.watchConfigChanges()
  }

  async close(): Promise<void> {
    this.closed = true
  }
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (b.get(k) !== v) return false
  return true
}
