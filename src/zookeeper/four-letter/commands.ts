// The four-letter words, formatted as Apache ZooKeeper 3.8 formats them (see
// ../shared/reference/zk-4lw-samples). Each returns the whole reply; the connection writes it
// and closes.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import os from 'node:os'
import type {Connection} from '../network/connection.js'
import type {ZooKeeperServer} from '../server.js'
import {javaDouble, type LatencyStats} from '../stats.js'
import {MNTR_COUNTERS, MNTR_PERCENTILE_SUMMARIES, MNTR_SUMMARIES} from './mntr-keys.js'
import {ZK_VERSION} from './version.js'
import {formatDigestLog} from '../digest.js'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** java.util.Date.toString() in UTC: "Sat Nov 21 21:13:40 UTC 2026". */
export function javaDate(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}

const hex = (n: bigint | number) => (typeof n === 'bigint' ? BigInt.asUintN(64, n) : BigInt.asUintN(64, BigInt(n))).toString(16)

export function dirSize(dir: string): number {
  let total = 0
  try {
    for (const name of readdirSync(dir)) {
      try {
        const st = statSync(join(dir, name))
        if (st.isFile()) total += st.size
      } catch {
        // raced with a purge
      }
    }
  } catch {
    return 0
  }
  return total
}

function connInfo(c: Connection, brief: boolean, started: number): string {
  let s = ` ${c.remote()}[${c.interestOps() === 0 ? '0' : c.interestOps().toString(16)}](queued=${c.outstanding},recved=${c.recved},sent=${c.sent}`
  if (!brief && c.sessionId !== 0n) {
    s += `,sid=0x${hex(c.sessionId)},lop=${c.lastOp},est=${c.established},to=${c.timeout}`
    if (c.lastCxid >= 0) s += `,lcxid=0x${hex(c.lastCxid)}`
    s += `,lzxid=0x${hex(c.lastZxid)},lresp=${c.lastResponseTime === 0 ? 0 : c.lastResponseTime - started},llat=${c.lastLatency}`
    const avg = c.latency.count === 0 ? 0 : Math.floor(c.latency.total / c.latency.count)
    s += `,minlat=${c.latency.minOrZero()},avglat=${avg},maxlat=${c.latency.max}`
  }
  return s + ')'
}

function serverStats(zk: ZooKeeperServer): string {
  const st = zk.stats
  return (
    `Latency min/avg/max: ${st.latency.minOrZero()}/${javaDouble(st.latency.avg())}/${st.latency.max}\n` +
    `Received: ${st.packetsReceived}\n` +
    `Sent: ${st.packetsSent}\n` +
    `Connections: ${zk.connections.size}\n` +
    `Outstanding: ${outstanding(zk)}\n` +
    `Zxid: 0x${hex(zk.tree.lastProcessedZxid)}\n` +
    'Mode: standalone\n' +
    `Node count: ${zk.tree.nodeCount()}\n`
  )
}

export function outstanding(zk: ZooKeeperServer): number {
  let n = 0
  for (const c of zk.connections) n += c.outstanding
  return n
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return 0
  }
}

function maxFds(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8')
    const m = /Max open files\s+(\d+)/.exec(limits)
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/**
 * A ConcurrentHashMap<String, _>'s iteration order: by bucket (String.hashCode, spread, masked
 * to the table size, which starts at 16 and doubles at 3/4 full), then insertion order within a
 * bucket. Exact while the map has never been resized (under 12 keys); close after.
 */
function javaHashOrder<V>(map: Map<string, V>): [string, V][] {
  let n = 16
  while (map.size >= n * 0.75) n *= 2
  const bucket = (s: string) => {
    let h = 0
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
    return ((h ^ (h >>> 16)) & 0x7fffffff) & (n - 1)
  }
  return [...map].map((e, i) => ({e, b: bucket(e[0]), i})).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.e)
}

/** An AvgMinMaxCounter's five lines (all 0 for a metric this server does not measure). */
function summaryLines(k: string, m: LatencyStats | undefined): string {
  if (!m) return `zk_avg_${k}\t0.0\nzk_min_${k}\t0\nzk_max_${k}\t0\nzk_cnt_${k}\t0\nzk_sum_${k}\t0\n`
  return `zk_avg_${k}\t${javaDouble(m.avg())}\nzk_min_${k}\t${m.minOrZero()}\nzk_max_${k}\t${m.max}\nzk_cnt_${k}\t${m.count}\nzk_sum_${k}\t${Math.round(m.total)}\n`
}

