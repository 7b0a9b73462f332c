// Per-topic log configuration: Kafka's topic-level keys, each falling back to its broker-level
// synonym (server.properties) and then to Kafka's default. "Long.MAX_VALUE" settings become
// Number.MAX_SAFE_INTEGER, which every comparison here treats as "never".
import {LogError, LogErrorCode} from './errors.js'

export type TimestampType = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  segmentBytes: number
  segmentMs: number
  segmentJitterMs: number
  segmentIndexBytes: number
  indexIntervalBytes: number
  /** -1 = keep forever. */
  retentionMs: number
  /** -1 = no size limit. */
  retentionBytes: number
  /** cleanup.policy: delete, compact or both. */
  compact: boolean
  delete: boolean
  maxMessageBytes: number
  messageTimestampType: TimestampType
  minCompactionLagMs: number
  maxCompactionLagMs: number
  deleteRetentionMs: number
  minCleanableDirtyRatio: number
  flushMessages: number
  flushMs: number
  fileDeleteDelayMs: number
  /** producer (keep the batch's codec), uncompressed, gzip, snappy, lz4 or zstd (recompress others). */
  compressionType: CompressionTypeName
  /**
   * CreateTime bounds (ms): a record timestamp below now - before or above now + after is refused
   * with INVALID_TIMESTAMP. Each is message.timestamp.before/after.max.ms when set, else
   * message.timestamp.difference.max.ms (Kafka 3.6's LogConfig); MAX_SAFE_INTEGER = no bound.
   */
  messageTimestampBeforeMaxMs: number
  messageTimestampAfterMaxMs: number
  /** message.timestamp.difference.max.ms as set (kept for DescribeConfigs and the two above). */
  messageTimestampDifferenceMaxMs: number
  /** KIP-390 (Kafka 3.8): levels used when the broker recompresses. gzip -1 = zlib's default (6). */
  compressionGzipLevel: number
  /** Accepted and reported; lz4-napi has no level setting, so lz4 frames use its default. */
  compressionLz4Level: number
  /** Passed to @mongodb-js/zstd, whose 1.2.2 build compresses at its default level whatever it is given. */
  compressionZstdLevel: number
  /** acks=all appends need at least this many in-sync replicas. */
  minInsyncReplicas: number
  /** message.downconversion.enable: Fetch v0-3 may read this topic (converted to magic 0/1). */
  messageDownconversionEnable: boolean
}

export const COMPRESSION_TYPE_NAMES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const
export type CompressionTypeName = (typeof COMPRESSION_TYPE_NAMES)[number]

type Kind = 'int' | 'long' | 'double' | 'policy' | 'timestampType' | 'compression' | 'string'
export interface TopicConfigDef {
  /** The topic-level key (segment.bytes). */
  key: string
  /** Broker-level keys that set the default, first match wins (log.roll.ms before log.roll.hours). */
  brokerKeys: {key: string; scale: number}[]
  kind: Kind
  default: string
  min?: number
  field?: keyof LogConfig
}

const LONG_MAX = '9223372036854775807'
const d = (key: string, kind: Kind, def: string, field: keyof LogConfig | undefined, brokerKeys: (string | [string, number])[], min?: number): TopicConfigDef => ({
  key,
  kind,
  default: def,
  field,
  min,
  brokerKeys: brokerKeys.map((b) => (typeof b === 'string' ? {key: b, scale: 1} : {key: b[0], scale: b[1]})),
})

