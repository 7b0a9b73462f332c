// zookeeper.properties / zoo.cfg: the keys a standalone server reads, their defaults, and
// parseZooKeeperConfig, which turns a properties map into a config or throws ConfigError with
// ZooKeeper's wording. Defaults follow Kafka's shipped zookeeper.properties where the issue asks
// (dataDir=/tmp/zookeeper, clientPort=2181, maxClientCnxns=0, admin server off), else ZooKeeper's.
//
// Differences from ZooKeeper, on purpose:
// - 4lw.commands.whitelist defaults to the read-only words (ZooKeeper 3.5+ allows only srvr), so
//   that zktop and monitoring work out of the box; crst, srst and stmk still need listing.
// - server.N lines are refused: this version runs standalone only.
import type {Clock} from '../common/clock.js'

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export const FOUR_LETTER_WORDS = ['conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash'] as const
export const DEFAULT_4LW_WHITELIST = ['ruok', 'stat', 'srvr', 'mntr', 'cons', 'conf', 'envi', 'wchs', 'wchc', 'wchp', 'dump', 'isro', 'dirs', 'gtmk', 'hash']

export interface ZooKeeperConfig {
  dataDir: string
  dataLogDir: string
  clientPort: number
  clientPortAddress: string
  tickTime: number
  initLimit: number
  syncLimit: number
  /** Per client IP; 0 = unlimited. */
  maxClientCnxns: number
  minSessionTimeout: number
  maxSessionTimeout: number
  snapCount: number
  /** Bytes by which the txn log grows at a time (zookeeper.preAllocSize is in KB). */
  preAllocSize: number
  autopurgeSnapRetainCount: number
  /** Hours; 0 = off. */
  autopurgePurgeInterval: number
  fourLetterWords: Set<string>
  juteMaxBuffer: number
  adminEnableServer: boolean
  adminServerPort: number
  adminServerAddress: string
  extendedTypesEnabled: boolean
  containerCheckIntervalMs: number
  clientPortListenBacklog: number
  /** DigestAuthenticationProvider.superDigest ("super:<base64 sha1>"): that digest is superuser. */
  superDigest: string
  /** Requests a connection may have in flight before its socket stops being read. */
  maxOutstandingPerConnection: number
  clock?: Clock
  /** Every key as given, for `conf` and `envi`. */
  raw: Map<string, string>
}

export function defaultConfig(overrides: Partial<ZooKeeperConfig> = {}): ZooKeeperConfig {
  const tickTime = overrides.tickTime ?? 3000
  const cfg: ZooKeeperConfig = {
    dataDir: '/tmp/zookeeper',
    dataLogDir: '',
    clientPort: 2181,
    clientPortAddress: '0.0.0.0',
    tickTime,
    initLimit: 10,
    syncLimit: 5,
    maxClientCnxns: 0,
    minSessionTimeout: -1,
    maxSessionTimeout: -1,
    snapCount: 100000,
    preAllocSize: 65536 * 1024,
    autopurgeSnapRetainCount: 3,
    autopurgePurgeInterval: 0,
    fourLetterWords: new Set(DEFAULT_4LW_WHITELIST),
    juteMaxBuffer: 0xfffff,
    adminEnableServer: false,
    adminServerPort: 8080,
    adminServerAddress: '0.0.0.0',
    extendedTypesEnabled: false,
    containerCheckIntervalMs: 60000,
    clientPortListenBacklog: -1,
    superDigest: '',
    maxOutstandingPerConnection: 1000,
    raw: new Map(),
    ...overrides,
  }
  if (!cfg.dataLogDir) cfg.dataLogDir = cfg.dataDir
  if (cfg.minSessionTimeout < 0) cfg.minSessionTimeout = cfg.tickTime * 2
  if (cfg.maxSessionTimeout < 0) cfg.maxSessionTimeout = cfg.tickTime * 20
  return cfg
}

function int(props: Map<string, string>, key: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  const v = props.get(key)
  if (v === undefined) return undefined
  const t = v.trim()
  if (!/^-?\d+$/.test(t)) throw new ConfigError(`Error processing ${key}: For input string: "${v}"`)
  const n = Number(t)
  if (n < min) throw new ConfigError(`Invalid value ${n} for ${key}`)
  return n
}

function bool(props: Map<string, string>, key: string): boolean | undefined {
  const v = props.get(key)
  if (v === undefined) return undefined
  return v.trim().toLowerCase() === 'true'
}

