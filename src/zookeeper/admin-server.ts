// The AdminServer (admin.enableServer): HTTP GET /commands lists the commands and
// /commands/<name> answers one as JSON, with ZooKeeper's command names and their four-letter
// aliases. The facts are the ones the four-letter words report.
import {createServer} from 'node:http'
import type {ZooKeeperServer} from './server.js'
import {ZK_VERSION} from './four-letter/version.js'
import {javaDouble} from './stats.js'
import {DIGEST_VERSION} from './digest.js'
import {dirSize, mntr, outstanding} from './four-letter/commands.js'

type Handler = (zk: ZooKeeperServer) => Record<string, unknown>

const hex = (n: bigint | number) => '0x' + BigInt.asUintN(64, BigInt(n)).toString(16)

function serverStats(zk: ZooKeeperServer): Record<string, unknown> {
  const st = zk.stats
  return {
    packets_sent: st.packetsSent,
    packets_received: st.packetsReceived,
    fsync_threshold_exceed_count: st.fsyncThresholdExceeded,
    client_response_stats: {last_buffer_size: st.lastResponseSize, min_buffer_size: st.minResponseSize === Number.MAX_SAFE_INTEGER ? -1 : st.minResponseSize, max_buffer_size: st.maxResponseSize},
    data_dir_size: dirSize(zk.snapDir),
    log_dir_size: dirSize(zk.logDir),
    last_processed_zxid: zk.tree.lastProcessedZxid,
    outstanding_requests: outstanding(zk),
    server_state: 'standalone',
    avg_latency: Number(javaDouble(zk.stats.latency.avg())),
    max_latency: st.latency.max,
    min_latency: st.latency.minOrZero(),
    num_alive_client_connections: zk.connections.size,
    provider_null: false,
    uptime: Date.now() - st.startedAt,
  }
}

