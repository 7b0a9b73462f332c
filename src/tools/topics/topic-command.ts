// What kafka-topics does for each action (3.7's TopicCommand.TopicService), over TopicAdmin.
// Each action returns the lines Kafka prints on stdout; failures throw TopicCommandError, which
// the command prints as "Error while executing topic command : <message>" with exit 1.
import type {ClusterMetadata, ConfigEntry, NewTopic, TopicInfo} from '../admin/types.js'
import {KafkaApiError, ZERO_UUID} from '../admin/types.js'
import {parseTopicConfigs} from './topic-configs.js'
import {COLLISION_WARNING, hasCollisionChars, includeListMatcher, invalidTopicName, isInternalTopic} from './topic-names.js'
import {parseReplicaAssignment, type TopicOptions} from './topic-options.js'

export class TopicCommandError extends Error {
  override name = 'TopicCommandError'
}

/** The cluster operations kafka-topics needs; errors carry Kafka's message texts. */
export interface TopicAdmin {
  metadata(topics: string[] | null): Promise<ClusterMetadata>
  describeTopicConfigs(topics: string[]): Promise<Map<string, ConfigEntry[]>>
  createTopic(topic: NewTopic): Promise<void>
  createPartitions(topic: string, count: number, assignments: number[][] | undefined): Promise<void>
  deleteTopics(topics: string[]): Promise<void>
  /** Partitions being reassigned: adding/removing replicas. Empty when the cluster cannot tell. */
  reassignments(topics: string[]): Promise<Map<string, {adding: number[]; removing: number[]}>>
}

/** Topic names matching --topic (a regex), sorted, internal ones dropped with --exclude-internal. */
export async function matchingTopics(admin: TopicAdmin, filter: string | undefined, excludeInternal: boolean): Promise<string[]> {
  const md = await admin.metadata(null)
  const names = md.topics.filter((t) => !(excludeInternal && (t.internal || isInternalTopic(t.name)))).map((t) => t.name).sort()
  if (filter === undefined) return names
  let match: (t: string) => boolean
  try {
    match = includeListMatcher(filter)
  } catch (error) {
    throw new TopicCommandError((error as Error).message)
  }
  return names.filter(match)
}

function ensureTopicExists(found: string[], requested: string | undefined, required: boolean): void {
  if (requested && required && found.length === 0) throw new TopicCommandError(`Topic '${requested}' does not exist as expected`)
}

export async function listTopics(admin: TopicAdmin, o: TopicOptions): Promise<string[]> {
  // Kafka prints the names joined by newlines plus one newline, so nothing matching is one empty line.
  return [(await matchingTopics(admin, o.topic, o.excludeInternal)).join('\n')]
}

export async function createTopic(admin: TopicAdmin, o: TopicOptions, print: (line: string) => void): Promise<void> {
  const name = o.topic!
  if (hasCollisionChars(name)) print(COLLISION_WARNING)
  const fail = (m: string): never => { throw new TopicCommandError(m) }
  const configs = (() => {
    try {
      return parseTopicConfigs(o.configs)
    } catch (error) {
      return fail((error as Error).message)
    }
  })()
  let assignments: number[][] | undefined
  if (o.replicaAssignment !== undefined) {
    try {
      assignments = parseReplicaAssignment(o.replicaAssignment)
    } catch (error) {
      fail((error as Error).message)
    }
  }
  const rf = o.replicationFactor
  if (rf !== undefined && (rf < 1 || rf > 32767)) fail('The replication factor must be between 1 and 32767 inclusive')
  if (o.partitions !== undefined && o.partitions < 1) fail('The partitions must be greater than 0')
  const invalid = invalidTopicName(name)
  if (invalid) fail(invalid)
  try {
    await admin.createTopic({
      name,
      numPartitions: assignments ? -1 : o.partitions ?? -1,
      replicationFactor: assignments ? -1 : rf ?? -1,
      assignments,
      configs,
    })
  } catch (error) {
    if (!(error instanceof KafkaApiError) || error.errorName !== 'TOPIC_ALREADY_EXISTS') throw error
    if (o.ifNotExists) return
    // Kafka's brokers word it so; a broker that sent no message gets the same text.
    throw new KafkaApiError(error.code, error.errorName, `Topic '${name}' already exists.`, error.exceptionClass)
  }
  print(`Created topic ${name}.`)
}

export async function alterTopic(admin: TopicAdmin, o: TopicOptions): Promise<void> {
  const topics = await matchingTopics(admin, o.topic, o.excludeInternal)
  ensureTopicExists(topics, o.topic, !o.ifExists)
  if (topics.length === 0) return
  let assignments: number[][] | undefined
  if (o.replicaAssignment !== undefined) {
    try {
      assignments = parseReplicaAssignment(o.replicaAssignment)
    } catch (error) {
      throw new TopicCommandError((error as Error).message)
    }
  }
  const md = assignments ? await admin.metadata(topics) : undefined
  for (const topic of topics) {
    // With an assignment, Kafka sends only the lists of the partitions being added.
    const existing = md?.topics.find((t) => t.name === topic)?.partitions.length ?? 0
    await admin.createPartitions(topic, o.partitions!, assignments?.slice(existing, o.partitions!))
  }
}

