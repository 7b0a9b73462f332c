// Legacy `--zookeeper` mode: kafka-topics before 3.0 read and wrote the cluster's ZooKeeper
// layout directly, and a ZooKeeper-mode broker (Kafka's, or ktool's server-start with
// zookeeper.connect) picks the changes up:
//   /brokers/ids/<id>                         {"host":..,"port":..,"endpoints":[..]} (ephemeral)
//   /controller                               {"brokerid":0,..}
//   /brokers/topics/<t>                       {"version":2,"partitions":{"0":[0,1]},..}
//   /brokers/topics/<t>/partitions/<p>/state  {"leader":0,"isr":[0],..}
//   /config/topics/<t>                        {"version":1,"config":{"k":"v"}}
//   /admin/delete_topics/<t>                  a deletion request
// Replica placement for new topics and partitions is Kafka's non-rack-aware round robin.
import {kafkaError} from '../admin/errors.js'
import type {BrokerNode, ClusterMetadata, ConfigEntry, NewTopic, TopicInfo} from '../admin/types.js'
import {ZERO_UUID} from '../admin/types.js'
import {isInternalTopic} from './topic-names.js'
import type {TopicAdmin} from './topic-command.js'

type Zk = import('node-zookeeper-client').Client

// node-zookeeper-client reports its own Exception objects (getCode(), toString()).
function call<T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value as T))))
}

export class ZkTopicAdmin implements TopicAdmin {
  private constructor(private readonly zk: Zk) {}

