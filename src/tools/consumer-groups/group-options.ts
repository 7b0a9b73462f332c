// kafka-consumer-groups' argument checks (3.7, reference §5.2), in Kafka's order: the bootstrap
// server, exactly one action, then ConsumerGroupCommandOptions.checkArgs.
import {KafkaUsageError, type ParsedOptions} from '../../cli/kafka-options.js'

export type GroupAction = 'list' | 'describe' | 'delete' | 'reset-offsets' | 'delete-offsets'
export type DescribeMode = 'offsets' | 'members' | 'state'
export type ResetScenario = 'to-offset' | 'shift-by' | 'to-datetime' | 'by-duration' | 'to-earliest' | 'to-latest' | 'to-current' | 'from-file'

/** Kafka lists these in hash-set order in its message; this is the order ktool uses. */
export const SCENARIOS: ResetScenario[] = ['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'from-file']
const ACTIONS: GroupAction[] = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets']

export interface GroupOptions {
  action: GroupAction
  bootstrapServer: string
  commandConfig?: string
  groups: string[]
  allGroups: boolean
  topics: string[]
  allTopics: boolean
  timeoutMs: number
  describe: DescribeMode
  verbose: boolean
  /** --list --state: undefined without --state, [] for all states. */
  listStates?: string
  execute: boolean
  exportCsv: boolean
  scenario?: ResetScenario
  scenarioValue?: string
  output: 'kafka' | 'table' | 'json'
  /** Lines Kafka prints on stderr while checking (the dry-run warning). */
  warnings: string[]
}

const usage = (m: string): never => {
  throw new KafkaUsageError(m)
}

export const DRY_RUN_WARNING = 'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.'

export function groupOptions(p: ParsedOptions): GroupOptions {
  if (!p.has('bootstrap-server')) usage('Missing required argument "[bootstrap-server]"')
  const actions = ACTIONS.filter((a) => p.has(a))
  if (actions.length !== 1) usage('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets')
  const action = actions[0]!
  const warnings: string[] = []
  const scope = '[group], [all-groups]'
  let describe: DescribeMode = 'offsets'
  if (action === 'describe') {
    if (!p.has('group') && !p.has('all-groups')) usage(`Option [describe] takes one of these options: ${scope}`)
    const modes = (['members', 'offsets', 'state'] as const).filter((m) => p.has(m))
    if (modes.length > 1) usage('Option [describe] takes at most one of these options: [members], [offsets], [state]')
    if (p.str('state') !== undefined) usage('Option [describe] does not take a value for [state]')
    describe = modes[0] ?? 'offsets'
  } else {
    // jopt's "available only with --describe" options.
    for (const o of ['members', 'offsets', 'verbose']) {
      if (p.has(o)) usage(`Option(s) [${o}] are unavailable given other options on the command line`)
    }
    if (p.has('state') && action !== 'list') usage('Option(s) [state] are unavailable given other options on the command line')
  }
  if (action === 'delete') {
    if (!p.has('group') && !p.has('all-groups')) usage(`Option [delete] takes one of these options: ${scope}`)
    if (p.has('topic')) usage('The consumer does not support topic-specific offset deletion from a consumer group.')
  }
  if (action === 'delete-offsets' && (!p.has('group') || !p.has('topic'))) {
    usage('Option [delete-offsets] takes the following options: [group], [topic]')
  }
  let scenario: ResetScenario | undefined
  if (action === 'reset-offsets') {
    if (p.has('dry-run') && p.has('execute')) usage('Option [reset-offsets] only accepts one of [execute] and [dry-run]')
    if (!p.has('dry-run') && !p.has('execute')) warnings.push(DRY_RUN_WARNING)
    if (!p.has('group') && !p.has('all-groups')) usage(`Option [reset-offsets] takes one of these options: ${scope}`)
    for (const s of SCENARIOS) {
      if (!p.has(s)) continue
      for (const other of SCENARIOS) if (other !== s && p.has(other)) usage(`Option "[${s}]" can't be used with option "[${other}]"`)
      scenario = s
    }
  } else {
    for (const o of ['dry-run', 'execute', 'export', 'all-topics', ...SCENARIOS]) {
      if (p.has(o)) usage(`Option(s) [${o}] are unavailable given other options on the command line`)
    }
  }
  if (p.has('group') && p.has('all-groups')) usage('Option "[group]" can\'t be used with option "[all-groups]"')
  if (p.has('group') && action === 'list') usage('Option "[group]" can\'t be used with option "[list]"')
  if (p.has('topic') && (action === 'list' || action === 'describe')) usage(`Option "[topic]" can't be used with option "[${action}]"`)
  const output = p.str('output') ?? 'kafka'
  if (output !== 'kafka' && output !== 'table' && output !== 'json') usage(`Invalid value '${output}' for option output: expected kafka, table or json`)
  return {
    action,
    bootstrapServer: p.str('bootstrap-server')!,
    commandConfig: p.str('command-config'),
    groups: p.list('group'),
    allGroups: p.has('all-groups'),
    topics: p.list('topic'),
    allTopics: p.has('all-topics'),
    timeoutMs: p.int('timeout') ?? 5000,
    describe,
    verbose: p.has('verbose'),
    listStates: action === 'list' && p.has('state') ? (p.str('state') ?? '') : undefined,
    execute: p.has('execute'),
    exportCsv: p.has('export'),
    scenario,
    scenarioValue: scenario ? p.str(scenario) : undefined,
    output: output as GroupOptions['output'],
    warnings,
  }
}

/** Kafka 3.7's consumer group states, in ConsumerGroupState's order. */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty']

/** Parses `--list --state` values (case-sensitive in 3.7; empty trailing entries dropped). */
export function parseStates(input: string): string[] {
  const parts = input.split(',')
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  const states = parts.map((s) => s.trim())
  if (states.some((s) => !GROUP_STATES.includes(s))) {
    throw new KafkaUsageError(`Invalid state list '${input}'. Valid states are: ${GROUP_STATES.join(', ')}`)
  }
  return [...new Set(states)]
}

/** `t` or `t:0,1,2` topic arguments (reset-offsets and delete-offsets). */
export function parseTopicArg(arg: string): {topic: string; partitions?: number[]} {
  if (!arg.includes(':')) return {topic: arg}
  const parts = arg.split(':')
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  if (parts.length !== 2) throw new KafkaUsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
  const partitions = parts[1]!.split(',').map((x) => {
    if (!/^\s*[+-]?\d+\s*$/.test(x)) throw new KafkaUsageError(`Invalid partition '${x}' specified in topic arg '${arg}''`)
    return Number(x.trim())
  })
  return {topic: parts[0]!, partitions}
}
