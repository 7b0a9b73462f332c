// The screen as lines of styled text, computed from the view state alone (no terminal, no I/O), so
// that the blessed screen, --once and the tests share one layout. The top part is zktop.py's screen
// column for column (%-2s %-15s %5s %s %8s %8s %8s %5d %6s %6s %6s for servers, %-15s %5s %1s %1s
// %8s %8s %8s for clients, as Debian's zktop 1.0.0 prints them); ktool's additions (leader mark,
// sparklines, per-client latency, the detail view, notes and the key bar) sit to the right or below.
import {modeLetter} from './parse-four-letter.js'
import {LATENCY_FLOOR, RATE_FLOOR, ServerHistory, sparkline} from './history.js'
import type {ClientConnection, ServerSnapshot, ServerTarget} from './types.js'

export type Style = 'header' | 'selected' | 'leader' | 'down' | 'warn' | 'flash' | 'dim' | 'help'
export interface Segment {
  text: string
  style?: Style
}
export type Line = Segment[]

export const SORT_KEYS = ['queued', 'received', 'sent', 'latency'] as const
export type SortKey = (typeof SORT_KEYS)[number]

export interface ViewState {
  targets: ServerTarget[]
  snapshots: (ServerSnapshot | undefined)[]
  histories: ServerHistory[]
  selected: number
  sort: SortKey
  paused: boolean
  help: boolean
  flash?: string
  prompt?: string
  wide: boolean
  /** ip -> host name, with --names. */
  names?: Map<string, string>
  unicode: boolean
  delaySec: number
}

const rpad = (s: string | number, n: number): string => String(s).padEnd(n, ' ')
const lpad = (s: string | number, n: number): string => String(s).padStart(n, ' ')

function hostWidth(wide: boolean): number {
  return wide ? 30 : 15
}

export function ensembleLine(snapshots: (ServerSnapshot | undefined)[]): string {
  let nodes = 0
  let zxid = 0n
  let sessions = 0
  for (const s of snapshots) {
    if (!s?.stats) continue
    nodes = Math.max(nodes, s.stats.nodeCount)
    const z = BigInt(s.stats.zxid)
    if (z > zxid) zxid = z
    sessions += s.clients?.length ?? 0
  }
  return `Ensemble -- nodecount:${nodes} zxid:0x${zxid.toString(16)} sessions:${sessions}`
}

export function serverHeader(wide: boolean): string {
  return `ID ${rpad('SERVER', hostWidth(wide))} ${lpad('PORT', 5)} M    OUTST    RECVD     SENT CONNS MINLAT AVGLAT MAXLAT`
}

export function clientHeader(wide: boolean): string {
  return `${rpad('CLIENT', hostWidth(wide))} ${lpad('PORT', 5)} S I   QUEUED    RECVD     SENT`
}

/** zktop.py's server line; an unavailable server is `id host port U`. */
export function serverRow(target: ServerTarget, snap: ServerSnapshot | undefined, wide: boolean): string {
  const w = hostWidth(wide)
  const head = `${rpad(target.id, 2)} ${rpad(target.host.slice(0, w), w)} ${lpad(target.port, 5)}`
  const st = snap?.stats
  if (!snap) return `${head} ?`
  if (!st) return `${head} U`
  return `${head} ${modeLetter(st.mode)} ${lpad(st.outstanding, 8)} ${lpad(st.received, 8)} ${lpad(st.sent, 8)} ${lpad(snap.clients?.length ?? st.connections, 5)} ${lpad(st.latencyMin, 6)} ${lpad(st.latencyAvgText, 6)} ${lpad(st.latencyMax, 6)}`
}

export interface ClientRow {
  client: ClientConnection
  serverId: number
}

export function sortClients(snapshots: (ServerSnapshot | undefined)[], sort: SortKey): ClientRow[] {
  const rows: ClientRow[] = []
  for (const s of snapshots) if (s?.clients) for (const c of s.clients) rows.push({client: c, serverId: s.target.id})
  const key = (r: ClientRow): number => {
    switch (sort) {
      case 'queued': return r.client.queued
      case 'received': return r.client.received
      case 'sent': return r.client.sent
      case 'latency': return r.client.avgLatency ?? -1
    }
  }
  // Highest first (zktop.py sorts by QUEUED descending); the sort is stable, so ties keep the
  // servers' order and each server's own order, as in zktop.py.
  return rows.sort((a, b) => key(b) - key(a))
}

