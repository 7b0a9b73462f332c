// kafka-topics' argument checks, in TopicCommandOptions.checkArgs order (reference §2.1):
// exactly one action, then the required arguments, then the option/action combinations.
import {KafkaUsageError, type ParsedOptions} from '../../cli/kafka-options.js'
import {ToolError} from '../../cli/kafka-command.js'

export type TopicAction = 'create' | 'list' | 'describe' | 'alter' | 'delete'
const ACTIONS: TopicAction[] = ['create', 'list', 'alter', 'describe', 'delete']

export interface TopicOptions {
  action: TopicAction
  bootstrapServer?: string
  zookeeper?: string
  commandConfig?: string
  topic?: string
  topicId?: string
  partitions?: number
  replicationFactor?: number
  replicaAssignment?: string
  configs: string[]
  deleteConfigs: string[]
  ifExists: boolean
  ifNotExists: boolean
  excludeInternal: boolean
  underReplicated: boolean
  underMinIsr: boolean
  atMinIsr: boolean
  unavailable: boolean
  topicsWithOverrides: boolean
  /** Lines Kafka prints on stdout while checking (the topic-id note). */
  notes: string[]
}

const spec = (name: string) => `"[${name}]"`

export function topicOptions(p: ParsedOptions): TopicOptions {
  const actions = ACTIONS.filter((a) => p.has(a))
  if (actions.length !== 1) {
    throw new KafkaUsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete')
  }
  const action = actions[0]!
  const notes: string[] = []
  // Required arguments. --zookeeper is ktool's legacy alternative to --bootstrap-server.
  if (!p.has('bootstrap-server') && !p.has('zookeeper')) throw new ToolError('--bootstrap-server must be specified')
  if (p.has('bootstrap-server') && p.has('zookeeper')) {
    throw new KafkaUsageError('Only one of --bootstrap-server or --zookeeper must be specified')
  }
  if (action === 'describe' && p.has('if-exists')) {
    if (!p.has('topic') && !p.has('topic-id')) throw new KafkaUsageError('--topic or --topic-id is required to describe a topic')
    if (p.has('topic') && p.has('topic-id')) {
      notes.push('Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID')
    }
  }
  if (action !== 'list' && action !== 'describe' && !p.has('topic')) throw new KafkaUsageError(`Missing required argument ${spec('topic')}`)
  if (action === 'alter') {
    if (p.has('bootstrap-server') && p.has('config')) {
      throw new KafkaUsageError(`Option combination "[[bootstrap-server], [config]]" can't be used with option ${spec('alter')} (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)`)
    }
    if (!p.has('partitions') && !p.has('zookeeper')) throw new KafkaUsageError(`Missing required argument ${spec('partitions')}`)
  }
  // Option/action combinations: `used` is only valid with the listed actions.
  const only = (used: string, allowed: TopicAction[], extra: string[] = []): void => {
    if (!p.has(used)) return
    for (const other of [...ACTIONS.filter((a) => !allowed.includes(a)), ...extra]) {
      if (p.has(other)) throw new KafkaUsageError(`Option ${spec(used)} can't be used with option ${spec(other)}`)
    }
  }
  only('config', ['alter', 'create'])
  if (p.has('delete-config') && p.has('bootstrap-server')) {
    throw new KafkaUsageError(`Option ${spec('delete-config')} can't be used with option ${spec('bootstrap-server')}`)
  }
  only('delete-config', ['alter'])
  only('partitions', ['alter', 'create'])
  only('replication-factor', ['create'])
  only('replica-assignment', ['alter', 'create'])
  if (action === 'create') {
    for (const other of ['partitions', 'replication-factor']) {
      if (p.has('replica-assignment') && p.has(other)) {
        throw new KafkaUsageError(`Option ${spec('replica-assignment')} can't be used with option ${spec(other)}`)
      }
    }
  }
  for (const report of ['under-replicated-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions', 'unavailable-partitions']) {
    only(report, ['describe'], ['topics-with-overrides'])
  }
  only('if-exists', ['alter', 'delete', 'describe'])
  only('if-not-exists', ['create'])
  only('exclude-internal', ['list', 'describe'])

  return {
    action,
    bootstrapServer: p.str('bootstrap-server'),
    zookeeper: p.str('zookeeper'),
    commandConfig: p.str('command-config'),
    topic: p.str('topic'),
    topicId: p.str('topic-id'),
    partitions: p.int('partitions'),
    replicationFactor: p.int('replication-factor'),
    replicaAssignment: p.str('replica-assignment'),
    configs: p.list('config'),
    deleteConfigs: p.list('delete-config'),
    ifExists: p.has('if-exists'),
    ifNotExists: p.has('if-not-exists'),
    excludeInternal: p.has('exclude-internal'),
    underReplicated: p.has('under-replicated-partitions'),
    underMinIsr: p.has('under-min-isr-partitions'),
    atMinIsr: p.has('at-min-isr-partitions'),
    unavailable: p.has('unavailable-partitions'),
    topicsWithOverrides: p.has('topics-with-overrides'),
    notes,
  }
}

/**
 * Kafka's parseReplicaAssignment: partitions separated by ',', brokers by ':'. Broker lists must
 * have no duplicates and all the same length.
 */
export function parseReplicaAssignment(text: string): number[][] {
  const out: number[][] = []
  const parts = text.split(',')
  for (let i = 0; i < parts.length; i++) {
    const brokers = parts[i]!.split(':').map((s) => {
      const t = s.trim()
      if (!/^[+-]?\d+$/.test(t)) throw new Error(`For input string: "${t}"`)
      return Number(t)
    })
    const dups = [...new Set(brokers.filter((b, j) => brokers.indexOf(b) !== j))]
    if (dups.length > 0) throw new Error(`Partition replica lists may not contain duplicate entries: ${dups.join(',')}`)
    out.push(brokers)
    if (brokers.length !== out[0]!.length) throw new Error(`Partition ${i} has different replication factor: [${brokers.join(', ')}]`)
  }
  return out
}
