// What kafka-consumer-groups asks of the cluster (3.7's ConsumerGroupService), returning typed
// results; group-format.ts turns them into Kafka's text. Runs over ktool's AdminClient because
// kafkajs cannot filter groups by state, delete single offsets, or show the coordinator.
import {KafkaUsageError} from '../../cli/kafka-options.js'
import type {AdminClient, DescribedGroup} from '../admin/admin-client.js'
import {exceptionClass, kafkaError} from '../admin/errors.js'
import {KafkaApiError} from '../admin/types.js'
import {parseTopicArg, type GroupOptions} from './group-options.js'

export interface TopicPartition {
  topic: string
  partition: number
}

const tpKey = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`
const tpName = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`

/** An error Kafka's tool prints as "\nError: <message>" on stdout (exit 0). */
export class GroupCommandError extends Error {
  override name = 'GroupCommandError'
}

export interface OffsetRow {
  group: string
  topic: string
  partition: number
  currentOffset: bigint | null
  logEndOffset: bigint | null
  lag: bigint | null
  consumerId: string
  host: string
  clientId: string
}

export interface MemberRow {
  group: string
  consumerId: string
  groupInstanceId: string | null
  host: string
  clientId: string
  partitions: TopicPartition[]
}

export interface GroupStateRow {
  group: string
  coordinator: string
  assignmentStrategy: string
  state: string
  members: number
}

export interface DescribedGroupResult {
  group: string
  state: string
  offsets: OffsetRow[]
  members: MemberRow[]
  summary: GroupStateRow
}

/** Decodes a ConsumerProtocol assignment: version, [topic, [partition]], user data. */
export function decodeAssignment(buf: Buffer | null): TopicPartition[] {
  if (!buf || buf.length < 6) return []
  const out: TopicPartition[] = []
  let p = 2
  const topics = buf.readInt32BE(p)
  p += 4
  for (let i = 0; i < topics && p < buf.length; i++) {
    const len = buf.readInt16BE(p)
    p += 2
    const topic = buf.toString('utf8', p, p + len)
    p += len
    const n = buf.readInt32BE(p)
    p += 4
    for (let j = 0; j < n; j++, p += 4) out.push({topic, partition: buf.readInt32BE(p)})
  }
  return out
}

export class GroupService {
  /** io.warn: a WARN log line (stderr); io.out: a line on stdout ("\nError: ..." notes). */
  constructor(private readonly admin: AdminClient, private readonly o: GroupOptions, private readonly io: {warn(line: string): void; out(line: string): void}) {}

  private warn(line: string): void {
    this.io.warn(line)
  }

  private printError(message: string): void {
    this.io.out(`\nError: ${message}`)
  }

  async listGroups(states?: string[]): Promise<{groupId: string; state: string}[]> {
    const groups = await this.admin.listGroups(states ?? [])
    return groups
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .filter((g) => !states || states.length === 0 || states.includes(g.groupState))
      .map((g) => ({groupId: g.groupId, state: g.groupState}))
  }

  async groupIds(): Promise<string[]> {
    return this.o.allGroups ? (await this.listGroups()).map((g) => g.groupId) : this.o.groups
  }

  private async endOffsets(tps: TopicPartition[], spec: bigint): Promise<Map<string, bigint>> {
    return tps.length === 0 ? new Map() : this.admin.listOffsets(tps, spec)
  }

  async describe(groupId: string): Promise<DescribedGroupResult> {
    let described
    try {
      described = await this.admin.describeGroup(groupId)
    } catch (error) {
      // Kafka's brokers answer an unknown group with state Dead; some reply GROUP_ID_NOT_FOUND.
      if (!(error instanceof KafkaApiError) || error.code !== 69) throw error
      const none = {group: groupId, coordinator: '', assignmentStrategy: '', state: 'Dead', members: 0}
      return {group: groupId, state: 'Dead', offsets: [], members: [], summary: none}
    }
    const {group, coordinator} = described
    const summary: GroupStateRow = {
      group: groupId,
      coordinator: `${coordinator.host}:${coordinator.port} (${coordinator.nodeId})`,
      assignmentStrategy: group.protocolData,
      state: group.groupState,
      members: group.members.length,
    }
    const isConsumer = group.protocolType === 'consumer' || group.protocolType === ''
    const members: MemberRow[] = group.members.map((m) => ({
      group: groupId,
      consumerId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      host: m.clientHost,
      clientId: m.clientId,
      partitions: isConsumer ? decodeAssignment(m.memberAssignment) : [],
    }))
    const offsets = group.groupState === 'Dead' ? [] : await this.offsetRows(groupId, group, members)
    return {group: groupId, state: group.groupState, offsets, members, summary}
  }

