// Which broker configs may change at run time (Kafka's DynamicBrokerConfig.AllDynamicConfigs, ZooKeeper
// mode, 3.x), which only per broker, and the checks Kafka's DynamicBrokerConfig.validateConfigs makes
// on a new set of dynamic configs (names first, then types, then the per-broker-only keys). Messages
// are Kafka's ConfigException texts; the caller wraps them as Kafka's ZkAdminManager does.
import {BROKER_KEYS} from '../config.js'
import {TOPIC_CONFIGS, validateTopicConfig} from '../topic-configs.js'

/** The log config synonyms: the first broker key of each topic config (Kafka's DynamicLogConfig). */
const LOG_KEYS = new Map<string, string>()
for (const [topicKey, def] of Object.entries(TOPIC_CONFIGS)) {
  const first = def.synonyms[0]?.key
  if (first && first !== 'log.message.format.version') LOG_KEYS.set(first, topicKey)
}

const CLEANER_KEYS = ['log.cleaner.threads', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.io.buffer.load.factor', 'log.cleaner.io.buffer.size', 'log.cleaner.io.max.bytes.per.second', 'log.cleaner.backoff.ms']
/** Kafka's DynamicThreadPool: a new value must stay within [current / 2, current * 2]. */
export const THREAD_POOL_KEYS = ['num.io.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads']
const SOCKET_SERVER_KEYS = ['max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connections', 'max.connection.creation.rate', 'num.network.threads']
const LISTENER_KEYS = ['listeners', 'advertised.listeners', 'listener.security.protocol.map']
const OTHER_KEYS = ['metric.reporters', 'producer.id.expiration.ms', 'transaction.partition.verification.enable', 'config.providers', 'remote.log.index.file.cache.total.size.bytes']
/** Dynamic-only configs (no server.properties meaning): the replication throttles. */
const DYNAMIC_ONLY: Record<string, 'long'> = {'leader.replication.throttled.rate': 'long', 'follower.replication.throttled.rate': 'long', 'replica.alter.log.dirs.io.max.bytes.per.second': 'long'}
/** SSL keys Kafka only takes with a listener prefix (listener.name.<l>.ssl...). */
const SECURITY_KEYS = ['ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.keystore.certificate.chain', 'ssl.keystore.key', 'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.password', 'ssl.truststore.certificates', 'ssl.protocol', 'ssl.enabled.protocols', 'ssl.cipher.suites', 'ssl.endpoint.identification.algorithm', 'ssl.client.auth']

export const ALL_DYNAMIC = new Set<string>([...LOG_KEYS.keys(), ...CLEANER_KEYS, ...THREAD_POOL_KEYS, ...SOCKET_SERVER_KEYS, ...LISTENER_KEYS, ...OTHER_KEYS, ...SECURITY_KEYS, ...Object.keys(DYNAMIC_ONLY)])
/** Refused at the cluster-default level ("broker id must be specified"). */
const PER_BROKER = new Set<string>([...LISTENER_KEYS, ...SECURITY_KEYS])
const LISTENER_PREFIX = /^listener\.name\.[^.]*\.(.*)$/

/**
 * Dynamic keys ktool accepts, stores and describes but that change nothing in a running ktool broker:
 * only the log config synonyms reach the logs (thread pools, the cleaner's sizing, connection
 * limits, producer id expiry and the rest are fixed at start-up here).
 */
export function hasNoEffect(key: string): boolean {
  return !LOG_KEYS.has(key)
}

export function isDynamic(key: string): boolean {
  return ALL_DYNAMIC.has(key)
}

/** Kafka's broker config synonyms, most specific first (DynamicBrokerConfig.brokerConfigSynonyms). */
export function brokerSynonyms(key: string): string[] {
  switch (key) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours']
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours']
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']
    default:
      return [key]
  }
}

/** Scala's Set.toString, as Kafka's messages print key sets. */
export function scalaSet(keys: Iterable<string>): string {
  return `Set(${[...keys].join(', ')})`
}