export function mntr(zk: ZooKeeperServer): string {
  const st = zk.stats
  const tree = zk.tree
  const values: Record<string, number | string> = {
    ephemerals_count: tree.ephemeralCount(),
    num_alive_connections: zk.connections.size,
    avg_latency: javaDouble(st.latency.avg()),
    outstanding_requests: outstanding(zk),
    znode_count: tree.nodeCount(),
    global_sessions: zk.sessions.sessions.size,
    last_client_response_size: st.lastResponseSize,
    packets_sent: st.packetsSent,
    packets_received: st.packetsReceived,
    max_client_response_size: st.maxResponseSize,
    connection_drop_probability: '0.0',
    watch_count: tree.dataWatches.size() + tree.childWatches.size(),
    auth_failed_count: st.authFailed,
    min_latency: st.latency.minOrZero(),
    max_file_descriptor_count: maxFds(),
    approximate_data_size: tree.approximateDataSize,
    open_file_descriptor_count: openFds(),
    uptime: Date.now() - st.startedAt,
    max_latency: st.latency.max,
    min_client_response_size: st.minResponseSize === Number.MAX_SAFE_INTEGER ? -1 : st.minResponseSize,
    large_requests_rejected: st.largeRequestsRejected,
    connection_rejected: st.connectionRejected,
    bytes_received_count: st.bytesReceived,
    outstanding_changes_queued: st.outstandingChangesQueued,
    outstanding_changes_removed: st.outstandingChangesRemoved,
    prep_processor_request_queued: st.requestsQueued,
    sync_processor_request_queued: st.requestsQueued,
    connection_request_count: st.connectionRequests,
    response_bytes: st.responseBytes,
    watch_bytes: st.watchBytes,
    connection_drop_count: st.connectionDrops,
    stale_sessions_expired: st.sessionsExpired,
    sessionless_connections_expired: st.sessionlessConnectionsExpired,
  }
  let out = `zk_version\t${ZK_VERSION}\nzk_server_state\tstandalone\n`
  for (const k of MNTR_COUNTERS) out += `zk_${k}\t${values[k] ?? 0}\n`
  const measured = st.summaries as Record<string, LatencyStats | undefined>
  const summary = (k: string) => summaryLines(k, measured[k])
  for (const k of MNTR_SUMMARIES) out += summary(k)
  for (const k of MNTR_PERCENTILE_SUMMARIES) {
    out += summary(k)
    const m = measured[k]
    out += `zk_p50_${k}\t${m ? m.percentile(0.5) : 0}\nzk_p95_${k}\t${m ? m.percentile(0.95) : 0}\nzk_p99_${k}\t${m ? m.percentile(0.99) : 0}\nzk_p999_${k}\t${m ? m.percentile(0.999) : 0}\n`
  }
  // One summary per top-level znode read or written, reads first, each set in the order of
  // ZooKeeper's ConcurrentHashMap.
  for (const [ns, m] of javaHashOrder(st.readPerNamespace)) out += summaryLines(`${ns}_read_per_namespace`, m)
  for (const [ns, m] of javaHashOrder(st.writePerNamespace)) out += summaryLines(`${ns}_write_per_namespace`, m)
  return out
}

function envi(): string {
  const mb = (n: number) => `${Math.floor(n / (1024 * 1024))}MB`
  const mem = process.memoryUsage()
  const arch = os.arch() === 'x64' ? 'amd64' : os.arch()
  let user = 'unknown'
  try {
    user = os.userInfo().username
  } catch {
    // no passwd entry
  }
  const lines = [
    `zookeeper.version=${ZK_VERSION}`,
    `host.name=${os.hostname()}`,
    `java.version=${process.versions.node}`,
    'java.vendor=Node.js (ktool)',
    `java.home=${process.execPath}`,
    `java.class.path=${process.argv[1] ?? ''}`,
    'java.library.path=',
    `java.io.tmpdir=${os.tmpdir()}`,
    'java.compiler=<NA>',
    `os.name=${os.type()}`,
    `os.arch=${arch}`,
    `os.version=${os.release()}`,
    `user.name=${user}`,
    `user.home=${os.homedir()}`,
    `user.dir=${process.cwd()}`,
    `os.memory.free=${mb(mem.heapTotal - mem.heapUsed)}`,
    `os.memory.max=${mb(os.totalmem())}`,
    `os.memory.total=${mb(mem.rss)}`,
  ]
  return `Environment:\n${lines.join('\n')}\n`
}

function conf(zk: ZooKeeperServer): string {
  const c = zk.config
  return [
    `clientPort=${zk.port}`,
    'secureClientPort=-1',
    `dataDir=${zk.snapDir}`,
    `dataDirSize=${dirSize(zk.snapDir)}`,
    `dataLogDir=${zk.logDir}`,
    `dataLogSize=${dirSize(zk.logDir)}`,
    `tickTime=${c.tickTime}`,
    `maxClientCnxns=${c.maxClientCnxns}`,
    `minSessionTimeout=${c.minSessionTimeout}`,
    `maxSessionTimeout=${c.maxSessionTimeout}`,
    `clientPortListenBacklog=${c.clientPortListenBacklog}`,
    'serverId=0',
  ].join('\n') + '\n'
}

