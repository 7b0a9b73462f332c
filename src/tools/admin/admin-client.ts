// A small admin client over KafkaConnection: bootstrap, metadata, then each request goes where
// Kafka's AdminClient sends it (topic changes to the controller, group requests to the group's
// coordinator, ListOffsets to partition leaders). It covers what kafkajs's admin does not expose
// in Kafka's terms; see src/tools/admin/connection.ts.
import type {ClientSettings} from '../../cli/kafka-client.js'
import {ConnectionError, KafkaConnection} from './connection.js'
import {check, kafkaError} from './errors.js'
import type {BrokerNode, ClusterMetadata, ConfigEntry, NewTopic, TopicInfo} from './types.js'
import {ZERO_UUID} from './types.js'

const API = {
  LIST_OFFSETS: 2, METADATA: 3, OFFSET_COMMIT: 8, OFFSET_FETCH: 9, FIND_COORDINATOR: 10,
  DESCRIBE_GROUPS: 15, LIST_GROUPS: 16, CREATE_TOPICS: 19, DELETE_TOPICS: 20, DESCRIBE_CONFIGS: 32,
  CREATE_PARTITIONS: 37, DELETE_GROUPS: 42, LIST_PARTITION_REASSIGNMENTS: 46, OFFSET_DELETE: 47,
} as const

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  memberMetadata: Buffer
  memberAssignment: Buffer
}

export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: string
  protocolType: string
  protocolData: string
  members: DescribedMember[]
}

