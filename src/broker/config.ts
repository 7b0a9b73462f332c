// server.properties -> BrokerConfig. Keys and defaults are Kafka's (3.7, ZooKeeper mode). Keys that
// configure things this broker has no use for (thread pools, socket buffers, SSL stores) are
// accepted and noted once; an unknown key is a warning, like Kafka's "These configurations ...
// were supplied but are not used yet." A value that does not parse is an error naming the key.
import {type Properties} from '../common/properties.js'

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export interface Listener {
  name: string
  host: string
  port: number
  securityProtocol: string
}

export interface BrokerConfig {
  /** The effective properties (file + overrides), as given. */
  readonly props: Properties
  brokerId: number
  listeners: Listener[]
  advertisedListeners: Listener[]
  /** Host and port clients are told to use (the first advertised PLAINTEXT listener). */
  advertisedHost: string
  advertisedPort: number
  rack: string | null
  logDirs: string[]
  numPartitions: number
  defaultReplicationFactor: number
  autoCreateTopicsEnable: boolean
  deleteTopicEnable: boolean
  messageMaxBytes: number
  socketRequestMaxBytes: number
  connectionsMaxIdleMs: number
  minInsyncReplicas: number
  offsetsTopicNumPartitions: number
  offsetsTopicReplicationFactor: number
  offsetsTopicSegmentBytes: number
  offsetsRetentionMinutes: number
  offsetsRetentionCheckIntervalMs: number
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  groupMaxSize: number
  zookeeperConnect: string | null
  zookeeperSessionTimeoutMs: number
  zookeeperConnectionTimeoutMs: number
  logRetentionMs: number
  logRetentionBytes: number
  logSegmentBytes: number
  logCleanupPolicy: string
  logRetentionCheckIntervalMs: number
  producerIdExpirationMs: number
  /** Non-Kafka: port for the embedded ZooKeeper when self-contained (ktool.zookeeper.port, 2181). */
  embeddedZooKeeperPort: number
}

type Kind = 'int' | 'long' | 'bool' | 'string' | 'list' | 'double' | 'password' | 'class'
interface KeyDef {
  kind: Kind
  default: string | null
  /** Accepted for compatibility; has no effect here. */
  noop?: boolean
}

const I = (d: string | null, noop = false): KeyDef => ({kind: 'int', default: d, noop})
const L = (d: string | null, noop = false): KeyDef => ({kind: 'long', default: d, noop})
const B = (d: string | null, noop = false): KeyDef => ({kind: 'bool', default: d, noop})
const S = (d: string | null, noop = false): KeyDef => ({kind: 'string', default: d, noop})
const LS = (d: string | null, noop = false): KeyDef => ({kind: 'list', default: d, noop})
const D = (d: string | null, noop = false): KeyDef => ({kind: 'double', default: d, noop})

