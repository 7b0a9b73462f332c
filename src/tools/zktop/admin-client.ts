// The AdminServer's HTTP /commands (ZooKeeper 3.5+, Jetty on admin.serverPort, 8080 by default):
// the fallback when the four-letter words are not whitelisted. Replies are JSON objects with
// `command` and `error` fields; the ones used here were captured from ZooKeeper 3.8 in
// test/tools/zktop/fixtures/admin-*.json.
import type {ClientConnection, ServerStats} from './types.js'

export class AdminError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AdminError'
  }
}

/** `http://h:8080`, `http://h:8080/`, `http://h:8080/commands` all mean the same base. */
export function adminBase(url: string): string {
  let base = url.trim().replace(/\/+$/, '')
  if (base.endsWith('/commands')) base = base.slice(0, -'/commands'.length)
  if (!/^https?:\/\//.test(base)) base = 'http://' + base
  return base
}

export async function adminCommand(url: string, command: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const target = `${adminBase(url)}/commands/${command}`
  let res: Response
  try {
    res = await fetch(target, {signal: AbortSignal.timeout(timeoutMs)})
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : (cause?.code ?? cause?.message ?? (error as Error).message)
    throw new AdminError(`AdminServer ${target}: ${why}`)
  }
  const text = await res.text()
  let body: Record<string, unknown>
  try {
    body = parseAdminJson(text)
  } catch {
    throw new AdminError(`AdminServer ${target}: HTTP ${res.status}, not JSON`)
  }
  if (body.error) throw new AdminError(`AdminServer ${target}: ${String(body.error)}`)
  if (!res.ok) throw new AdminError(`AdminServer ${target}: HTTP ${res.status}`)
  return body
}

// Session ids and zxids are 64-bit; JSON.parse would round them above 2^53 (a session id of server 1
// is already 0x100...), so they are taken as strings before parsing.
const WIDE_FIELDS = /("(?:session_id|last_zxid|last_processed_zxid|last_cxid)"\s*:\s*)(-?\d+)/g

export function parseAdminJson(text: string): Record<string, unknown> {
  return JSON.parse(text.replace(WIDE_FIELDS, '$1"$2"')) as Record<string, unknown>
}

function hex(v: unknown): string {
  let n: bigint
  try {
    n = BigInt(String(v ?? 0))
  } catch {
    n = 0n
  }
  if (n < 0n) n += 1n << 64n
  return '0x' + n.toString(16)
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0)
}

function connection(c: Record<string, unknown>): ClientConnection {
  const addr = String(c.remote_socket_address ?? '')
  const colon = addr.lastIndexOf(':')
  const out: ClientConnection = {
    host: colon > 0 ? addr.slice(0, colon).replace(/^.*\//, '') : addr,
    port: colon > 0 ? Number(addr.slice(colon + 1)) : 0,
    interestOps: num(c.interest_ops),
    queued: num(c.outstanding_requests),
    received: num(c.packets_received),
    sent: num(c.packets_sent),
  }
  if (c.session_id !== undefined) {
    out.sessionId = hex(c.session_id)
    out.lastOperation = String(c.last_operation ?? '')
    out.established = num(c.established)
    out.timeout = num(c.session_timeout)
    out.lastCxid = hex(c.last_cxid)
    out.lastZxid = hex(c.last_zxid)
    out.lastResponse = num(c.last_response_time)
    out.lastLatency = num(c.last_latency)
    out.minLatency = num(c.min_latency)
    out.avgLatency = num(c.avg_latency)
    out.maxLatency = num(c.max_latency)
  }
  return out
}

/** `/commands/stats` → the same figures as `stat`. */
export function parseAdminStats(body: Record<string, unknown>): {stats: ServerStats; clients: ClientConnection[]} {
  const s = body.server_stats as Record<string, unknown> | undefined
  if (!s) throw new AdminError('AdminServer stats: no server_stats')
  const conns = [...((body.connections as Record<string, unknown>[]) ?? []), ...((body.secure_connections as Record<string, unknown>[]) ?? [])]
  const state = String(s.server_state ?? 'unknown')
  return {
    stats: {
      version: String(body.version ?? ''),
      readOnly: body.read_only === true,
      latencyMin: num(s.min_latency),
      latencyAvg: num(s.avg_latency),
      latencyMax: num(s.max_latency),
      // Jackson writes a double; print it as Java's Double.toString would (0.0, not 0), like srvr.
      latencyAvgText: Number.isInteger(num(s.avg_latency)) ? num(s.avg_latency).toFixed(1) : String(num(s.avg_latency)),
      received: num(s.packets_received),
      sent: num(s.packets_sent),
      connections: num(s.num_alive_client_connections),
      outstanding: num(s.outstanding_requests),
      zxid: hex(s.last_processed_zxid),
      mode: body.read_only === true ? 'read-only' : state,
      nodeCount: num(body.node_count),
    },
    clients: conns.map(connection),
  }
}

export function parseAdminConnections(body: Record<string, unknown>): ClientConnection[] {
  return [...((body.connections as Record<string, unknown>[]) ?? []), ...((body.secure_connections as Record<string, unknown>[]) ?? [])].map(connection)
}

/** `/commands/monitor` → the mntr keys (`zk_` + name), values as mntr prints them. */
export function parseAdminMonitor(body: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(body)) {
    if (k === 'command' || k === 'error' || typeof v === 'object') continue
    out.set(k === 'version' ? 'zk_version' : `zk_${k}`, String(v))
  }
  return out
}