export interface ListedGroup {
  groupId: string
  protocolType: string
  groupState: string
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export class AdminClient {
  private readonly conns = new Map<string, Promise<KafkaConnection>>()
  private brokers: BrokerNode[] = []
  private controllerId = -1

  private constructor(private readonly settings: ClientSettings, private readonly bootstrap: KafkaConnection, bootstrapAddress: string) {
    this.conns.set(bootstrapAddress, Promise.resolve(bootstrap))
  }

  /**
   * Connects to the first reachable bootstrap server. Refused connections are retried briefly;
   * the whole attempt is bounded by request.timeout.ms.
   */
  static async connect(settings: ClientSettings): Promise<AdminClient> {
    const deadline = Date.now() + settings.requestTimeoutMs
    const opts = {clientId: settings.clientId, requestTimeoutMs: settings.requestTimeoutMs, connectionTimeoutMs: Math.min(settings.connectionTimeoutMs, settings.requestTimeoutMs), ssl: settings.ssl}
    let last: Error | undefined
    for (let attempt = 0; attempt < 3 && Date.now() < deadline; attempt++) {
      for (const address of settings.brokers) {
        const colon = address.lastIndexOf(':')
        try {
          const conn = await KafkaConnection.open(address.slice(0, colon), Number(address.slice(colon + 1)), opts)
          const admin = new AdminClient(settings, conn, address)
          await admin.metadata([])
          return admin
        } catch (error) {
          last = error as Error
        }
      }
      await sleep(200)
    }
    throw new ConnectionError(`Could not reach any bootstrap server (${settings.brokers.join(',')}): ${last?.message ?? 'timed out'}`)
  }

  close(): void {
    for (const c of this.conns.values()) c.then((x) => x.close(), () => undefined)
  }

  /** The connection to a broker by id (the bootstrap connection when the id is unknown). */
  connection(nodeId: number): Promise<KafkaConnection> {
    return this.connTo(nodeId)
  }

  private connTo(nodeId: number): Promise<KafkaConnection> {
    const node = this.brokers.find((b) => b.nodeId === nodeId)
    if (!node) return Promise.resolve(this.bootstrap)
    const address = `${node.host}:${node.port}`
    let c = this.conns.get(address)
    if (!c) {
      c = KafkaConnection.open(node.host, node.port, {
        clientId: this.settings.clientId,
        requestTimeoutMs: this.settings.requestTimeoutMs,
        connectionTimeoutMs: this.settings.connectionTimeoutMs,
        ssl: this.settings.ssl,
      })
      this.conns.set(address, c)
      c.catch(() => this.conns.delete(address))
    }
    return c
  }

  private async controller(): Promise<KafkaConnection> {
    if (this.controllerId < 0) await this.metadata([])
    return this.controllerId >= 0 ? this.connTo(this.controllerId) : this.bootstrap
  }

  // ---- cluster and topics ----

  /** Metadata for the named topics, or for all topics with null. */
  async metadata(topics: string[] | null, autoCreate = false): Promise<ClusterMetadata> {
    const res = await this.bootstrap.request<{
      brokers: {nodeId: number; host: string; port: number; rack: string | null}[]
      clusterId: string | null
      controllerId: number
      topics: {errorCode: number; name: string | null; topicId: string; isInternal: boolean; partitions: {errorCode: number; partitionIndex: number; leaderId: number; replicaNodes: number[]; isrNodes: number[]}[]}[]
    }>(API.METADATA, {
      topics: topics === null ? null : topics.map((name) => ({topicId: ZERO_UUID, name})),
      allowAutoTopicCreation: autoCreate,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }, 12)
    this.brokers = res.brokers.map((b) => ({nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack}))
    this.controllerId = res.controllerId
    const out: TopicInfo[] = []
    for (const t of res.topics) {
      if (t.errorCode === 3 /* UNKNOWN_TOPIC_OR_PARTITION */) continue
      out.push({
        name: t.name ?? '',
        topicId: t.topicId ?? ZERO_UUID,
        internal: t.isInternal,
        errorCode: t.errorCode,
        partitions: t.partitions.map((p) => ({partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode})),
      })
    }
    return {brokers: this.brokers, controllerId: res.controllerId, clusterId: res.clusterId, topics: out}
  }

  async describeTopicConfigs(topics: string[]): Promise<Map<string, ConfigEntry[]>> {
    const res = await this.bootstrap.request<{results: {errorCode: number; errorMessage: string | null; resourceName: string; configs: {name: string; value: string | null; readOnly: boolean; isDefault: boolean; configSource: number; isSensitive: boolean}[]}[]}>(
      API.DESCRIBE_CONFIGS,
      {resources: topics.map((t) => ({resourceType: 2, resourceName: t, configurationKeys: null})), includeSynonyms: false, includeDocumentation: false},
    )
    const out = new Map<string, ConfigEntry[]>()
    for (const r of res.results) {
      check(r.errorCode, r.errorMessage)
      out.set(r.resourceName, r.configs.map((c) => ({
        name: c.name,
        value: c.value,
        // v0 has isDefault; v1+ the source (5 = DEFAULT_CONFIG), from which Kafka derives it.
        source: c.configSource,
        isDefault: c.configSource === -1 || c.configSource === undefined ? c.isDefault : c.configSource === 5,
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
      })))
    }
    return out
  }

  async createTopic(t: NewTopic): Promise<void> {
    const conn = await this.controller()
    const res = await conn.request<{topics: {name: string; errorCode: number; errorMessage: string | null}[]}>(API.CREATE_TOPICS, {
      topics: [{
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: (t.assignments ?? []).map((brokerIds, partitionIndex) => ({partitionIndex, brokerIds})),
        configs: [...t.configs].map(([name, value]) => ({name, value})),
      }],
      timeoutMs: this.settings.requestTimeoutMs,
      validateOnly: false,
    })
    for (const r of res.topics) check(r.errorCode, r.errorMessage)
  }

  async createPartitions(topic: string, count: number, assignments: number[][] | undefined): Promise<void> {
    const conn = await this.controller()
    const res = await conn.request<{results: {name: string; errorCode: number; errorMessage: string | null}[]}>(API.CREATE_PARTITIONS, {
      topics: [{name: topic, count, assignments: assignments ? assignments.map((brokerIds) => ({brokerIds})) : null}],
      timeoutMs: this.settings.requestTimeoutMs,
      validateOnly: false,
    })
    for (const r of res.results) check(r.errorCode, r.errorMessage)
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const conn = await this.controller()
    const res = await conn.request<{responses: {name: string | null; errorCode: number; errorMessage: string | null}[]}>(API.DELETE_TOPICS, {
      topics: topics.map((name) => ({name, topicId: ZERO_UUID})),
      topicNames: topics,
      timeoutMs: this.settings.requestTimeoutMs,
    })
    for (const r of res.responses) check(r.errorCode, r.errorMessage)
  }

  async reassignments(topics: string[]): Promise<Map<string, {adding: number[]; removing: number[]}>> {
    const out = new Map<string, {adding: number[]; removing: number[]}>()
    const conn = await this.controller()
    if (conn.version(API.LIST_PARTITION_REASSIGNMENTS) === undefined) return out
    const res = await conn.request<{errorCode: number; topics: {name: string; partitions: {partitionIndex: number; addingReplicas: number[]; removingReplicas: number[]}[]}[]}>(
      API.LIST_PARTITION_REASSIGNMENTS, {timeoutMs: this.settings.requestTimeoutMs, topics: null},
    )
    if (res.errorCode !== 0) return out
    for (const t of res.topics) {
      if (!topics.includes(t.name)) continue
      for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, {adding: p.addingReplicas, removing: p.removingReplicas})
    }
    return out
  }