export function clientRow(r: ClientRow, wide: boolean, names?: Map<string, string>): string {
  const w = hostWidth(wide)
  const host = names?.get(r.client.host) ?? r.client.host
  const c = r.client
  return `${rpad(host.slice(0, w), w)} ${lpad(c.port, 5)} ${rpad(r.serverId, 1)} ${rpad(c.interestOps, 1)} ${lpad(c.queued, 8)} ${lpad(c.received, 8)} ${lpad(c.sent, 8)}`
}

/** zktop.py's screen without the flash line: what --once prints. */
export function plainSnapshot(targets: ServerTarget[], snapshots: (ServerSnapshot | undefined)[], wide: boolean, names?: Map<string, string>): string[] {
  const out = [ensembleLine(snapshots), '', serverHeader(wide)]
  targets.forEach((t, i) => {
    const s = snapshots[i]
    const row = serverRow(t, s, wide)
    out.push(s && s.status !== 'up' ? `${row}  ${s.status}: ${s.reason ?? ''}` : row)
  })
  out.push('', clientHeader(wide))
  for (const r of sortClients(snapshots, 'queued')) out.push(clientRow(r, wide, names))
  return out
}

function fmtRate(v: number | null): string {
  if (v === null) return '-'
  return v >= 100 ? v.toFixed(0) : v.toFixed(1)
}