/** Kafka's topic configs (3.9) with their broker synonyms. Keys without a field are accepted and reported only. */
export const TOPIC_CONFIG_DEFS: TopicConfigDef[] = [
  d('cleanup.policy', 'policy', 'delete', undefined, ['log.cleanup.policy']),
  d('compression.gzip.level', 'int', '-1', 'compressionGzipLevel', ['compression.gzip.level']),
  d('compression.lz4.level', 'int', '9', 'compressionLz4Level', ['compression.lz4.level'], 1),
  d('compression.type', 'compression', 'producer', 'compressionType', ['compression.type']),
  d('compression.zstd.level', 'int', '3', 'compressionZstdLevel', ['compression.zstd.level'], -131072),
  d('delete.retention.ms', 'long', '86400000', 'deleteRetentionMs', ['log.cleaner.delete.retention.ms'], 0),
  d('file.delete.delay.ms', 'long', '60000', 'fileDeleteDelayMs', ['log.segment.delete.delay.ms'], 0),
  d('flush.messages', 'long', LONG_MAX, 'flushMessages', ['log.flush.interval.messages'], 1),
  d('flush.ms', 'long', LONG_MAX, 'flushMs', ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'], 0),
  d('index.interval.bytes', 'int', '4096', 'indexIntervalBytes', ['log.index.interval.bytes'], 0),
  d('max.compaction.lag.ms', 'long', LONG_MAX, 'maxCompactionLagMs', ['log.cleaner.max.compaction.lag.ms'], 1),
  d('max.message.bytes', 'int', '1048588', 'maxMessageBytes', ['message.max.bytes'], 0),
  d('message.downconversion.enable', 'string', 'true', 'messageDownconversionEnable', ['log.message.downconversion.enable']),
  d('message.format.version', 'string', '3.0-IV1', undefined, ['log.message.format.version']),
  d('message.timestamp.after.max.ms', 'long', LONG_MAX, 'messageTimestampAfterMaxMs', ['log.message.timestamp.after.max.ms'], 0),
  d('message.timestamp.before.max.ms', 'long', LONG_MAX, 'messageTimestampBeforeMaxMs', ['log.message.timestamp.before.max.ms'], 0),
  d('message.timestamp.difference.max.ms', 'long', LONG_MAX, 'messageTimestampDifferenceMaxMs', ['log.message.timestamp.difference.max.ms'], 0),
  d('message.timestamp.type', 'timestampType', 'CreateTime', 'messageTimestampType', ['log.message.timestamp.type']),
  d('min.cleanable.dirty.ratio', 'double', '0.5', 'minCleanableDirtyRatio', ['log.cleaner.min.cleanable.ratio'], 0),
  d('min.compaction.lag.ms', 'long', '0', 'minCompactionLagMs', ['log.cleaner.min.compaction.lag.ms'], 0),
  d('min.insync.replicas', 'int', '1', 'minInsyncReplicas', ['min.insync.replicas'], 1),
  d('preallocate', 'string', 'false', undefined, ['log.preallocate']),
  d('retention.bytes', 'long', '-1', 'retentionBytes', ['log.retention.bytes']),
  d('retention.ms', 'long', '604800000', 'retentionMs', ['log.retention.ms', ['log.retention.minutes', 60_000], ['log.retention.hours', 3_600_000]], -1),
  d('segment.bytes', 'int', '1073741824', 'segmentBytes', ['log.segment.bytes'], 14),
  d('segment.index.bytes', 'int', '10485760', 'segmentIndexBytes', ['log.index.size.max.bytes'], 8),
  d('segment.jitter.ms', 'long', '0', 'segmentJitterMs', ['log.roll.jitter.ms', ['log.roll.jitter.hours', 3_600_000]], 0),
  d('segment.ms', 'long', '604800000', 'segmentMs', ['log.roll.ms', ['log.roll.hours', 3_600_000]], 1),
  d('unclean.leader.election.enable', 'string', 'false', undefined, ['unclean.leader.election.enable']),
]
const DEFS_BY_KEY = new Map(TOPIC_CONFIG_DEFS.map((def) => [def.key, def]))

export type ConfigSource = 'TOPIC' | 'STATIC_BROKER' | 'DEFAULT'
export interface ConfigEntry {
  key: string
  value: string
  source: ConfigSource
}

function parseValue(def: TopicConfigDef, raw: string, origin: string): number | string {
  const value = raw.trim()
  const bad = (why: string): never => {
    throw new LogError(LogErrorCode.INVALID_CONFIG, `Invalid value ${raw} for configuration ${origin}: ${why}`)
  }
  switch (def.kind) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value)) bad(`Not a number of type ${def.kind.toUpperCase()}`)
      const n = Number(value)
      if (def.kind === 'int' && (n > 2147483647 || n < -2147483648)) bad('Not a number of type INT')
      if (def.min !== undefined && n < def.min) bad(`Value must be at least ${def.min}`)
      // Kafka's ranges for the KIP-390 levels.
      if (def.key === 'compression.gzip.level' && n !== -1 && (n < 1 || n > 9)) bad('Value must be -1 or in [1,...,9]')
      if (def.key === 'compression.lz4.level' && n > 17) bad('Value must be no more than 17')
      if (def.key === 'compression.zstd.level' && n > 22) bad('Value must be no more than 22')
      return Math.min(n, Number.MAX_SAFE_INTEGER)
    }
    case 'double': {
      const n = Number(value)
      if (value === '' || Number.isNaN(n)) bad('Not a number of type DOUBLE')
      if (def.min !== undefined && n < def.min) bad(`Value must be at least ${def.min}`)
      if (def.key === 'min.cleanable.dirty.ratio' && n > 1) bad('Value must be no more than 1')
      return n
    }
    case 'policy': {
      const parts = value.split(',').map((s) => s.trim()).filter(Boolean)
      if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact')) bad('String must be one of: compact, delete')
      return parts.join(',')
    }
    case 'compression':
      if (!(COMPRESSION_TYPE_NAMES as readonly string[]).includes(value)) bad(`String must be one of: ${COMPRESSION_TYPE_NAMES.join(', ')}`)
      return value
    case 'timestampType':
      if (value !== 'CreateTime' && value !== 'LogAppendTime') bad('String must be one of: CreateTime, LogAppendTime')
      return value
    default:
      return value
  }
}