  // ---- offsets ----

  /**
   * ListOffsets for partitions, sent to each partition's leader. `timestamp` -2 = earliest,
   * -1 = latest, else the first offset with a timestamp at or after it (-1 offset = none).
   */
  async listOffsets(partitions: {topic: string; partition: number}[], timestamp: bigint | ((tp: {topic: string; partition: number}) => bigint)): Promise<Map<string, bigint>> {
    const md = await this.metadata([...new Set(partitions.map((p) => p.topic))])
    const leaders = new Map<number, {topic: string; partition: number}[]>()
    const out = new Map<string, bigint>()
    for (const tp of partitions) {
      const topic = md.topics.find((t) => t.name === tp.topic)
      const leader = topic?.partitions.find((p) => p.partition === tp.partition)?.leader ?? -1
      if (leader < 0) continue
      leaders.set(leader, [...(leaders.get(leader) ?? []), tp])
    }
    await Promise.all([...leaders].map(async ([leader, tps]) => {
      const conn = await this.connTo(leader)
      const byTopic = new Map<string, {topic: string; partition: number}[]>()
      for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp])
      const res = await conn.request<{topics: {name: string; partitions: {partitionIndex: number; errorCode: number; offset: bigint; oldStyleOffsets: bigint[]}[]}[]}>(API.LIST_OFFSETS, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...byTopic].map(([name, list]) => ({
          name,
          partitions: list.map((tp) => ({partitionIndex: tp.partition, currentLeaderEpoch: -1, timestamp: typeof timestamp === 'function' ? timestamp(tp) : timestamp, maxNumOffsets: 1})),
        })),
      // v3 carries all the tools need; librdkafka's mock cluster (used as an independent broker
      // in tests) answers v4+ without the leader epoch.
      }, 3)
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) continue
          const offset = p.offset ?? p.oldStyleOffsets?.[0] ?? -1n
          out.set(`${t.name}:${p.partitionIndex}`, BigInt(offset))
        }
      }
    }))
    return out
  }

  // ---- groups ----

  async coordinator(groupId: string): Promise<{conn: KafkaConnection; node: BrokerNode}> {
    for (let attempt = 0; ; attempt++) {
      const v = this.bootstrap.version(API.FIND_COORDINATOR) ?? 0
      const res = await this.bootstrap.request<{errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number; coordinators: {key: string; nodeId: number; host: string; port: number; errorCode: number; errorMessage: string | null}[]}>(
        API.FIND_COORDINATOR, {key: groupId, keyType: 0, coordinatorKeys: [groupId]},
      )
      const c = v >= 4 ? res.coordinators[0]! : res
      // The coordinator may still be loading; Kafka's admin retries these.
      if ((c.errorCode === 15 || c.errorCode === 14) && attempt < 20) {
        await sleep(250)
        continue
      }
      check(c.errorCode, c.errorMessage)
      const node = {nodeId: c.nodeId, host: c.host, port: c.port, rack: null}
      if (!this.brokers.some((b) => b.nodeId === node.nodeId)) this.brokers.push(node)
      return {conn: await this.connTo(c.nodeId), node}
    }
  }

  async listGroups(states: string[] = []): Promise<ListedGroup[]> {
    if (this.brokers.length === 0) await this.metadata([])
    const all: ListedGroup[] = []
    for (const b of this.brokers) {
      const conn = await this.connTo(b.nodeId)
      const res = await conn.request<{errorCode: number; groups: {groupId: string; protocolType: string; groupState: string}[]}>(
        API.LIST_GROUPS, {statesFilter: states, typesFilter: []},
      )
      check(res.errorCode)
      all.push(...res.groups.map((g) => ({groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState ?? ''})))
    }
    return all
  }

  async describeGroup(groupId: string): Promise<{group: DescribedGroup; coordinator: BrokerNode}> {
    const {conn, node} = await this.coordinator(groupId)
    const res = await conn.request<{groups: DescribedGroup[]}>(API.DESCRIBE_GROUPS, {groups: [groupId], includeAuthorizedOperations: false})
    const g = res.groups[0]!
    check(g.errorCode)
    return {group: g, coordinator: node}
  }

  /** Committed offsets of a group: `topic:partition` → offset (-1 = none). */
  async fetchOffsets(groupId: string): Promise<Map<string, bigint>> {
    const {conn} = await this.coordinator(groupId)
    const v = conn.version(API.OFFSET_FETCH, 9) ?? 0
    const body = v >= 8
      ? {groups: [{groupId, memberId: null, memberEpoch: -1, topics: null}], requireStable: false}
      : {groupId, topics: null, requireStable: false}
    const res = await conn.request<{
      errorCode: number
      topics: {name: string; partitions: {partitionIndex: number; committedOffset: bigint; errorCode: number}[]}[]
      groups: {groupId: string; errorCode: number; topics: {name: string; partitions: {partitionIndex: number; committedOffset: bigint; errorCode: number}[]}[]}[]
    }>(API.OFFSET_FETCH, body, 9)
    const group = v >= 8 ? res.groups[0]! : res
    check(group.errorCode)
    const out = new Map<string, bigint>()
    for (const t of group.topics) {
      for (const p of t.partitions) if (p.errorCode === 0 && p.committedOffset >= 0n) out.set(`${t.name}:${p.partitionIndex}`, p.committedOffset)
    }
    return out
  }

  async commitOffsets(groupId: string, offsets: {topic: string; partition: number; offset: bigint}[]): Promise<void> {
    const {conn} = await this.coordinator(groupId)
    const byTopic = new Map<string, {partition: number; offset: bigint}[]>()
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o])
    const res = await conn.request<{topics: {name: string; partitions: {partitionIndex: number; errorCode: number}[]}[]}>(API.OFFSET_COMMIT, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: ''})),
      })),
    })
    for (const t of res.topics) for (const p of t.partitions) check(p.errorCode)
  }

  async deleteGroups(groupIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (const g of groupIds) {
      try {
        const {conn} = await this.coordinator(g)
        const res = await conn.request<{results: {groupId: string; errorCode: number}[]}>(API.DELETE_GROUPS, {groupsNames: [g]})
        out.set(g, res.results[0]?.errorCode ?? 0)
      } catch (error) {
        const code = (error as {code?: number}).code
        if (code === undefined) throw error
        out.set(g, code)
      }
    }
    return out
  }

  /** OffsetDelete: the top-level error code and per-partition codes. */
  async deleteOffsets(groupId: string, partitions: {topic: string; partition: number}[]): Promise<{errorCode: number; partitions: Map<string, number>}> {
    const {conn} = await this.coordinator(groupId)
    const byTopic = new Map<string, number[]>()
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
    const res = await conn.request<{errorCode: number; topics: {name: string; partitions: {partitionIndex: number; errorCode: number}[]}[]}>(API.OFFSET_DELETE, {
      groupId,
      topics: [...byTopic].map(([name, ps]) => ({name, partitions: ps.map((partitionIndex) => ({partitionIndex}))})),
    })
    const out = new Map<string, number>()
    for (const t of res.topics) for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, p.errorCode)
    return {errorCode: res.errorCode, partitions: out}
  }
}

export {kafkaError}
