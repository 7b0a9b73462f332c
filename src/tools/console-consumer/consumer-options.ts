// kafka-console-consumer's argument checks, in Kafka 3.7's order (reference §4.2), and the
// consumer settings derived from them.
import {KafkaUsageError, parseKeyValues, type ParsedOptions} from '../../cli/kafka-options.js'
import {loadCommandConfig} from '../../cli/kafka-client.js'
import {ToolError} from '../../cli/kafka-command.js'

export type StartOffset = {kind: 'earliest'} | {kind: 'latest'} | {kind: 'offset'; offset: bigint}

export interface ConsumerSettings {
  brokerList: string
  topic?: string
  /** --include (or --whitelist) regex, matched against whole topic names. */
  include?: string
  partition?: number
  start: StartOffset
  /** The group given by the user (flag or properties); undefined means a throw-away group. */
  groupId?: string
  fromBeginning: boolean
  autoOffsetReset: 'earliest' | 'latest' | 'none'
  enableAutoCommit: boolean
  maxMessages?: number
  timeoutMs?: number
  skipMessageOnError: boolean
  formatter: string
  formatterProps: Map<string, string>
  isolationLevel: 0 | 1
  systestEvents: boolean
  props: Map<string, string>
}

const usage = (m: string): never => {
  throw new KafkaUsageError(m)
}

export function consumerSettings(p: ParsedOptions): ConsumerSettings {
  const include = p.str('include') ?? p.str('whitelist')
  const topicOrFilter = [p.str('topic'), include].filter((x) => x !== undefined)
  if (topicOrFilter.length !== 1) {
    usage(`Exactly one of --include/--topic is required. ${p.has('whitelist') ? '--whitelist is DEPRECATED use --include instead; ignored if --include specified.' : '()'}`)
  }
  if (p.has('partition') && !p.has('topic')) usage('The topic is required when partition is specified.')
  if (p.has('from-beginning') && p.has('offset')) usage('Options from-beginning and offset cannot be specified together.')
  if (p.has('offset') && !p.has('partition')) usage('The partition is required when offset is specified.')
  let start: StartOffset = p.has('from-beginning') ? {kind: 'earliest'} : {kind: 'latest'}
  if (p.has('offset')) {
    const raw = p.str('offset')!
    const lower = raw.toLowerCase()
    if (lower === 'earliest') start = {kind: 'earliest'}
    else if (lower === 'latest') start = {kind: 'latest'}
    else if (/^\d+$/.test(raw) && BigInt(raw) < 2n ** 63n) start = {kind: 'offset', offset: BigInt(raw)}
    else usage(`The provided offset value '${raw}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`)
  }
  if (!p.has('bootstrap-server')) usage('Missing required argument "[bootstrap-server]"')

  const fileProps = loadCommandConfig(p.str('consumer.config'))
  const cliProps = parseKeyValues(p.list('consumer-property'))
  const props = new Map([...fileProps, ...cliProps])
  const groups = [p.str('group'), cliProps.get('group.id'), fileProps.get('group.id')].filter((g): g is string => g !== undefined)
  const distinct = [...new Set(groups)]
  if (distinct.length > 1) {
    usage(`The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${distinct.map((g) => `'${g}'`).join(', ')}`)
  }
  const groupId = distinct[0]
  if (groupId !== undefined && p.has('partition')) usage('Options group and partition cannot be specified together.')

  const reset = props.get('auto.offset.reset')
  if (p.has('from-beginning') && reset !== undefined && reset !== 'earliest') {
    throw new ToolError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`)
  }
  const autoOffsetReset = (reset ?? (p.has('from-beginning') ? 'earliest' : 'latest')) as ConsumerSettings['autoOffsetReset']
  if (!['earliest', 'latest', 'none'].includes(autoOffsetReset)) {
    throw new ToolError(`Invalid value ${autoOffsetReset} for configuration auto.offset.reset: String must be one of: latest, earliest, none`)
  }
  const autoCommitProp = props.get('enable.auto.commit')
  const enableAutoCommit = autoCommitProp !== undefined ? autoCommitProp.trim().toLowerCase() === 'true' : groupId !== undefined

  const formatterProps = loadCommandConfig(p.str('formatter-config'))
  for (const [k, v] of parseKeyValues(p.list('property'))) formatterProps.set(k, v)
  if (p.has('key-deserializer')) formatterProps.set('key.deserializer', p.str('key-deserializer')!)
  if (p.has('value-deserializer')) formatterProps.set('value.deserializer', p.str('value-deserializer')!)

  const iso = p.str('isolation-level') ?? props.get('isolation.level') ?? 'read_uncommitted'
  if (iso !== 'read_uncommitted' && iso !== 'read_committed') {
    throw new ToolError(`Invalid value ${iso} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`)
  }
  const maxMessages = p.int('max-messages')
  const timeoutMs = p.int('timeout-ms')
  return {
    brokerList: p.str('bootstrap-server')!,
    topic: p.str('topic'),
    include,
    partition: p.int('partition'),
    start,
    groupId,
    fromBeginning: p.has('from-beginning'),
    autoOffsetReset,
    enableAutoCommit,
    maxMessages: maxMessages !== undefined && maxMessages >= 0 ? maxMessages : undefined,
    timeoutMs: timeoutMs !== undefined && timeoutMs >= 0 ? timeoutMs : undefined,
    skipMessageOnError: p.has('skip-message-on-error'),
    formatter: p.str('formatter') ?? 'kafka.tools.DefaultMessageFormatter',
    formatterProps,
    isolationLevel: iso === 'read_committed' ? 1 : 0,
    systestEvents: p.has('enable-systest-events'),
    props,
  }
}
