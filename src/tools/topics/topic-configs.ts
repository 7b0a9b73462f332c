// Client-side checks of `--config k=v` as kafka-topics runs them before contacting the cluster
// (TopicCommand.parseTopicConfigsToBeAdded + LogConfig.validate), with ConfigDef's error texts.
// The table holds Kafka 3.7's topic-level configs plus 3.8's compression levels: type and
// validator only, no documentation.
type Check =
  | {type: 'int' | 'long'; min?: number; max?: number}
  | {type: 'double'; min?: number; max?: number}
  | {type: 'boolean'}
  | {type: 'string'; oneOf?: string[]}
  | {type: 'list'; oneOf?: string[]}

const long = (min?: number): Check => ({type: 'long', min})
const int = (min?: number): Check => ({type: 'int', min})
const bool: Check = {type: 'boolean'}

export const TOPIC_CONFIGS: Record<string, Check> = {
  'cleanup.policy': {type: 'list', oneOf: ['compact', 'delete']},
  'compression.type': {type: 'string', oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']},
  // Kafka 3.8's codec levels (KIP-390); the broker checks gzip's exact set (-1 or 1..9)
  'compression.gzip.level': {type: 'int', min: -1, max: 9},
  'compression.lz4.level': {type: 'int', min: 1, max: 17},
  'compression.zstd.level': {type: 'int', min: -131072, max: 22},
  'delete.retention.ms': long(0),
  'file.delete.delay.ms': long(0),
  'flush.messages': long(1),
  'flush.ms': long(0),
  'follower.replication.throttled.replicas': {type: 'list'},
  'index.interval.bytes': int(0),
  'leader.replication.throttled.replicas': {type: 'list'},
  'local.retention.bytes': long(-2),
  'local.retention.ms': long(-2),
  'max.compaction.lag.ms': long(1),
  'max.message.bytes': int(0),
  'message.downconversion.enable': bool,
  'message.format.version': {type: 'string'},
  'message.timestamp.after.max.ms': long(0),
  'message.timestamp.before.max.ms': long(0),
  'message.timestamp.difference.max.ms': long(0),
  'message.timestamp.type': {type: 'string', oneOf: ['CreateTime', 'LogAppendTime']},
  'min.cleanable.dirty.ratio': {type: 'double', min: 0, max: 1},
  'min.compaction.lag.ms': long(0),
  'min.insync.replicas': int(1),
  'preallocate': bool,
  'remote.storage.enable': bool,
  'retention.bytes': long(),
  'retention.ms': long(-1),
  'segment.bytes': int(14),
  'segment.index.bytes': int(4),
  'segment.jitter.ms': long(0),
  'segment.ms': long(1),
  'unclean.leader.election.enable': bool,
}

const INT_MAX = 2 ** 31 - 1

function checkValue(name: string, raw: string, check: Check): string | null {
  const bad = (why: string) => `Invalid value ${raw} for configuration ${name}: ${why}`
  const v = raw.trim()
  switch (check.type) {
    case 'int':
    case 'long': {
      const ok = /^[+-]?\d+$/.test(v) && (check.type === 'long' || Math.abs(Number(v)) <= INT_MAX)
      if (!ok) return bad(`Not a number of type ${check.type.toUpperCase()}`)
      if (check.min !== undefined && Number(v) < check.min) return bad(`Value must be at least ${check.min}`)
      if (check.max !== undefined && Number(v) > check.max) return bad(`Value must be no more than ${check.max}`)
      return null
    }
    case 'double': {
      if (v === '' || Number.isNaN(Number(v))) return bad('Not a number of type DOUBLE')
      if (check.min !== undefined && Number(v) < check.min) return bad(`Value must be at least ${check.min}`)
      if (check.max !== undefined && Number(v) > check.max) return bad(`Value must be no more than ${check.max}`)
      return null
    }
    case 'boolean':
      return /^(true|false)$/i.test(v) ? null : bad('Expected value to be either true or false')
    case 'string':
      return check.oneOf && !check.oneOf.includes(v) ? bad(`String must be one of: ${check.oneOf.join(', ')}`) : null
    case 'list': {
      if (!check.oneOf) return null
      const items = v.split(',').map((s) => s.trim()).filter(Boolean)
      const wrong = items.find((i) => !check.oneOf!.includes(i))
      return wrong === undefined ? null : bad(`String must be one of: ${check.oneOf.join(', ')}`)
    }
  }
}

/**
 * Turns the `--config` arguments into a map, or throws an Error with Kafka's text. Kafka splits
 * each at `\s*=\s*` and needs exactly two non-empty-tail parts (Java's split drops a trailing
 * empty part, so `k=` is rejected too).
 */
export function parseTopicConfigs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const arg of args) {
    const parts = arg.split(/\s*=\s*/)
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
    if (parts.length !== 2) {
      throw new Error('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".')
    }
    out.set(parts[0]!.trim(), parts[1]!.trim())
  }
  for (const [name, value] of out) {
    const check = TOPIC_CONFIGS[name]
    if (!check) throw new Error(`Unknown topic config name: ${name}`)
    const problem = checkValue(name, value, check)
    if (problem) throw new Error(problem)
  }
  return out
}