  private async offsetRows(groupId: string, _group: DescribedGroup, members: MemberRow[]): Promise<OffsetRow[]> {
    const committed = await this.admin.fetchOffsets(groupId)
    const withPartitions = members.filter((m) => m.partitions.length > 0).sort((a, b) => b.partitions.length - a.partitions.length)
    const assigned = new Set<string>()
    const owned: {tp: TopicPartition; m: MemberRow | null}[] = []
    for (const m of withPartitions) {
      for (const tp of [...m.partitions].sort((a, b) => a.partition - b.partition)) {
        assigned.add(tpKey(tp))
        owned.push({tp, m})
      }
    }
    const orphans = [...committed.keys()].filter((k) => !assigned.has(k)).map((k) => {
      const i = k.lastIndexOf(':')
      return {topic: k.slice(0, i), partition: Number(k.slice(i + 1))}
    }).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
    for (const tp of orphans) owned.push({tp, m: null})
    const ends = await this.endOffsets(owned.map((x) => x.tp), -1n)
    return owned.map(({tp, m}) => {
      const current = committed.get(tpKey(tp)) ?? null
      const end = ends.get(tpKey(tp)) ?? null
      return {
        group: groupId,
        topic: tp.topic,
        partition: tp.partition,
        currentOffset: current,
        logEndOffset: end,
        lag: current !== null && end !== null ? end - current : null,
        consumerId: m?.consumerId ?? '-',
        host: m?.host ?? '-',
        clientId: m?.clientId ?? '-',
      }
    })
  }

  async deleteGroups(): Promise<{ok: string[]; failed: {group: string; error: string}[]}> {
    const ids = await this.groupIds()
    const res = await this.admin.deleteGroups(ids)
    const ok: string[] = []
    const failed: {group: string; error: string}[] = []
    for (const g of ids) {
      const code = res.get(g) ?? 0
      if (code === 0) ok.push(g)
      else {
        const e = kafkaError(code)
        failed.push({group: g, error: `java.util.concurrent.ExecutionException: ${e.exceptionClass}: ${e.message}`})
      }
    }
    return {ok, failed}
  }

  private async topicPartitions(args: string[]): Promise<TopicPartition[]> {
    const out: TopicPartition[] = []
    const whole: string[] = []
    for (const a of args) {
      const t = parseTopicArg(a)
      if (t.partitions) out.push(...t.partitions.map((partition) => ({topic: t.topic, partition})))
      else whole.push(t.topic)
    }
    if (whole.length > 0) {
      const md = await this.admin.metadata(whole)
      for (const topic of whole) {
        const info = md.topics.find((t) => t.name === topic && t.errorCode === 0)
        if (!info) throw kafkaError(3)
        for (const p of [...info.partitions].sort((a, b) => a.partition - b.partition)) out.push({topic, partition: p.partition})
      }
    }
    return out
  }