  static async connect(connectString: string, timeoutMs = 10_000): Promise<ZkTopicAdmin> {
    const {default: zookeeper} = await import('node-zookeeper-client')
    const zk = zookeeper.createClient(connectString, {sessionTimeout: 30_000, retries: 0})
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        zk.close()
        reject(new Error('Timed out waiting for connection while in state: CONNECTING'))
      }, timeoutMs)
      zk.once('connected', () => {
        clearTimeout(timer)
        resolve()
      })
      zk.connect()
    })
    return new ZkTopicAdmin(zk)
  }

  close(): void {
    this.zk.close()
  }

  private async json<T>(path: string): Promise<T | undefined> {
    try {
      const data = await call<Buffer>((cb) => this.zk.getData(path, (e, d) => cb(e, d)))
      return data && data.length > 0 ? (JSON.parse(data.toString('utf8')) as T) : undefined
    } catch (error) {
      if (/NO_NODE/.test(String(error))) return undefined
      throw error
    }
  }

  private async children(path: string): Promise<string[]> {
    try {
      return await call<string[]>((cb) => this.zk.getChildren(path, (e, c) => cb(e, c)))
    } catch (error) {
      if (/NO_NODE/.test(String(error))) return []
      throw error
    }
  }

  private async create(path: string, data: object | null): Promise<void> {
    const bytes = data === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(data))
    await call<string>((cb) => this.zk.mkdirp(path, bytes, (e, p) => cb(e, p)))
  }

  private async setJson(path: string, data: object): Promise<void> {
    await call((cb) => this.zk.setData(path, Buffer.from(JSON.stringify(data)), -1, (e, s) => cb(e, s)))
  }

  private async brokers(): Promise<BrokerNode[]> {
    const ids = (await this.children('/brokers/ids')).map(Number).filter((n) => !Number.isNaN(n)).sort((a, b) => a - b)
    const out: BrokerNode[] = []
    for (const id of ids) {
      const b = await this.json<{host?: string; port?: number; rack?: string | null}>(`/brokers/ids/${id}`)
      out.push({nodeId: id, host: b?.host ?? '', port: b?.port ?? -1, rack: b?.rack ?? null})
    }
    return out
  }

  /** Topics with a pending deletion request (listed as "<t> - marked for deletion"). */
  async markedForDeletion(): Promise<Set<string>> {
    return new Set(await this.children('/admin/delete_topics'))
  }

  async metadata(topics: string[] | null): Promise<ClusterMetadata> {
    const brokers = await this.brokers()
    const controller = await this.json<{brokerid: number}>('/controller')
    const names = topics ?? (await this.children('/brokers/topics'))
    const out: TopicInfo[] = []
    for (const name of names) {
      const t = await this.json<{partitions?: Record<string, number[]>; topic_id?: string}>(`/brokers/topics/${name}`)
      if (!t) continue
      const partitions = []
      for (const [p, replicas] of Object.entries(t.partitions ?? {})) {
        const state = await this.json<{leader: number; isr: number[]}>(`/brokers/topics/${name}/partitions/${p}/state`)
        partitions.push({partition: Number(p), leader: state?.leader ?? -1, replicas, isr: state?.isr ?? [], errorCode: 0})
      }
      out.push({name, topicId: t.topic_id ?? ZERO_UUID, internal: isInternalTopic(name), errorCode: 0, partitions})
    }
    return {brokers, controllerId: controller?.brokerid ?? -1, clusterId: null, topics: out}
  }

  async describeTopicConfigs(topics: string[]): Promise<Map<string, ConfigEntry[]>> {
    const out = new Map<string, ConfigEntry[]>()
    for (const t of topics) {
      const c = await this.json<{config?: Record<string, string>}>(`/config/topics/${t}`)
      out.set(t, Object.entries(c?.config ?? {}).map(([name, value]) => ({name, value, source: 1, isDefault: false, readOnly: false, sensitive: false})))
    }
    return out
  }

  /** Kafka's AdminUtils.assignReplicasToBrokers without racks (fixed start index and shift 0). */
  private assign(brokers: number[], partitions: number, rf: number, startPartition = 0): number[][] {
    if (rf > brokers.length) throw new Error(`Replication factor: ${rf} larger than available brokers: ${brokers.length}.`)
    const out: number[][] = []
    for (let p = startPartition; p < startPartition + partitions; p++) {
      const first = p % brokers.length
      const replicas = [brokers[first]!]
      for (let j = 0; j < rf - 1; j++) replicas.push(brokers[(first + 1 + j) % brokers.length]!)
      out.push(replicas)
    }
    return out
  }

  async createTopic(t: NewTopic): Promise<void> {
    if (await this.json(`/brokers/topics/${t.name}`) !== undefined) throw kafkaError(36, `Topic '${t.name}' already exists.`)
    const brokers = (await this.brokers()).map((b) => b.nodeId)
    const assignments = t.assignments ?? this.assign(brokers, t.numPartitions > 0 ? t.numPartitions : 1, t.replicationFactor > 0 ? t.replicationFactor : 1)
    await this.create(`/config/topics/${t.name}`, {version: 1, config: Object.fromEntries(t.configs)})
    await this.create(`/brokers/topics/${t.name}`, {version: 2, partitions: Object.fromEntries(assignments.map((r, i) => [String(i), r])), adding_replicas: {}, removing_replicas: {}})
  }

  async createPartitions(topic: string, count: number, assignments: number[][] | undefined): Promise<void> {
    const path = `/brokers/topics/${topic}`
    const t = await this.json<{partitions: Record<string, number[]>} & Record<string, unknown>>(path)
    if (!t) throw new Error(`Topic '${topic}' does not exist as expected`)
    const existing = Object.keys(t.partitions).length
    if (count <= existing) {
      throw new Error(`The number of partitions for a topic can only be increased. Topic ${topic} currently has ${existing} partitions, ${count} would not be an increase.`)
    }
    const rf = t.partitions['0']?.length ?? 1
    const brokers = (await this.brokers()).map((b) => b.nodeId)
    const added = assignments ?? this.assign(brokers, count - existing, rf, existing)
    const partitions = {...t.partitions}
    added.forEach((r, i) => (partitions[String(existing + i)] = r))
    await this.setJson(path, {...t, partitions})
  }

  async deleteTopics(topics: string[]): Promise<void> {
    for (const t of topics) await this.create(`/admin/delete_topics/${t}`, null)
  }

  async reassignments(): Promise<Map<string, {adding: number[]; removing: number[]}>> {
    return new Map()
  }
}