export async function deleteTopics(admin: TopicAdmin, o: TopicOptions): Promise<void> {
  const topics = await matchingTopics(admin, o.topic, o.excludeInternal)
  ensureTopicExists(topics, o.topic, !o.ifExists)
  if (topics.length > 0) await admin.deleteTopics(topics)
}

export interface PartitionDescription {
  topic: string
  partition: number
  leader: number | null
  replicas: number[]
  isr: number[]
  reassignment?: {adding: number[]; removing: number[]}
}

export interface TopicDescription {
  name: string
  topicId: string
  partitionCount: number
  replicationFactor: number
  configs: ConfigEntry[]
  partitions: PartitionDescription[]
}

function replicationFactorOf(p: PartitionDescription): number {
  // Replicas being added by a reassignment do not count.
  return p.replicas.length - (p.reassignment?.adding.length ?? 0)
}

export async function describeTopicsData(admin: TopicAdmin, o: TopicOptions): Promise<{topics: TopicDescription[]; liveBrokers: Set<number>}> {
  let names: string[]
  const byId = o.topicId !== undefined && o.topicId !== ZERO_UUID
  const all = await admin.metadata(null)
  if (byId) {
    const t = all.topics.find((x) => x.topicId === o.topicId && !(o.excludeInternal && x.internal))
    if (!t && !o.ifExists) throw new TopicCommandError(`TopicId '${o.topicId}' does not exist as expected`)
    names = t ? [t.name] : []
  } else {
    names = await matchingTopics(admin, o.topic, o.excludeInternal)
    ensureTopicExists(names, o.topic, !o.ifExists)
  }
  if (names.length === 0) return {topics: [], liveBrokers: new Set()}
  const md = await admin.metadata(names)
  const configs = await admin.describeTopicConfigs(names)
  const reassignments = await admin.reassignments(names).catch(() => new Map<string, {adding: number[]; removing: number[]}>())
  const infos = new Map<string, TopicInfo>(md.topics.map((t) => [t.name, t]))
  const topics: TopicDescription[] = []
  for (const name of names) {
    const info = infos.get(name)
    if (!info || info.partitions.length === 0) continue
    const partitions = [...info.partitions].sort((a, b) => a.partition - b.partition).map((p): PartitionDescription => ({
      topic: name,
      partition: p.partition,
      leader: p.leader < 0 ? null : p.leader,
      replicas: p.replicas,
      isr: p.isr,
      reassignment: reassignments.get(`${name}-${p.partition}`),
    }))
    topics.push({
      name,
      topicId: info.topicId,
      partitionCount: partitions.length,
      replicationFactor: replicationFactorOf(partitions[0]!),
      configs: configs.get(name) ?? [],
      partitions,
    })
  }
  return {topics, liveBrokers: new Set(md.brokers.map((b) => b.nodeId))}
}

export function topicLine(t: TopicDescription): string {
  const configs = t.configs.filter((c) => !c.isDefault).map((c) => `${c.name}=${c.value}`).join(',')
  const id = t.topicId && t.topicId !== ZERO_UUID ? `\tTopicId: ${t.topicId}` : ''
  return `Topic: ${t.name}${id}\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${configs}`
}

export function partitionLine(p: PartitionDescription): string {
  let line = `\tTopic: ${p.topic}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`
  if (p.reassignment) line += `\tAdding Replicas: ${p.reassignment.adding.join(',')}\tRemoving Replicas: ${p.reassignment.removing.join(',')}`
  return line
}

/** The lines of `--describe`, honouring the report flags (reference §2.4). */
export function describeLines(data: {topics: TopicDescription[]; liveBrokers: Set<number>}, o: TopicOptions): string[] {
  const describeConfigs = !o.unavailable && !o.underReplicated && !o.underMinIsr && !o.atMinIsr
  const describePartitions = !o.topicsWithOverrides
  const lines: string[] = []
  for (const t of [...data.topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (describeConfigs) {
      const hasNonDefault = t.configs.some((c) => !c.isDefault)
      if (!o.topicsWithOverrides || hasNonDefault) lines.push(topicLine(t))
    }
    if (!describePartitions) continue
    const minIsrEntry = t.configs.find((c) => c.name === 'min.insync.replicas')
    const minIsr = minIsrEntry?.value != null ? Number(minIsrEntry.value) : undefined
    for (const p of t.partitions) {
      const hasLeader = p.leader !== null
      const show = describeConfigs
        || (o.underReplicated && replicationFactorOf(p) - p.isr.length > 0)
        || (o.unavailable && (!hasLeader || !data.liveBrokers.has(p.leader!)))
        || (o.underMinIsr && (!hasLeader || (minIsr !== undefined && p.isr.length < minIsr)))
        || (o.atMinIsr && minIsr !== undefined && minIsr === p.isr.length)
      if (show) lines.push(partitionLine(p))
    }
  }
  return lines
}
