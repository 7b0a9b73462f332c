// Standalone worker properties (connect-standalone.properties), with Kafka's defaults and errors.
import type {Logger} from '../common/logger.js'
import type {Properties} from '../common/properties.js'

export class ConnectConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConnectConfigError'
  }
}

export interface WorkerConfig {
  bootstrapServers: string[]
  keyConverter: string
  valueConverter: string
  offsetStorageFile: string
  offsetFlushIntervalMs: number
  offsetFlushTimeoutMs: number
  restHost: string
  restPort: number
  advertisedHost: string | null
  advertisedPort: number | null
  pluginPath: string[]
  taskShutdownGracefulTimeoutMs: number
  /** Every key as given, for converter-prefixed settings and producer./consumer. overrides. */
  raw: Record<string, string>
}

const KNOWN = new Set([
  'bootstrap.servers', 'key.converter', 'value.converter', 'header.converter', 'offset.storage.file.filename',
  'offset.flush.interval.ms', 'offset.flush.timeout.ms', 'listeners', 'rest.host.name', 'rest.port',
  'rest.advertised.host.name', 'rest.advertised.port', 'rest.advertised.listener', 'plugin.path',
  'task.shutdown.graceful.timeout.ms', 'connector.client.config.override.policy', 'topic.tracking.enable',
  'topic.tracking.allow.reset', 'internal.key.converter', 'internal.value.converter', 'client.id',
  'errors.retry.timeout', 'errors.retry.delay.max.ms', 'metrics.sample.window.ms', 'metrics.num.samples',
  'metrics.recording.level', 'metric.reporters', 'config.providers', 'access.control.allow.origin',
  'access.control.allow.methods', 'admin.listeners', 'response.http.headers.config', 'rest.extension.classes',
  'header.converter', 'auto.include.jmx.reporter', 'security.protocol', 'scheduled.rebalance.max.delay.ms',
])
const KNOWN_PREFIXES = ['key.converter.', 'value.converter.', 'header.converter.', 'internal.key.converter.', 'internal.value.converter.',
  'producer.', 'consumer.', 'admin.', 'listeners.', 'config.providers.', 'sasl.', 'ssl.']

function required(raw: Record<string, string>, key: string): string {
  const v = raw[key]
  if (v === undefined || v.trim() === '') throw new ConnectConfigError(`Missing required configuration "${key}" which has no default value.`)
  return v.trim()
}

function intConfig(raw: Record<string, string>, key: string, dflt: number): number {
  const v = raw[key]
  if (v === undefined) return dflt
  const n = Number(v.trim())
  if (!Number.isInteger(n)) throw new ConnectConfigError(`Invalid value ${v} for configuration ${key}: Not a number of type LONG`)
  return n
}

/** The first `http://host:port` of `listeners`, or the legacy rest.host.name / rest.port. */
function restListener(raw: Record<string, string>): {host: string; port: number} {
  const listeners = raw.listeners?.split(',').map((s) => s.trim()).filter(Boolean)
  if (listeners && listeners.length > 0) {
    const m = /^(https?):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(listeners[0]!)
    if (!m) throw new ConnectConfigError(`Invalid value ${raw.listeners} for configuration listeners: Could not parse listener ${listeners[0]}`)
    if (m[1] === 'https') throw new ConnectConfigError('listeners: https is not supported by this worker; use http')
    return {host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3])}
  }
  return {host: raw['rest.host.name'] ?? '', port: intConfig(raw, 'rest.port', 8083)}
}

export function parseWorkerConfig(props: Properties, logger?: Logger): WorkerConfig {
  const raw = Object.fromEntries(props)
  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key) && !KNOWN_PREFIXES.some((p) => key.startsWith(p))) {
      logger?.warn(`The configuration '${key}' was supplied but isn't a known config.`)
    }
  }
  const rest = restListener(raw)
  return {
    bootstrapServers: (raw['bootstrap.servers'] ?? 'localhost:9092').split(',').map((s) => s.trim()).filter(Boolean),
    keyConverter: required(raw, 'key.converter'),
    valueConverter: required(raw, 'value.converter'),
    offsetStorageFile: required(raw, 'offset.storage.file.filename'),
    offsetFlushIntervalMs: intConfig(raw, 'offset.flush.interval.ms', 60_000),
    offsetFlushTimeoutMs: intConfig(raw, 'offset.flush.timeout.ms', 5_000),
    restHost: rest.host,
    restPort: rest.port,
    advertisedHost: raw['rest.advertised.host.name'] ?? null,
    advertisedPort: raw['rest.advertised.port'] ? intConfig(raw, 'rest.advertised.port', 0) : null,
    pluginPath: (raw['plugin.path'] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    taskShutdownGracefulTimeoutMs: intConfig(raw, 'task.shutdown.graceful.timeout.ms', 5_000),
    raw,
  }
}

/** Keys under a prefix with the prefix removed (producer.*, consumer.*, value.converter.*). */
export function withPrefix(raw: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}