function watchesBySession(zk: ZooKeeperServer): string {
  let out = ''
  for (const [w, paths] of zk.tree.dataWatches.byWatcherEntries()) {
    out += `0x${hex(w.sessionId)}\n`
    for (const p of paths.keys()) out += `\t${p}\n`
  }
  return out + '\n'
}

function watchesByPath(zk: ZooKeeperServer): string {
  let out = ''
  for (const [path, ws] of zk.tree.dataWatches.byPathEntries()) {
    out += `${path}\n`
    for (const w of ws.keys()) out += `\t0x${hex(w.sessionId)}\n`
  }
  return out + '\n'
}

function dump(zk: ZooKeeperServer): string {
  const buckets = [...zk.sessions.buckets.entries()].sort((a, b) => a[0] - b[0])
  let out = 'SessionTracker dump:\n'
  out += `Session Sets (${buckets.length})/(${zk.sessions.sessions.size}):\n`
  for (const [at, set] of buckets) {
    out += `${set.size} expire at ${javaDate(at)}:\n`
    for (const s of set) out += `\t0x${hex(s.id)}\n`
  }
  out += 'ephemeral nodes dump:\n'
  out += `Sessions with Ephemerals (${zk.tree.ephemerals.size}):\n`
  for (const [sid, paths] of zk.tree.ephemerals) {
    out += `0x${hex(sid)}:\n`
    for (const p of paths) out += `\t${p}\n`
  }
  // Connections expire with their sessions here; list them in one set per session deadline.
  const byTime = new Map<number, Connection[]>()
  for (const c of zk.connections) {
    const at = c.session?.expiresAt ?? Math.ceil((Date.now() + zk.config.tickTime) / zk.config.tickTime) * zk.config.tickTime
    const list = byTime.get(at) ?? []
    list.push(c)
    byTime.set(at, list)
  }
  out += 'Connections dump:\n'
  out += `Connections Sets (${byTime.size})/(${zk.connections.size}):\n`
  for (const [at, list] of [...byTime].sort((a, b) => a[0] - b[0])) {
    out += `${list.length} expire at ${javaDate(at)}:\n`
    for (const c of list) out += `\tip: ${c.remote()} sessionId: 0x${hex(c.sessionId)}\n`
  }
  return out
}

export function fourLetterWord(zk: ZooKeeperServer, word: string, asker: Connection): string {
  const started = zk.stats.startedAt
  switch (word) {
    case 'ruok':
      return 'imok'
    case 'isro':
      return 'rw'
    case 'gtmk':
    case 'stmk':
      return '306'
    case 'srvr':
      return `Zookeeper version: ${ZK_VERSION}\n${serverStats(zk)}`
    case 'stat': {
      let out = `Zookeeper version: ${ZK_VERSION}\nClients:\n`
      // The asking connection first, as ZooKeeper's connection set tends to list it.
      const conns = [asker, ...[...zk.connections].filter((c) => c !== asker)]
      for (const c of conns) out += connInfo(c, true, started) + '\n'
      return out + '\n' + serverStats(zk)
    }
    case 'cons': {
      let out = ''
      for (const c of zk.connections) out += connInfo(c, false, started) + '\n'
      return out + '\n'
    }
    case 'crst':
      for (const c of zk.connections) {
        c.recved = 0
        c.sent = 0
        c.latency.reset()
        c.lastLatency = 0
        c.lastOp = 'NA'
        c.lastCxid = -1
        c.lastZxid = -1
        c.lastResponseTime = 0
      }
      return 'Connection stats reset.\n'
    case 'srst':
      zk.stats.reset()
      return 'Server stats reset.\n'
    case 'mntr':
      return mntr(zk)
    case 'envi':
      return envi()
    case 'conf':
      return conf(zk)
    case 'dirs':
      return `datadir_size: ${dirSize(zk.snapDir)}\nlogdir_size: ${dirSize(zk.logDir)}\n`
    case 'wchs': {
      const m = zk.tree.dataWatches
      return `${m.watcherCount()} connections watching ${m.pathCount()} paths\nTotal watches:${m.size()}\n`
    }
    case 'wchc':
      return watchesBySession(zk)
    case 'wchp':
      return watchesByPath(zk)
    case 'dump':
      return dump(zk)
    case 'hash':
      // DigestCommand: the digest log, one "<zxid hex>: <digest>" line per 128 zxids.
      return formatDigestLog(zk.tree.digestLog)
    default:
      return ''
  }
}