/** Kafka broker config keys with Kafka's defaults. Exported: DescribeConfigs reports them. */
export const BROKER_KEYS: Record<string, KeyDef> = {
  'broker.id': I('-1'),
  'broker.id.generation.enable': B('true'),
  'reserved.broker.max.id': I('1000'),
  'broker.rack': S(null),
  'listeners': LS('PLAINTEXT://:9092'),
  'advertised.listeners': LS(null),
  'listener.security.protocol.map': S('PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL'),
  'inter.broker.listener.name': S(null, true),
  'security.inter.broker.protocol': S('PLAINTEXT', true),
  'advertised.host.name': S(null),
  'advertised.port': I(null),
  'host.name': S(null),
  'port': I(null),
  'log.dirs': LS(null),
  'log.dir': S('/tmp/kafka-logs'),
  'num.partitions': I('1'),
  'default.replication.factor': I('1'),
  'auto.create.topics.enable': B('true'),
  'delete.topic.enable': B('true'),
  'message.max.bytes': I('1048588'),
  'socket.request.max.bytes': I('104857600'),
  'connections.max.idle.ms': L('600000'),
  'min.insync.replicas': I('1'),
  'offsets.topic.num.partitions': I('50'),
  'offsets.topic.replication.factor': I('3'),
  'offsets.topic.segment.bytes': I('104857600'),
  'offsets.retention.minutes': I('10080'),
  'offsets.retention.check.interval.ms': L('600000'),
  'offsets.topic.compression.codec': I('0', true),
  'offsets.load.buffer.size': I('5242880', true),
  'offsets.commit.timeout.ms': I('5000', true),
  'offsets.commit.required.acks': I('-1', true),
  'group.initial.rebalance.delay.ms': I('3000'),
  'group.min.session.timeout.ms': I('6000'),
  'group.max.session.timeout.ms': I('1800000'),
  'group.max.size': I('2147483647'),
  'zookeeper.connect': S(null),
  'zookeeper.session.timeout.ms': I('18000'),
  'zookeeper.connection.timeout.ms': I(null),
  'zookeeper.set.acl': B('false', true),
  'zookeeper.max.in.flight.requests': I('10', true),
  'log.retention.hours': I('168'),
  'log.retention.minutes': I(null),
  'log.retention.ms': L(null),
  'log.retention.bytes': L('-1'),
  'log.segment.bytes': I('1073741824'),
  'log.roll.hours': I('168'),
  'log.roll.ms': L(null),
  'log.cleanup.policy': LS('delete'),
  'log.retention.check.interval.ms': L('300000'),
  'log.cleaner.enable': B('true'),
  'log.cleaner.threads': I('1', true),
  'log.cleaner.delete.retention.ms': L('86400000'),
  'log.cleaner.min.compaction.lag.ms': L('0'),
  'log.cleaner.min.cleanable.ratio': D('0.5'),
  'log.index.size.max.bytes': I('10485760'),
  'log.index.interval.bytes': I('4096'),
  'log.flush.interval.messages': L('9223372036854775807'),
  'log.flush.interval.ms': L(null),
  'log.flush.scheduler.interval.ms': L('9223372036854775807', true),
  'log.flush.offset.checkpoint.interval.ms': I('60000'),
  'log.flush.start.offset.checkpoint.interval.ms': I('60000'),
  'log.cleaner.backoff.ms': L('15000'),
  'log.cleaner.max.compaction.lag.ms': L('9223372036854775807'),
  'log.cleaner.dedupe.buffer.size': L('134217728', true),
  'log.cleaner.io.buffer.size': I('524288', true),
  'log.cleaner.io.max.bytes.per.second': D('1.7976931348623157E308', true),
  'log.roll.jitter.ms': L(null),
  'log.roll.jitter.hours': I('0'),
  'log.message.downconversion.enable': B('true'),
  'log.message.timestamp.after.max.ms': L('9223372036854775807'),
  'log.message.timestamp.before.max.ms': L('9223372036854775807'),
  'log.local.retention.ms': L('-2'),
  'log.local.retention.bytes': L('-2'),
  'num.replica.alter.log.dirs.threads': I(null, true),
  'replica.high.watermark.checkpoint.interval.ms': L('5000', true),
  'fetch.purgatory.purge.interval.requests': I('1000', true),
  'producer.purgatory.purge.interval.requests': I('1000', true),
  'delete.records.purgatory.purge.interval.requests': I('1', true),
  'request.timeout.ms': I('30000', true),
  'group.consumer.session.timeout.ms': I('45000', true),
  'transactional.id.expiration.ms': I('604800000'),
  'log.preallocate': B('false', true),
  'log.message.timestamp.type': S('CreateTime'),
  'log.message.timestamp.difference.max.ms': L('9223372036854775807'),
  'log.message.format.version': S('3.0-IV1', true),
  'log.segment.delete.delay.ms': L('60000'),
  'compression.type': S('producer'),
  'compression.gzip.level': I('-1'),
  'compression.lz4.level': I('9'),
  'compression.zstd.level': I('3'),
  'unclean.leader.election.enable': B('false', true),
  'producer.id.expiration.ms': I('86400000'),
  'transaction.state.log.replication.factor': I('3', true),
  'transaction.state.log.min.isr': I('2', true),
  'transaction.state.log.num.partitions': I('50', true),
  'num.network.threads': I('3', true),
  'num.io.threads': I('8', true),
  'num.replica.fetchers': I('1', true),
  'num.recovery.threads.per.data.dir': I('1', true),
  'background.threads': I('10', true),
  'queued.max.requests': I('500', true),
  'socket.send.buffer.bytes': I('102400', true),
  'socket.receive.buffer.bytes': I('102400', true),
  'replica.lag.time.max.ms': L('30000', true),
  'replica.fetch.max.bytes': I('1048576', true),
  'replica.socket.timeout.ms': I('30000', true),
  'controlled.shutdown.enable': B('true', true),
  'auto.leader.rebalance.enable': B('true', true),
  'leader.imbalance.check.interval.seconds': L('300', true),
  'group.max.size.per.member': I(null, true),
  'max.connections': I('2147483647', true),
  'max.connections.per.ip': I('2147483647', true),
  'authorizer.class.name': S('', true),
  'ssl.keystore.location': S(null, true),
  'ssl.keystore.password': {kind: 'password', default: null, noop: true},
  'ssl.key.password': {kind: 'password', default: null, noop: true},
  'ssl.truststore.location': S(null, true),
  'ssl.truststore.password': {kind: 'password', default: null, noop: true},
  'sasl.enabled.mechanisms': LS('GSSAPI', true),
  'metric.reporters': LS('', true),
  'kafka.metrics.reporters': LS('', true),
  'confluent.support.metrics.enable': B('false', true),
  'ktool.zookeeper.port': I('2181'),
  'ktool.cluster.id': S(null),
}