function typeError(key: string, value: string): string | null {
  const topicKey = LOG_KEYS.get(key)
  if (topicKey) {
    const error = validateTopicConfig(topicKey, value)
    return error ? error.replace(`for configuration ${topicKey}:`, `for configuration ${key}:`) : null
  }
  const kind = BROKER_KEYS[key]?.kind ?? DYNAMIC_ONLY[key]
  const v = value.trim()
  switch (kind) {
    case 'int':
    case 'long':
      if (!/^-?\d+$/.test(v)) return `Invalid value ${value} for configuration ${key}: Not a number of type ${kind.toUpperCase()}`
      if (kind === 'int' && (Number(v) > 2147483647 || Number(v) < -2147483648)) return `Invalid value ${value} for configuration ${key}: Not a number of type INT`
      if ((THREAD_POOL_KEYS.includes(key) || key === 'num.network.threads' || key === 'log.cleaner.threads') && Number(v) < 1) return `Invalid value ${value} for configuration ${key}: Value must be at least 1`
      if (key.startsWith('max.connections') && Number(v) < 0) return `Invalid value ${value} for configuration ${key}: Value must be at least 0`
      return null
    case 'double':
      return v === '' || Number.isNaN(Number(v)) ? `Invalid value ${value} for configuration ${key}: Not a number of type DOUBLE` : null
    case 'bool':
      return /^(true|false)$/i.test(v) ? null : `Invalid value ${value} for configuration ${key}: Expected value to be either true or false`
    default:
      return null
  }
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs for the whole new set at one level. Unknown keys are
 * accepted, as Kafka accepts custom broker properties (DynamicConfig.Broker allows them).
 * `current` gives the values now in force, for the thread-pool bounds. Returns the message or null.
 */
export function validateDynamicConfigs(configs: Map<string, string>, perBroker: boolean, current: (key: string) => string | undefined): string | null {
  const keys = [...configs.keys()]
  const nonDynamic = keys.filter((k) => (BROKER_KEYS[k] !== undefined || k.startsWith('ktool.')) && !ALL_DYNAMIC.has(k))
  if (nonDynamic.length > 0) return `Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`
  const security = keys.filter((k) => SECURITY_KEYS.includes(k))
  if (security.length > 0) return `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(security)}`
  for (const [k, v] of configs) {
    const base = LISTENER_PREFIX.exec(k)?.[1] ?? k
    const error = typeError(base, v)
    if (error) return error
  }
  if (!perBroker) {
    const perBrokerKeys = keys.filter((k) => PER_BROKER.has(k) || (LISTENER_PREFIX.test(k) && !SOCKET_SERVER_KEYS.includes(LISTENER_PREFIX.exec(k)![1]!)))
    if (perBrokerKeys.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBrokerKeys)}`
  }
  for (const k of THREAD_POOL_KEYS) {
    const next = configs.get(k)
    const old = Number(current(k) ?? BROKER_KEYS[k]?.default ?? '1')
    if (next === undefined || Number(next) === old) continue
    const n = Number(next)
    const msg = `Dynamic thread count update validation failed for ${k}=${next}`
    if (n < Math.floor(old / 2)) return `${msg}, value should be at least half the current value ${old}`
    if (n > old * 2) return `${msg}, value should not be greater than double the current value ${old}`
  }
  return null
}

/** Keys ktool cannot apply to a running broker even though Kafka can (it rebinds listeners). */
export function unsupportedHere(configs: Map<string, string>): string[] {
  return [...configs.keys()].filter((k) => LISTENER_KEYS.includes(k) || LISTENER_PREFIX.test(k))
}

/** LIST-typed keys (IncrementalAlterConfigs APPEND/SUBTRACT); undefined for an unknown key. */
export function isListKey(key: string): boolean | undefined {
  const topicKey = LOG_KEYS.get(key)
  if (topicKey) return TOPIC_CONFIGS[topicKey]!.type === 'LIST'
  const def = BROKER_KEYS[key]
  if (def) return def.kind === 'list'
  if (ALL_DYNAMIC.has(key)) return key === 'metric.reporters' || key === 'config.providers'
  return undefined
}

export function listDefault(key: string): string {
  const topicKey = LOG_KEYS.get(key)
  if (topicKey) return TOPIC_CONFIGS[topicKey]!.default
  return BROKER_KEYS[key]?.default ?? ''
}