const COMMANDS: Record<string, {aliases: string[]; run: Handler}> = {
  ruok: {aliases: [], run: () => ({})},
  server_stats: {aliases: ['srvr'], run: (zk) => ({version: ZK_VERSION, read_only: false, server_stats: serverStats(zk), node_count: zk.tree.nodeCount()})},
  stats: {aliases: ['stat'], run: (zk) => ({
    version: ZK_VERSION, read_only: false, server_stats: serverStats(zk), node_count: zk.tree.nodeCount(),
    connections: [...zk.connections].map((c) => ({remote_socket_address: `${c.remoteIp}:${c.remotePort}`, interest_ops: c.interestOps(), outstanding_requests: c.outstanding, packets_received: c.recved, packets_sent: c.sent})),
    secure_connections: [],
  })},
  connections: {aliases: ['cons'], run: (zk) => ({
    connections: [...zk.connections].map((c) => ({
      remote_socket_address: `${c.remoteIp}:${c.remotePort}`, interest_ops: c.interestOps(), outstanding_requests: c.outstanding,
      packets_received: c.recved, packets_sent: c.sent, session_id: hex(c.sessionId), last_operation: c.lastOp, session_timeout: c.timeout,
      last_cxid: hex(c.lastCxid), last_zxid: hex(c.lastZxid), last_response_time: c.lastResponseTime, last_latency: c.lastLatency,
      min_latency: c.latency.minOrZero(), avg_latency: c.latency.count ? Math.floor(c.latency.total / c.latency.count) : 0, max_latency: c.latency.max,
    })),
    secure_connections: [],
  })},
  configuration: {aliases: ['conf'], run: (zk) => ({
    client_port: zk.port, data_dir: zk.snapDir, data_log_dir: zk.logDir, tick_time: zk.config.tickTime, max_client_cnxns: zk.config.maxClientCnxns,
    min_session_timeout: zk.config.minSessionTimeout, max_session_timeout: zk.config.maxSessionTimeout, server_id: 0, client_port_listen_backlog: zk.config.clientPortListenBacklog,
  })},
  environment: {aliases: ['envi'], run: () => ({'zookeeper.version': ZK_VERSION, 'host.name': process.env.HOSTNAME ?? '', 'java.version': process.versions.node})},
  is_read_only: {aliases: ['isro'], run: () => ({read_only: false})},
  watch_summary: {aliases: ['wchs'], run: (zk) => ({num_connections: zk.tree.dataWatches.watcherCount(), num_paths: zk.tree.dataWatches.pathCount(), num_total_watches: zk.tree.dataWatches.size()})},
  watches: {aliases: ['wchc'], run: (zk) => ({session_id_to_watched_paths: Object.fromEntries([...zk.tree.dataWatches.byWatcherEntries()].map(([w, p]) => [String(w.sessionId), [...p.keys()]]))})},
  watches_by_path: {aliases: ['wchp'], run: (zk) => ({path_to_session_ids: Object.fromEntries([...zk.tree.dataWatches.byPathEntries()].map(([p, ws]) => [p, [...ws.keys()].map((w) => String(w.sessionId))]))})},
  dump: {aliases: [], run: (zk) => ({
    expiry_time_to_session_ids: Object.fromEntries([...zk.sessions.buckets].map(([t, s]) => [t, [...s].map((x) => String(x.id))])),
    session_id_to_ephemeral_paths: Object.fromEntries([...zk.tree.ephemerals].map(([sid, p]) => [String(sid), [...p]])),
  })},
  // MonitorCommand: every metric mntr prints, keyed without the zk_ prefix, numbers as numbers.
  monitor: {aliases: ['mntr'], run: (zk) => {
    const out: Record<string, unknown> = {}
    for (const line of mntr(zk).split('\n')) {
      const tab = line.indexOf('\t')
      if (tab < 0) continue
      const value = line.slice(tab + 1)
      out[line.slice(3, tab)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
    }
    return out
  }},
  // DigestCommand; ZxidDigest's getters in the AdminServer's snake_case JSON. (Debian's
  // ZooKeeper 3.8 does not start its AdminServer, so this one is written from the sources.)
  hash: {aliases: [], run: (zk) => ({
    digests: zk.tree.digestLog.map((d) => ({zxid: d.zxid, digest_version: DIGEST_VERSION, digest: d.digest})),
  })},
  connection_stat_reset: {aliases: ['crst'], run: () => ({})},
  stat_reset: {aliases: ['srst'], run: (zk) => {
    zk.stats.reset()
    return {}
  }},
}

/** JSON with 64-bit values (bigints, such as digests) written as exact numbers, as Jackson does. */
function toJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? `\u0000big${v}` : v), 2).replace(/"\\u0000big(-?\d+)"/g, '$1')
}

export async function startAdminServer(zk: ZooKeeperServer): Promise<{close(): Promise<void>; port: number}> {
  const byName = new Map<string, string>()
  for (const [name, c] of Object.entries(COMMANDS)) {
    byName.set(name, name)
    for (const a of c.aliases) byName.set(a, name)
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const m = /^\/commands\/?([^/]*)$/.exec(url.pathname)
    if (!m) {
      res.writeHead(404, {'content-type': 'text/plain'}).end('Not Found\n')
      return
    }
    if (!m[1]) {
      const links = Object.keys(COMMANDS).sort().map((n) => `<a href="/commands/${n}">${n}</a><br/>`).join('\n')
      res.writeHead(200, {'content-type': 'text/html'}).end(`<html><body><h1>ZooKeeper AdminServer commands</h1>\n${links}\n</body></html>\n`)
      return
    }
    const name = byName.get(m[1])
    if (!name) {
      res.writeHead(404, {'content-type': 'application/json'}).end(JSON.stringify({command: m[1], error: `Unknown command: ${m[1]}`}) + '\n')
      return
    }
    const body = {...COMMANDS[name]!.run(zk), command: name, error: null}
    res.writeHead(200, {'content-type': 'application/json'}).end(toJson(body) + '\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(zk.config.adminServerPort, zk.config.adminServerAddress, () => resolve())
  })
  const addr = server.address()
  return {
    port: addr && typeof addr === 'object' ? addr.port : zk.config.adminServerPort,
    close: () => new Promise<void>((res) => {
      server.closeAllConnections()
      server.close(() => res())
    }),
  }
}