const LISTENER_RE = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(-?\d+)$/

function parseListeners(value: string, key: string, protocolMap: Map<string, string>): Listener[] {
  const out: Listener[] = []
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = LISTENER_RE.exec(raw)
    if (!m) throw new ConfigError(`Invalid value ${raw} for configuration ${key}: expected NAME://host:port`)
    const name = m[1]!.toUpperCase()
    const port = Number(m[3])
    if (port < 0 || port > 65535) throw new ConfigError(`Invalid value ${raw} for configuration ${key}: port out of range`)
    const protocol = protocolMap.get(name)
    if (!protocol) {
      throw new ConfigError(`No security protocol defined for listener ${name} (listener.security.protocol.map)`)
    }
    let host = m[2]!
    if (host.startsWith('[')) host = host.slice(1, -1)
    out.push({name, host, port, securityProtocol: protocol})
  }
  return out
}

function parseValue(key: string, def: KeyDef, value: string): string {
  const v = value.trim()
  switch (def.kind) {
    case 'int':
    case 'long':
      if (!/^-?\d+$/.test(v)) throw new ConfigError(`Invalid value ${value} for configuration ${key}: Not a number of type ${def.kind.toUpperCase()}`)
      return v
    case 'double':
      if (Number.isNaN(Number(v)) || v === '') throw new ConfigError(`Invalid value ${value} for configuration ${key}: Not a number of type DOUBLE`)
      return v
    case 'bool':
      if (!/^(true|false)$/i.test(v)) throw new ConfigError(`Invalid value ${value} for configuration ${key}: Expected value to be either true or false`)
      return v.toLowerCase()
    default:
      return v
  }
}

export interface ParsedConfig {
  config: BrokerConfig
  /** Human-readable notes to log once at start-up (no-op keys, unknown keys). */
  warnings: string[]
  notes: string[]
}