export function parseWhitelist(value: string): Set<string> {
  const words = value.split(',').map((w) => w.trim()).filter(Boolean)
  if (words.includes('*')) return new Set(FOUR_LETTER_WORDS)
  return new Set(words.filter((w) => (FOUR_LETTER_WORDS as readonly string[]).includes(w)))
}

/** QuorumPeerConfig.parseProperties for the standalone subset. Throws ConfigError. */
export function parseZooKeeperConfig(props: Map<string, string>): ZooKeeperConfig {
  const ensemble = [...props.keys()].filter((k) => /^server\.\d+$/.test(k))
  if (ensemble.length > 0) {
    throw new ConfigError(`${ensemble.join(', ')}: ensemble (quorum) mode is not supported by this version of ktool; it runs a standalone server only. Remove the server.N lines to run standalone.`)
  }
  const o: Partial<ZooKeeperConfig> = {raw: new Map(props)}
  const dataDir = props.get('dataDir')?.trim()
  if (!dataDir) throw new ConfigError('dataDir is not set')
  o.dataDir = dataDir
  const dataLogDir = props.get('dataLogDir')?.trim()
  if (dataLogDir) o.dataLogDir = dataLogDir
  const port = int(props, 'clientPort', 0)
  if (port !== undefined) {
    if (port > 65535) throw new ConfigError(`Invalid value ${port} for clientPort`)
    o.clientPort = port
  } else if (props.has('clientPortAddress')) {
    throw new ConfigError('clientPortAddress is set but clientPort is not set')
  }
  const addr = props.get('clientPortAddress')?.trim()
  if (addr) o.clientPortAddress = addr
  const set = <K extends keyof ZooKeeperConfig>(k: K, v: ZooKeeperConfig[K] | undefined) => {
    if (v !== undefined) o[k] = v
  }
  set('tickTime', int(props, 'tickTime', 1))
  set('initLimit', int(props, 'initLimit', 0))
  set('syncLimit', int(props, 'syncLimit', 0))
  set('maxClientCnxns', int(props, 'maxClientCnxns', 0))
  set('minSessionTimeout', int(props, 'minSessionTimeout'))
  set('maxSessionTimeout', int(props, 'maxSessionTimeout'))
  set('snapCount', int(props, 'snapCount', 2))
  const pre = int(props, 'preAllocSize', 1) ?? int(props, 'zookeeper.preAllocSize', 1)
  if (pre !== undefined) o.preAllocSize = pre * 1024
  set('autopurgeSnapRetainCount', int(props, 'autopurge.snapRetainCount'))
  set('autopurgePurgeInterval', int(props, 'autopurge.purgeInterval'))
  if ((o.autopurgeSnapRetainCount ?? 3) < 3) o.autopurgeSnapRetainCount = 3 // ZooKeeper's minimum
  const wl = props.get('4lw.commands.whitelist')
  if (wl !== undefined) o.fourLetterWords = parseWhitelist(wl)
  set('juteMaxBuffer', int(props, 'jute.maxbuffer', 1))
  set('adminEnableServer', bool(props, 'admin.enableServer'))
  set('adminServerPort', int(props, 'admin.serverPort', 0))
  const adminAddr = props.get('admin.serverAddress')?.trim()
  if (adminAddr) o.adminServerAddress = adminAddr
  set('extendedTypesEnabled', bool(props, 'extendedTypesEnabled') ?? bool(props, 'zookeeper.extendedTypesEnabled'))
  set('containerCheckIntervalMs', int(props, 'znode.container.checkIntervalMs', 1))
  set('clientPortListenBacklog', int(props, 'clientPortListenBacklog'))
  // ZooKeeper turns unknown keys into zookeeper.<key> system properties; this one matters here.
  const sd = props.get('DigestAuthenticationProvider.superDigest') ?? props.get('zookeeper.DigestAuthenticationProvider.superDigest')
  if (sd) o.superDigest = sd.trim()
  if (props.has('secureClientPort')) throw new ConfigError('secureClientPort (TLS) is not supported by this version of ktool')
  const cfg = defaultConfig(o)
  if (cfg.minSessionTimeout > cfg.maxSessionTimeout) {
    throw new ConfigError('minSessionTimeout must not be larger than maxSessionTimeout')
  }
  return cfg
}
