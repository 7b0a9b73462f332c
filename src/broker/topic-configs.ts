// Topic-level configs (what `topics --config` and AlterConfigs set, what DescribeConfigs shows),
// each with the broker key(s) whose value is its default, as in Kafka's LogConfig. The first synonym
// that is set in server.properties wins; otherwise Kafka's default applies.

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD'

/** DescribeConfigs ConfigType codes (v3+). */
export const CONFIG_TYPE_CODE: Record<ConfigType, number> = {BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9}

/** DescribeConfigs ConfigSource codes. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const

export interface TopicConfigDef {
  type: ConfigType
  default: string
  /** Broker keys, most specific first (log.retention.ms before .minutes before .hours). */
  synonyms: {key: string; toTopic?: (v: string) => string}[]
  validValues?: string[]
}

const LONG_MAX = '9223372036854775807'
const same = (key: string) => ({key})
const times = (key: string, factor: number) => ({key, toTopic: (v: string) => String(BigInt(v) * BigInt(factor))})

export const TOPIC_CONFIGS: Record<string, TopicConfigDef> = {
  'cleanup.policy': {type: 'LIST', default: 'delete', synonyms: [same('log.cleanup.policy')], validValues: ['compact', 'delete']},
  'compression.gzip.level': {type: 'INT', default: '-1', synonyms: [same('compression.gzip.level')]},
  'compression.lz4.level': {type: 'INT', default: '9', synonyms: [same('compression.lz4.level')]},
  'compression.type': {type: 'STRING', default: 'producer', synonyms: [same('compression.type')], validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']},
  'compression.zstd.level': {type: 'INT', default: '3', synonyms: [same('compression.zstd.level')]},
  'delete.retention.ms': {type: 'LONG', default: '86400000', synonyms: [same('log.cleaner.delete.retention.ms')]},
  'file.delete.delay.ms': {type: 'LONG', default: '60000', synonyms: [same('log.segment.delete.delay.ms')]},
  'flush.messages': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.flush.interval.messages')]},
  'flush.ms': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.flush.interval.ms')]},
  'follower.replication.throttled.replicas': {type: 'LIST', default: '', synonyms: []},
  'index.interval.bytes': {type: 'INT', default: '4096', synonyms: [same('log.index.interval.bytes')]},
  'leader.replication.throttled.replicas': {type: 'LIST', default: '', synonyms: []},
  'local.retention.bytes': {type: 'LONG', default: '-2', synonyms: [same('log.local.retention.bytes')]},
  'local.retention.ms': {type: 'LONG', default: '-2', synonyms: [same('log.local.retention.ms')]},
  'max.compaction.lag.ms': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.cleaner.max.compaction.lag.ms')]},
  'max.message.bytes': {type: 'INT', default: '1048588', synonyms: [same('message.max.bytes')]},
  'message.downconversion.enable': {type: 'BOOLEAN', default: 'true', synonyms: [same('log.message.downconversion.enable')]},
  'message.format.version': {type: 'STRING', default: '3.0-IV1', synonyms: [same('log.message.format.version')]},
  'message.timestamp.after.max.ms': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.message.timestamp.after.max.ms')]},
  'message.timestamp.before.max.ms': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.message.timestamp.before.max.ms')]},
  'message.timestamp.difference.max.ms': {type: 'LONG', default: LONG_MAX, synonyms: [same('log.message.timestamp.difference.max.ms')]},
  'message.timestamp.type': {type: 'STRING', default: 'CreateTime', synonyms: [same('log.message.timestamp.type')], validValues: ['CreateTime', 'LogAppendTime']},
  'min.cleanable.dirty.ratio': {type: 'DOUBLE', default: '0.5', synonyms: [same('log.cleaner.min.cleanable.ratio')]},
  'min.compaction.lag.ms': {type: 'LONG', default: '0', synonyms: [same('log.cleaner.min.compaction.lag.ms')]},
  'min.insync.replicas': {type: 'INT', default: '1', synonyms: [same('min.insync.replicas')]},
  'preallocate': {type: 'BOOLEAN', default: 'false', synonyms: [same('log.preallocate')]},
  'remote.storage.enable': {type: 'BOOLEAN', default: 'false', synonyms: []},
  'retention.bytes': {type: 'LONG', default: '-1', synonyms: [same('log.retention.bytes')]},
  'retention.ms': {type: 'LONG', default: '604800000', synonyms: [same('log.retention.ms'), times('log.retention.minutes', 60_000), times('log.retention.hours', 3_600_000)]},
  'segment.bytes': {type: 'INT', default: '1073741824', synonyms: [same('log.segment.bytes')]},
  'segment.index.bytes': {type: 'INT', default: '10485760', synonyms: [same('log.index.size.max.bytes')]},
  'segment.jitter.ms': {type: 'LONG', default: '0', synonyms: [same('log.roll.jitter.ms'), times('log.roll.jitter.hours', 3_600_000)]},
  'segment.ms': {type: 'LONG', default: '604800000', synonyms: [same('log.roll.ms'), times('log.roll.hours', 3_600_000)]},
  'unclean.leader.election.enable': {type: 'BOOLEAN', default: 'false', synonyms: [same('unclean.leader.election.enable')]},
}

/** Checks a topic config value; returns an error message (Kafka's wording) or null. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  const def = TOPIC_CONFIGS[name]
  if (!def) return `Unknown topic config name: ${name}`
  if (value === null) return null
  const v = value.trim()
  switch (def.type) {
    case 'INT':
    case 'LONG':
    case 'SHORT':
      if (!/^-?\d+$/.test(v)) return `Invalid value ${value} for configuration ${name}: Not a number of type ${def.type}`
      if (def.type === 'INT' && (Number(v) > 2147483647 || Number(v) < -2147483648)) return `Invalid value ${value} for configuration ${name}: Not a number of type INT`
      break
    case 'DOUBLE':
      if (v === '' || Number.isNaN(Number(v))) return `Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`
      break
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(v)) return `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`
      break
    case 'LIST':
      if (def.validValues) {
        for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
          if (!def.validValues.includes(item)) return `Invalid value ${item} for configuration ${name}: String must be one of: ${def.validValues.join(', ')}`
        }
      }
      break
    default:
      if (def.validValues && !def.validValues.includes(v)) return `Invalid value ${value} for configuration ${name}: String must be one of: ${def.validValues.join(', ')}`
  }
  if (name === 'segment.bytes' && Number(v) < 14) return `Invalid value ${value} for configuration segment.bytes: Value must be at least 14`
  if (name === 'compression.gzip.level' && Number(v) !== -1 && (Number(v) < 1 || Number(v) > 9)) return `Invalid value ${value} for configuration compression.gzip.level: Value must be -1 or in [1,...,9]`
  if (name === 'compression.lz4.level' && (Number(v) < 1 || Number(v) > 17)) return `Invalid value ${value} for configuration compression.lz4.level: Value must be in [1,...,17]`
  if (name === 'compression.zstd.level' && (Number(v) < -131072 || Number(v) > 22)) return `Invalid value ${value} for configuration compression.zstd.level: Value must be in [-131072,...,22]`
  if (name === 'min.insync.replicas' && Number(v) < 1) return `Invalid value ${value} for configuration min.insync.replicas: Value must be at least 1`
  return null
}