/** Parses effective properties into a BrokerConfig. Throws ConfigError on an invalid value. */
export function parseBrokerConfig(props: Properties): ParsedConfig {
  const warnings: string[] = []
  const notes: string[] = []
  const noop: string[] = []
  const unknown: string[] = []
  const values = new Map<string, string>()
  for (const [key, raw] of props) {
    const def = BROKER_KEYS[key]
    if (!def) {
      // Kafka accepts any key (plugins read their own); it warns about the ones nobody used.
      unknown.push(key)
      continue
    }
    values.set(key, parseValue(key, def, raw))
    if (def.noop) noop.push(key)
  }
  if (noop.length) notes.push(`These configurations are accepted for compatibility and have no effect in ktool: ${noop.join(', ')}`)
  if (unknown.length) warnings.push(`These configurations '${unknown.join(', ')}' were supplied but are not used yet.`)

  const get = (key: string): string | null => values.get(key) ?? BROKER_KEYS[key]?.default ?? null
  const int = (key: string): number => {
    const v = get(key)
    return v === null ? -1 : Number(v)
  }
  const bool = (key: string): boolean => get(key) === 'true'

  const brokerId = int('broker.id')
  const reservedMax = int('reserved.broker.max.id')
  if (brokerId < -1 || brokerId > reservedMax) {
    throw new ConfigError('broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id')
  }

  const protocolMap = new Map<string, string>()
  for (const pair of get('listener.security.protocol.map')!.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, protocol] = pair.split(':')
    if (!name || !protocol) throw new ConfigError(`Invalid value ${pair} for configuration listener.security.protocol.map`)
    protocolMap.set(name.trim().toUpperCase(), protocol.trim().toUpperCase())
  }
  let listenersValue = get('listeners')!
  if (!values.has('listeners') && (values.has('port') || values.has('host.name'))) {
    listenersValue = `PLAINTEXT://${get('host.name') ?? ''}:${get('port') ?? '9092'}`
  }
  const listeners = parseListeners(listenersValue, 'listeners', protocolMap)
  if (listeners.length === 0) throw new ConfigError('listeners must contain at least one listener')
  const names = new Set<string>()
  for (const l of listeners) {
    if (names.has(l.name)) throw new ConfigError(`Each listener must have a different name, listeners: ${listenersValue}`)
    names.add(l.name)
    if (l.securityProtocol !== 'PLAINTEXT') {
      throw new ConfigError(`Listener ${l.name} uses security protocol ${l.securityProtocol}; ktool's broker supports PLAINTEXT only`)
    }
  }
  let advertisedListeners = values.has('advertised.listeners')
    ? parseListeners(get('advertised.listeners')!, 'advertised.listeners', protocolMap)
    : listeners.map((l) => ({...l}))
  if (!values.has('advertised.listeners') && (values.has('advertised.host.name') || values.has('advertised.port'))) {
    advertisedListeners = [{...listeners[0]!, host: get('advertised.host.name') ?? listeners[0]!.host, port: values.has('advertised.port') ? int('advertised.port') : listeners[0]!.port}]
  }
  const advertised = advertisedListeners.find((l) => l.securityProtocol === 'PLAINTEXT') ?? advertisedListeners[0]!

  const logDirs = (get('log.dirs') ?? get('log.dir')!).split(',').map((s) => s.trim()).filter(Boolean)
  if (logDirs.length === 0) throw new ConfigError('log.dirs must contain at least one directory')

  let retentionMs: number
  if (values.has('log.retention.ms')) retentionMs = int('log.retention.ms')
  else if (values.has('log.retention.minutes')) retentionMs = int('log.retention.minutes') * 60_000
  else retentionMs = int('log.retention.hours') * 3_600_000

  const sessionTimeout = int('zookeeper.session.timeout.ms')
  const connectionTimeout = values.has('zookeeper.connection.timeout.ms') ? int('zookeeper.connection.timeout.ms') : sessionTimeout

  const positive = (key: string, min = 1): number => {
    const n = int(key)
    if (n < min) throw new ConfigError(`Invalid value ${n} for configuration ${key}: Value must be at least ${min}`)
    return n
  }

  const zk = get('zookeeper.connect')
  const config: BrokerConfig = {
    props,
    brokerId,
    listeners,
    advertisedListeners,
    advertisedHost: advertised.host,
    advertisedPort: advertised.port,
    rack: get('broker.rack'),
    logDirs,
    numPartitions: positive('num.partitions'),
    defaultReplicationFactor: positive('default.replication.factor'),
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    deleteTopicEnable: bool('delete.topic.enable'),
    messageMaxBytes: positive('message.max.bytes', 0),
    socketRequestMaxBytes: positive('socket.request.max.bytes'),
    connectionsMaxIdleMs: int('connections.max.idle.ms'),
    minInsyncReplicas: positive('min.insync.replicas'),
    offsetsTopicNumPartitions: positive('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: positive('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: positive('offsets.topic.segment.bytes'),
    offsetsRetentionMinutes: positive('offsets.retention.minutes'),
    offsetsRetentionCheckIntervalMs: positive('offsets.retention.check.interval.ms'),
    groupInitialRebalanceDelayMs: positive('group.initial.rebalance.delay.ms', 0),
    groupMinSessionTimeoutMs: positive('group.min.session.timeout.ms', 0),
    groupMaxSessionTimeoutMs: positive('group.max.session.timeout.ms', 0),
    groupMaxSize: positive('group.max.size'),
    zookeeperConnect: zk && zk.trim() ? zk.trim() : null,
    zookeeperSessionTimeoutMs: sessionTimeout,
    zookeeperConnectionTimeoutMs: connectionTimeout,
    logRetentionMs: retentionMs,
    logRetentionBytes: int('log.retention.bytes'),
    logSegmentBytes: positive('log.segment.bytes', 14),
    logCleanupPolicy: get('log.cleanup.policy')!,
    logRetentionCheckIntervalMs: positive('log.retention.check.interval.ms'),
    producerIdExpirationMs: positive('producer.id.expiration.ms'),
    embeddedZooKeeperPort: int('ktool.zookeeper.port'),
  }
  return {config, warnings, notes}
}