function fmtBytes(v: string | undefined): string {
  if (v === undefined) return '-'
  const n = Number(v)
  if (!Number.isFinite(n)) return v
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

function cut(line: Line, width: number): Line {
  const out: Line = []
  let left = Math.max(0, width)
  for (const seg of line) {
    if (left <= 0) break
    const text = [...seg.text].slice(0, left).join('')
    left -= [...text].length
    if (text) out.push({...seg, text})
  }
  return out
}

const HELP: string[] = [
  'Keys',
  '  q  Ctrl-C      quit',
  '  h  ?           this help (any key closes it)',
  '  up down  j k   select a server; its details show under the server table',
  '  s              sort the clients by queued, received, sent or latency (highest first)',
  '  p              pause or resume polling',
  '  space          refresh now',
  '  r              reset the statistics of every server (srst); asks first',
  'Columns',
  '  M      mode: L leader, F follower, S standalone, O observer, R read-only, U unavailable',
  '  *      the leader of the ensemble',
  '  OUTST  outstanding requests;  CONNS  client connections listed by the server',
  '  S I    the server a client is connected to (ID), the connection\'s interest ops',
  '  REQ/S  requests per second between two polls;  LAT  the server\'s average latency (ms)',
]

export function isLeader(s: ServerSnapshot | undefined): boolean {
  return s?.stats?.mode === 'leader'
}

/** The whole screen for a terminal of `width` x `height`. Every line is cut at width - 1. */
export function renderScreen(v: ViewState, width: number, height: number): Line[] {
  if (width < 2 || height < 1) return []
  const top: Line[] = []
  const baseW = serverHeader(v.wide).length
  // Room left of the terminal for the sparkline columns, beyond zktop.py's columns.
  const extra = width - 1 - baseW
  const sparkW = extra >= 28 ? Math.min(40, Math.floor((extra - 2 - 2 - 8 - 2 - 7) / 2)) : 0

  top.push([{text: ensembleLine(v.snapshots)}])
  if (v.prompt) top.push([{text: v.prompt, style: 'warn'}])
  else if (v.flash) top.push([{text: v.flash, style: 'flash'}])
  else top.push([])

  let header = serverHeader(v.wide)
  if (sparkW > 0) header += `   ${rpad('REQ/S', sparkW + 8)}  ${rpad('LAT', sparkW + 7)}`
  top.push([{text: header.padEnd(width - 1), style: 'header'}])
  v.targets.forEach((t, i) => {
    const s = v.snapshots[i]
    const h = v.histories[i]
    const line: Line = []
    const row = serverRow(t, s, v.wide)
    const style: Style | undefined = i === v.selected ? 'selected' : s && s.status !== 'up' ? 'down' : isLeader(s) ? 'leader' : undefined
    if (s && s.status !== 'up') {
      line.push({text: row, style})
      line.push({text: `  ${s.status === 'down' ? 'down' : 'no data'}: ${s.reason ?? ''}`, style: 'down'})
    } else {
      line.push({text: row.padEnd(baseW), style})
      line.push({text: isLeader(s) ? ' *' : '  ', style: 'leader'})
      if (sparkW > 0 && h && s?.stats) {
        const rates = h.samples.map((x) => x.reqPerSec)
        const lats = h.samples.map((x) => x.avgLatency)
        line.push({text: ` ${sparkline(rates, sparkW, v.unicode, RATE_FLOOR)} ${lpad(fmtRate(h.latestRate()), 7)}`, style: 'dim'})
        line.push({text: `  ${sparkline(lats, sparkW, v.unicode, LATENCY_FLOOR)} ${lpad(s.stats.latencyAvgText, 6)}`, style: 'dim'})
      }
    }
    top.push(line)
  })
  top.push([])

  const middle: Line[] = []
  if (v.help) {
    for (const h of HELP) middle.push([{text: h, style: 'help'}])
  } else {
    middle.push(...detail(v, width))
    middle.push([])
    const ch = clientHeader(v.wide) + '  AVGLAT'
    middle.push([{text: ch.padEnd(width - 1), style: 'header'}])
    for (const r of sortClients(v.snapshots, v.sort)) {
      const lat = r.client.avgLatency === undefined ? '' : lpad(r.client.avgLatency, 8)
      middle.push([{text: clientRow(r, v.wide, v.names) + lat}])
    }
  }

  const footer: Line[] = []
  const notes: string[] = []
  v.snapshots.forEach((s) => s?.notes.forEach((n) => notes.push(`${s.target.host}:${s.target.port}: ${n}`)))
  for (const n of notes.slice(0, 3)) footer.push([{text: n, style: 'warn'}])
  if (notes.length > 3) footer.push([{text: `(${notes.length - 3} more notes)`, style: 'warn'}])
  const bar = `sort:${v.sort}  every ${v.delaySec}s${v.paused ? '  PAUSED' : ''}   q:quit h:help j/k:select s:sort p:pause r:reset spc:refresh`
  footer.push([{text: bar.padEnd(width - 1), style: v.paused ? 'warn' : 'header'}])

  let lines: Line[]
  if (height >= top.length + footer.length + 1) {
    const body = [...top, ...middle].slice(0, height - footer.length)
    while (body.length < height - footer.length) body.push([])
    lines = [...body, ...footer]
  } else {
    lines = [...top, ...middle].slice(0, height) // a tiny terminal keeps zktop.py's part
  }
  return lines.map((l) => cut(l, width - 1))
}

function detail(v: ViewState, width: number): Line[] {
  const t = v.targets[v.selected]
  if (!t) return []
  const s = v.snapshots[v.selected]
  const h = v.histories[v.selected]
  const title = `Server ${t.id}  ${t.host}:${t.port}`
  if (!s) return [[{text: `${title}  waiting for the first answer`, style: 'dim'}]]
  if (!s.stats) {
    return [[{text: title, style: 'selected'}, {text: `  ${s.status === 'down' ? 'down' : 'no data'}: ${s.reason ?? ''}  (asking again every ${v.delaySec}s)`, style: 'down'}]]
  }
  const st = s.stats
  const out: Line[] = []
  out.push([{text: title, style: 'selected'}, {text: `  ${st.mode}${isLeader(s) ? ' *' : ''}  zxid ${st.zxid}  version ${st.version.split(',')[0]}  read by ${s.source}`}])
  const w = Math.max(10, Math.min(60, Math.floor((width - 1 - 40) / 2)))
  if (h) {
    out.push([
      {text: '  req/s '},
      {text: sparkline(h.samples.map((x) => x.reqPerSec), w, v.unicode, RATE_FLOOR), style: 'dim'},
      {text: ` ${lpad(fmtRate(h.latestRate()), 7)}   avg latency `},
      {text: sparkline(h.samples.map((x) => x.avgLatency), w, v.unicode, LATENCY_FLOOR), style: 'dim'},
      {text: ` ${st.latencyAvgText} ms`},
    ])
  }
  const m = s.mntr
  if (m) {
    const fds = m.has('zk_open_file_descriptor_count') ? `${m.get('zk_open_file_descriptor_count')}/${m.get('zk_max_file_descriptor_count') ?? '?'}` : '-'
    let figures = `  watches ${m.get('zk_watch_count') ?? '-'}  ephemerals ${m.get('zk_ephemerals_count') ?? '-'}  data ${fmtBytes(m.get('zk_approximate_data_size'))}  outstanding ${m.get('zk_outstanding_requests') ?? '-'}  open fds ${fds}  znodes ${m.get('zk_znode_count') ?? '-'}`
    if (m.has('zk_followers')) figures += `  followers ${m.get('zk_synced_followers') ?? '?'}/${m.get('zk_followers')}`
    if (m.has('zk_global_sessions')) figures += `  sessions ${m.get('zk_global_sessions')}`
    out.push([{text: figures}])
  } else {
    out.push([{text: '  no mntr figures', style: 'warn'}])
  }
  return out
}
