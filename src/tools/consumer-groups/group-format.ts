// kafka-consumer-groups' text layouts (3.7, reference §5.4-5.10), and the table/JSON views
// offered to humans behind --output. Kafka prints each line of a block as "\n" + line and ends the
// block with a newline, i.e. an empty line, then the header and rows.
import type {DescribedGroupResult, GroupStateRow, MemberRow, OffsetRow, TopicPartition} from './group-service.js'

/** Java's %-Ns. */
const pad = (s: string, w: number) => s.padEnd(w)
const widest = (values: string[], min: number) => Math.max(min, ...values.map((v) => v.length))
const dash = (v: bigint | null) => (v === null ? '-' : String(v))

export function listLines(groups: string[]): string[] {
  return groups
}

export function listWithStateLines(rows: {groupId: string; state: string}[]): string[] {
  const w = widest(rows.map((r) => r.groupId), 15)
  return [`${pad('GROUP', w)} STATE`, ...rows.map((r) => `${pad(r.groupId, w)} ${r.state}`)]
}

/** The block of `--describe [--offsets]` for one group (empty when there are no rows). */
export function offsetLines(rows: OffsetRow[]): string[] {
  if (rows.length === 0) return []
  const g = widest(rows.map((r) => r.group), 15)
  const t = widest(rows.map((r) => r.topic), 15)
  const c = widest(rows.map((r) => r.consumerId), 15)
  const h = widest(rows.map((r) => r.host), 15)
  const line = (f: string[]) => `${pad(f[0]!, g)} ${pad(f[1]!, t)} ${pad(f[2]!, 10)} ${pad(f[3]!, 15)} ${pad(f[4]!, 15)} ${pad(f[5]!, 15)} ${pad(f[6]!, c)} ${pad(f[7]!, h)} ${f[8]}`
  return ['', line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']),
    ...rows.map((r) => line([r.group, r.topic, String(r.partition), dash(r.currentOffset), dash(r.logEndOffset), dash(r.lag), r.consumerId, r.host, r.clientId]))]
}

export function assignmentText(tps: TopicPartition[]): string {
  if (tps.length === 0) return '-'
  const byTopic = new Map<string, number[]>()
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  return [...byTopic].map(([topic, ps]) => `${topic}(${ps.sort((a, b) => a - b).join(',')})`).sort().join(', ')
}

/** The block of `--describe --members [--verbose]`. */
export function memberLines(rows: MemberRow[], verbose: boolean): string[] {
  if (rows.length === 0) return []
  const g = widest(rows.map((r) => r.group), 15)
  const c = widest(rows.map((r) => r.consumerId), 15)
  const withInstance = rows.some((r) => r.groupInstanceId !== null)
  const i = widest(rows.map((r) => r.groupInstanceId ?? ''), 17)
  const h = widest(rows.map((r) => r.host), 15)
  const l = widest(rows.map((r) => r.clientId), 15)
  const line = (f: string[], last: string | undefined) =>
    `${pad(f[0]!, g)} ${pad(f[1]!, c)} ${withInstance ? `${pad(f[2]!, i)} ` : ''}${pad(f[3]!, h)} ${pad(f[4]!, l)} ${pad(f[5]!, 15)} ${last ?? ''}`
  return ['', line(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], verbose ? 'ASSIGNMENT' : undefined),
    ...rows.map((r) => line([r.group, r.consumerId, r.groupInstanceId ?? '', r.host, r.clientId, String(r.partitions.length)], verbose ? assignmentText(r.partitions) : undefined))]
}

/** The block of `--describe --state`: the GROUP column takes the coordinator column's width. */
export function stateLines(row: GroupStateRow): string[] {
  const w = Math.max(25, row.coordinator.length)
  const line = (f: string[]) => `${pad(f[0]!, w)} ${pad(f[1]!, 25)} ${pad(f[2]!, 20)} ${pad(f[3]!, 15)} ${f[4]}`
  return ['', line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']),
    line([row.group, row.coordinator, row.assignmentStrategy, row.state, String(row.members)])]
}

export function resetLines(plan: Map<string, {tp: TopicPartition; offset: bigint}[]>): string[] {
  if (plan.size === 0) return ['']
  const line = (f: string[]) => `${pad(f[0]!, 30)} ${pad(f[1]!, 30)} ${pad(f[2]!, 10)} ${pad(f[3]!, 15)}`
  const out = ['', line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])]
  for (const [group, rows] of plan) for (const r of rows) out.push(line([group, r.tp.topic, String(r.tp.partition), String(r.offset)]))
  return out
}

/** --export: CSV without a header; the group column only when several groups were asked for. */
export function exportLines(plan: Map<string, {tp: TopicPartition; offset: bigint}[]>, singleGroup: boolean): string[] {
  const out: string[] = []
  for (const [group, rows] of plan) {
    for (const r of rows) out.push(singleGroup ? `${r.tp.topic},${r.tp.partition},${r.offset}` : `${group},${r.tp.topic},${r.tp.partition},${r.offset}`)
  }
  return [...out, '']
}

export function deleteOffsetsLines(rows: {tp: TopicPartition; error: string | null}[]): string[] {
  const line = (f: string[]) => `${pad(f[0]!, 30)} ${pad(f[1]!, 15)} ${pad(f[2]!, 15)}`
  const sorted = [...rows].sort((a, b) => {
    const ka = a.tp.topic + String(a.tp.partition)
    const kb = b.tp.topic + String(b.tp.partition)
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })
  return ['', line(['TOPIC', 'PARTITION', 'STATUS']),
    ...sorted.map((r) => line([r.tp.topic, r.tp.partition >= 0 ? String(r.tp.partition) : 'Not Provided', r.error === null ? 'Successful' : `Error: ${r.error}`]))]
}

/** --output json: one object per group with the rows of the chosen view. */
export function describeJson(results: DescribedGroupResult[], mode: 'offsets' | 'members' | 'state'): string {
  const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)
  const data = results.map((r) => ({
    group: r.group,
    state: r.state,
    ...(mode === 'offsets' ? {offsets: r.offsets} : mode === 'members' ? {members: r.members} : {coordinator: r.summary.coordinator, assignmentStrategy: r.summary.assignmentStrategy, members: r.summary.members}),
  }))
  return JSON.stringify(data, replacer, 2)
}