/** The topic-level default a broker's properties give for one topic key, and where it came from. */
function brokerDefault(def: TopicConfigDef, broker: ReadonlyMap<string, string>): {value: string; source: ConfigSource} {
  for (const b of def.brokerKeys) {
    const raw = broker.get(b.key)
    if (raw === undefined || raw.trim() === '') continue
    if (b.scale === 1) return {value: raw.trim(), source: 'STATIC_BROKER'}
    const n = Number(raw.trim())
    if (Number.isFinite(n)) return {value: String(n * b.scale), source: 'STATIC_BROKER'}
  }
  return {value: def.default, source: 'DEFAULT'}
}

/** Throws LogError(INVALID_CONFIG) for an unknown key or a bad value (CreateTopics, AlterConfigs). */
export function validateTopicConfig(overrides: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(overrides)) {
    const def = DEFS_BY_KEY.get(key)
    if (!def) throw new LogError(LogErrorCode.INVALID_CONFIG, `Unknown topic config name: ${key}`)
    parseValue(def, value, key)
  }
}

/** Every topic config with its effective value and source (DescribeConfigs). */
export function describeTopicConfig(broker: ReadonlyMap<string, string>, overrides: Readonly<Record<string, string>> = {}): ConfigEntry[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const own = overrides[def.key]
    if (own !== undefined) return {key: def.key, value: own, source: 'TOPIC' as const}
    const b = brokerDefault(def, broker)
    return {key: def.key, ...b}
  })
}

/**
 * The effective LogConfig of a topic: its overrides, then the broker's properties, then Kafka's
 * defaults. Unknown override keys are ignored here (validateTopicConfig rejects them up front);
 * a bad broker-level value falls back to Kafka's default rather than taking a partition offline.
 */
export function resolveLogConfig(broker: ReadonlyMap<string, string> = new Map(), overrides: Readonly<Record<string, string>> = {}): LogConfig {
  const out: Record<string, number | string> = {}
  for (const def of TOPIC_CONFIG_DEFS) {
    let value: number | string
    const own = overrides[def.key]
    if (own !== undefined) {
      value = parseValue(def, own, def.key)
    } else {
      const b = brokerDefault(def, broker)
      try {
        value = parseValue(def, b.value, def.brokerKeys[0]!.key)
      } catch {
        value = parseValue(def, def.default, def.key)
      }
    }
    if (def.key === 'cleanup.policy') {
      const parts = String(value).split(',')
      out.compact = parts.includes('compact') as unknown as number
      out.delete = parts.includes('delete') as unknown as number
    } else if (def.field) {
      out[def.field] = value
    }
  }
  out.messageDownconversionEnable = (String(out.messageDownconversionEnable).trim().toLowerCase() !== 'false') as unknown as number
  // Kafka 3.6+: before/after left at Long.MAX_VALUE fall back to difference.max.ms.
  const never = Number.MAX_SAFE_INTEGER
  if (out.messageTimestampBeforeMaxMs === never) out.messageTimestampBeforeMaxMs = out.messageTimestampDifferenceMaxMs!
  if (out.messageTimestampAfterMaxMs === never) out.messageTimestampAfterMaxMs = out.messageTimestampDifferenceMaxMs!
  return out as unknown as LogConfig
}

/** Broker-wide log settings that are not per topic. */
export interface LogManagerSettings {
  retentionCheckIntervalMs: number
  flushSchedulerIntervalMs: number
  recoveryPointCheckpointIntervalMs: number
  startOffsetCheckpointIntervalMs: number
  cleanerEnable: boolean
  cleanerBackoffMs: number
  /** producer.id.expiration.ms: the cleaner keeps the last batch of producers younger than this. */
  producerIdExpirationMs: number
}

export function resolveManagerSettings(broker: ReadonlyMap<string, string> = new Map()): LogManagerSettings {
  const num = (key: string, def: number): number => {
    const raw = broker.get(key)
    const n = raw === undefined ? NaN : Number(raw.trim())
    return Number.isFinite(n) && n >= 0 ? Math.min(n, Number.MAX_SAFE_INTEGER) : def
  }
  return {
    retentionCheckIntervalMs: num('log.retention.check.interval.ms', 300_000),
    flushSchedulerIntervalMs: num('log.flush.scheduler.interval.ms', Number.MAX_SAFE_INTEGER),
    recoveryPointCheckpointIntervalMs: num('log.flush.offset.checkpoint.interval.ms', 60_000),
    startOffsetCheckpointIntervalMs: num('log.flush.start.offset.checkpoint.interval.ms', 60_000),
    cleanerEnable: (broker.get('log.cleaner.enable') ?? 'true').trim() !== 'false',
    cleanerBackoffMs: num('log.cleaner.backoff.ms', 15_000),
    producerIdExpirationMs: num('producer.id.expiration.ms', 86_400_000),
  }
}