  /** The reset plan of each group (reference §5.9); executes it with --execute. */
  async resetOffsets(): Promise<Map<string, {tp: TopicPartition; offset: bigint}[]>> {
    const result = new Map<string, {tp: TopicPartition; offset: bigint}[]>()
    const ids = await this.groupIds()
    const plan = this.o.scenario === 'from-file' ? await this.readPlan() : undefined
    for (const groupId of ids) {
      const {group} = await this.admin.describeGroup(groupId)
      if (group.groupState !== 'Empty' && group.groupState !== 'Dead') {
        this.printError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.groupState}.`)
        result.set(groupId, [])
        continue
      }
      let tps: TopicPartition[] = []
      if (this.o.allTopics) {
        tps = [...(await this.admin.fetchOffsets(groupId)).keys()].map((k) => {
          const i = k.lastIndexOf(':')
          return {topic: k.slice(0, i), partition: Number(k.slice(i + 1))}
        })
      } else if (this.o.topics.length > 0) tps = await this.topicPartitions(this.o.topics)
      else if (this.o.scenario !== 'from-file') throw new KafkaUsageError('One of the reset scopes should be defined: --all-topics, --topic.')
      tps.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
      const prepared = await this.prepare(groupId, tps, plan)
      if (this.o.execute && prepared.length > 0) await this.admin.commitOffsets(groupId, prepared.map((x) => ({...x.tp, offset: x.offset})))
      result.set(groupId, prepared)
    }
    return result
  }

  private async readPlan(): Promise<Map<string, Map<string, bigint>>> {
    const {readFile} = await import('node:fs/promises')
    const text = await readFile(this.o.scenarioValue!, 'utf8')
    const plan = new Map<string, Map<string, bigint>>()
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue
      const cols = line.split(',').map((c) => c.trim())
      let group: string
      let rest: string[]
      if (cols.length === 3 && this.o.groups.length === 1) {
        group = this.o.groups[0]!
        rest = cols
      } else if (cols.length === 4) {
        group = cols[0]!
        rest = cols.slice(1)
      } else throw new Error(`Invalid reset plan line: ${line}`)
      const [topic, partition, offset] = rest as [string, string, string]
      if (!/^\d+$/.test(partition) || !/^-?\d+$/.test(offset)) throw new Error(`Invalid reset plan line: ${line}`)
      const m = plan.get(group) ?? new Map<string, bigint>()
      plan.set(group, m)
      m.set(`${topic}:${partition}`, BigInt(offset))
    }
    return plan
  }

  private async prepare(groupId: string, tps: TopicPartition[], plan: Map<string, Map<string, bigint>> | undefined): Promise<{tp: TopicPartition; offset: bigint}[]> {
    const s = this.o.scenario
    if (!s) {
      throw new KafkaUsageError(`Option '[reset-offsets]' requires one of the following scenarios: HashSet(${['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'from-file'].map((x) => `[${x}]`).join(', ')})`)
    }
    const v = this.o.scenarioValue
    const starts = async (list: TopicPartition[]) => this.endOffsets(list, -2n)
    const ends = async (list: TopicPartition[]) => this.endOffsets(list, -1n)
    const clamp = async (list: {tp: TopicPartition; offset: bigint}[]) => {
      const lo = await starts(list.map((x) => x.tp))
      const hi = await ends(list.map((x) => x.tp))
      return list.map(({tp, offset}) => {
        const end = hi.get(tpKey(tp))
        const start = lo.get(tpKey(tp))
        if (end !== undefined && offset > end) {
          this.warn(`New offset (${offset}) is higher than latest offset for topic partition ${tpName(tp)}. Value will be set to ${end}`)
          return {tp, offset: end}
        }
        if (start !== undefined && offset < start) {
          this.warn(`New offset (${offset}) is lower than earliest offset for topic partition ${tpName(tp)}. Value will be set to ${start}`)
          return {tp, offset: start}
        }
        return {tp, offset}
      })
    }
    const byTimestamp = async (ts: number) => {
      const found = await this.endOffsets(tps, BigInt(ts))
      const latest = await ends(tps)
      return tps.map((tp) => {
        const o = found.get(tpKey(tp))
        if (o !== undefined && o >= 0n) return {tp, offset: o}
        this.io.out(`\nWarn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`)
        return {tp, offset: latest.get(tpKey(tp)) ?? 0n}
      })
    }
    switch (s) {
      case 'to-earliest': {
        const m = await starts(tps)
        return tps.map((tp) => ({tp, offset: m.get(tpKey(tp)) ?? 0n}))
      }
      case 'to-latest': {
        const m = await ends(tps)
        return tps.map((tp) => ({tp, offset: m.get(tpKey(tp)) ?? 0n}))
      }
      case 'to-offset':
        return clamp(tps.map((tp) => ({tp, offset: BigInt(v!)})))
      case 'shift-by': {
        const committed = await this.admin.fetchOffsets(groupId)
        return clamp(tps.map((tp) => {
          const c = committed.get(tpKey(tp))
          if (c === undefined) throw new KafkaUsageError(`Cannot shift offset for partition ${tpName(tp)} since there is no current committed offset`)
          return {tp, offset: c + BigInt(v!)}
        }))
      }
      case 'to-current': {
        const committed = await this.admin.fetchOffsets(groupId)
        const latest = await ends(tps.filter((tp) => !committed.has(tpKey(tp))))
        return tps.map((tp) => ({tp, offset: committed.get(tpKey(tp)) ?? latest.get(tpKey(tp)) ?? 0n}))
      }
      case 'to-datetime':
        return byTimestamp(parseKafkaDateTime(v!))
      case 'by-duration':
        return byTimestamp(Date.now() - parseIsoDuration(v!))
      case 'from-file': {
        const forGroup = plan!.get(groupId)
        if (!forGroup) {
          this.printError(`No reset plan for group ${groupId} found`)
          return []
        }
        return clamp([...forGroup].map(([k, offset]) => {
          const i = k.lastIndexOf(':')
          return {tp: {topic: k.slice(0, i), partition: Number(k.slice(i + 1))}, offset}
        }))
      }
    }
  }

  async deleteOffsets(): Promise<{topLevel: number; partitions: {tp: TopicPartition; error: string | null}[]}> {
    const groupId = this.o.groups[this.o.groups.length - 1]!
    const rows: {tp: TopicPartition; error: string | null}[] = []
    const known: TopicPartition[] = []
    const whole: string[] = []
    for (const a of this.o.topics) {
      const t = parseTopicArg(a)
      if (t.partitions) known.push(...t.partitions.map((partition) => ({topic: t.topic, partition})))
      else whole.push(t.topic)
    }
    if (whole.length > 0) {
      const md = await this.admin.metadata(whole)
      for (const topic of whole) {
        const info = md.topics.find((t) => t.name === topic && t.errorCode === 0)
        if (!info) {
          const e = kafkaError(3)
          rows.push({tp: {topic, partition: -1}, error: `${e.exceptionClass}: ${e.message}`})
          continue
        }
        for (const p of info.partitions) known.push({topic, partition: p.partition})
      }
    }
    let topLevel = 0
    let codes = new Map<string, number>()
    try {
      const r = await this.admin.deleteOffsets(groupId, known)
      topLevel = r.errorCode
      codes = r.partitions
    } catch (error) {
      if (!(error instanceof KafkaApiError)) throw error
      topLevel = error.code
    }
    for (const tp of known) {
      // A top-level error fails every partition with it, as Kafka's admin client does.
      const code = topLevel !== 0 ? topLevel : codes.get(tpKey(tp)) ?? 0
      rows.push({tp, error: code === 0 ? null : `${exceptionClass(code)}: ${kafkaError(code).message}`})
    }
    if (topLevel === 0 && [...codes.values()].some((c) => c !== 0)) topLevel = [...codes.values()].find((c) => c !== 0)!
    return {topLevel, partitions: rows}
  }
}

/** Kafka's Utils.getDateTime: yyyy-MM-ddTHH:mm:ss.SSS with an optional zone; none means UTC. */
export function parseKafkaDateTime(text: string): number {
  const bad = () => new Error(`Unparseable date: "${text}"`)
  const parts = text.split('T')
  if (parts.length < 2) throw new Error(`Error parsing timestamp. It does not contain a 'T' according to ISO8601 format: ${text}`)
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text)
  if (!m) throw bad()
  const zone = m[8] ?? 'Z'
  let offsetMin = 0
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0))
  }
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!)
  if (Number.isNaN(ms)) throw bad()
  return ms - offsetMin * 60_000
}

/** java.time.Duration.parse: PnDTnHnMn.nS, with optional sign. Returns milliseconds. */
export function parseIsoDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{1,9})?)S)?)?$/i.exec(text)
  if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined) || /T$/i.test(text)) {
    throw new Error('Text cannot be parsed to a Duration')
  }
  const ms = (Number(m[2] ?? 0) * 86_400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number((m[5] ?? '0').replace(',', '.'))) * 1000
  return m[1] === '-' ? -ms : ms
}
