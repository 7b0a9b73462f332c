// Parsers for the replies of ZooKeeper's four-letter words. They read Apache ZooKeeper (3.4 to 3.9)
// and ktool's own server the same way; the golden samples are in
// ../shared/reference/zk-4lw-samples and test/tools/zktop/fixtures.
import type {ClientConnection, ServerStats} from './types.js'

export class FourLetterParseError extends Error {
  constructor(word: string, message: string) {
    super(`cannot parse the '${word}' reply: ${message}`)
    this.name = 'FourLetterParseError'
  }
}

const NOT_WHITELISTED = /^(\S+) is not executed because it is not in the whitelist\./
const NOT_SERVING = /not currently serving requests/

/** The word a server refused because 4lw.commands.whitelist leaves it out, or null. */
export function notWhitelisted(reply: string): string | null {
  const m = NOT_WHITELISTED.exec(reply.trimStart())
  return m ? m[1]! : null
}

export function notServing(reply: string): boolean {
  return NOT_SERVING.test(reply) && reply.length < 200
}

function int(word: string, key: string, value: string): number {
  const n = Number(value.trim())
  if (value.trim() === '' || !Number.isFinite(n)) throw new FourLetterParseError(word, `${key} is not a number: ${JSON.stringify(value)}`)
  return n
}

// A connection line: ` /127.0.0.1:33670[1](queued=0,recved=9,sent=9,sid=0x...,...)`. Java prints the
// address as `[hostname]/ip:port`; IPv6 addresses carry colons, so the port is after the last one.
const CONNECTION = /^\s*[^\s/]*\/(.+):(\d+)\[([0-9a-fA-F]+)\]\((.*)\)\s*$/

export function parseConnectionLine(line: string, word = 'stat'): ClientConnection {
  const m = CONNECTION.exec(line)
  if (!m) throw new FourLetterParseError(word, `not a connection line: ${JSON.stringify(line)}`)
  const fields = new Map<string, string>()
  for (const kv of m[4]!.split(',')) {
    const eq = kv.indexOf('=')
    if (eq > 0) fields.set(kv.slice(0, eq).trim(), kv.slice(eq + 1).trim())
  }
  const num = (k: string): number | undefined => (fields.has(k) ? int(word, k, fields.get(k)!) : undefined)
  const c: ClientConnection = {
    host: m[1]!,
    port: Number(m[2]),
    interestOps: parseInt(m[3]!, 16),
    queued: num('queued') ?? 0,
    received: num('recved') ?? 0,
    sent: num('sent') ?? 0,
  }
  if (fields.has('sid')) c.sessionId = fields.get('sid')!
  if (fields.has('lop')) c.lastOperation = fields.get('lop')!
  if (fields.has('est')) c.established = num('est')
  if (fields.has('to')) c.timeout = num('to')
  if (fields.has('lcxid')) c.lastCxid = fields.get('lcxid')!
  if (fields.has('lzxid')) c.lastZxid = fields.get('lzxid')!
  if (fields.has('lresp')) c.lastResponse = num('lresp')
  if (fields.has('llat')) c.lastLatency = num('llat')
  if (fields.has('minlat')) c.minLatency = num('minlat')
  if (fields.has('avglat')) c.avgLatency = num('avglat')
  if (fields.has('maxlat')) c.maxLatency = num('maxlat')
  return c
}

function lines(reply: string): string[] {
  return reply.split(/\r?\n/)
}

function checkReply(word: string, reply: string): void {
  if (reply.length === 0) throw new FourLetterParseError(word, 'empty reply (the word is unknown to this server, or the connection was closed)')
  const refused = notWhitelisted(reply)
  if (refused) throw new FourLetterParseError(word, `${refused} is not in 4lw.commands.whitelist`)
  if (notServing(reply)) throw new FourLetterParseError(word, 'the server is not currently serving requests')
}

/** The `Key: value` body shared by srvr and stat (from `Latency min/avg/max:` to `Node count:`). */
function parseBody(word: string, version: string, body: string[]): ServerStats {
  const kv = new Map<string, string>()
  let readOnly = false
  for (const line of body) {
    if (line.trim() === '') continue
    if (line.startsWith('READ-ONLY mode')) {
      readOnly = true
      continue
    }
    const colon = line.indexOf(':')
    if (colon < 0) throw new FourLetterParseError(word, `unexpected line: ${JSON.stringify(line)}`)
    // zktop.py's key spelling: lower case, spaces and slashes to underscores.
    kv.set(line.slice(0, colon).trim().replace(/[ /]/g, '_').toLowerCase(), line.slice(colon + 1).trim())
  }
  const need = (k: string): string => {
    const v = kv.get(k)
    if (v === undefined) throw new FourLetterParseError(word, `no ${k} line`)
    return v
  }
  const latency = need('latency_min_avg_max').split('/')
  if (latency.length !== 3) throw new FourLetterParseError(word, `bad latency: ${need('latency_min_avg_max')}`)
  const zxid = need('zxid')
  if (!/^0x[0-9a-fA-F]+$/.test(zxid)) throw new FourLetterParseError(word, `bad zxid: ${zxid}`)
  const stats: ServerStats = {
    version,
    readOnly,
    latencyMin: int(word, 'latency min', latency[0]!),
    latencyAvg: int(word, 'latency avg', latency[1]!),
    latencyMax: int(word, 'latency max', latency[2]!),
    latencyAvgText: latency[1]!.trim(),
    received: int(word, 'received', need('received')),
    sent: int(word, 'sent', need('sent')),
    connections: int(word, 'connections', need('connections')),
    outstanding: int(word, 'outstanding', need('outstanding')),
    zxid: '0x' + BigInt(zxid).toString(16),
    mode: need('mode'),
    nodeCount: int(word, 'node count', need('node_count')),
  }
  const proposals = kv.get('proposal_sizes_last_min_max')
  if (proposals) {
    const [last, min, max] = proposals.split('/').map((v) => Number(v))
    stats.proposalSizes = {last: last ?? -1, min: min ?? -1, max: max ?? -1}
  }
  return stats
}

function parseVersion(word: string, line: string | undefined): string {
  // zktop.py insists on `: X.Y.Z-`; any `Zookeeper version: <text>` is accepted here.
  const m = /^Zookeeper version:\s*(.*)$/.exec(line ?? '')
  if (!m) throw new FourLetterParseError(word, `no version line: ${JSON.stringify(line ?? '')}`)
  return m[1]!.trim()
}

export function parseSrvr(reply: string): ServerStats {
  checkReply('srvr', reply)
  const ls = lines(reply)
  return parseBody('srvr', parseVersion('srvr', ls[0]), ls.slice(1))
}

export function parseStat(reply: string): {stats: ServerStats; clients: ClientConnection[]} {
  checkReply('stat', reply)
  const ls = lines(reply)
  const version = parseVersion('stat', ls[0])
  let i = 1
  const clients: ClientConnection[] = []
  let readOnly = false
  if (ls[i]?.startsWith('READ-ONLY mode')) { // read-only servers put this before Clients:
    readOnly = true
    i++
  }
  if (ls[i]?.trim() !== 'Clients:') throw new FourLetterParseError('stat', `no Clients: line (got ${JSON.stringify(ls[i] ?? '')})`)
  for (i++; i < ls.length && ls[i]!.trim() !== ''; i++) clients.push(parseConnectionLine(ls[i]!, 'stat'))
  const stats = parseBody('stat', version, ls.slice(i))
  if (readOnly) stats.readOnly = true
  return {stats, clients}
}

export function parseCons(reply: string): ClientConnection[] {
  const refused = notWhitelisted(reply)
  if (refused) throw new FourLetterParseError('cons', `${refused} is not in 4lw.commands.whitelist`)
  if (notServing(reply)) throw new FourLetterParseError('cons', 'the server is not currently serving requests')
  return lines(reply).filter((l) => l.trim() !== '').map((l) => parseConnectionLine(l, 'cons'))
}

/** mntr: `zk_<key>\t<value>` lines, in the server's order. */
export function parseMntr(reply: string): Map<string, string> {
  checkReply('mntr', reply)
  const out = new Map<string, string>()
  for (const line of lines(reply)) {
    if (line === '') continue
    const tab = line.indexOf('\t')
    if (tab <= 0) throw new FourLetterParseError('mntr', `not a key<TAB>value line: ${JSON.stringify(line)}`)
    out.set(line.slice(0, tab), line.slice(tab + 1))
  }
  if (!out.has('zk_server_state') && !out.has('zk_version')) throw new FourLetterParseError('mntr', 'no zk_version or zk_server_state')
  return out
}

export function parseSrst(reply: string): void {
  checkReply('srst', reply)
  if (!/^Server stats reset\./.test(reply)) throw new FourLetterParseError('srst', JSON.stringify(reply.slice(0, 100)))
}

/** First letter of the mode, upper case, as zktop.py's M column shows it. */
export function modeLetter(mode: string): string {
  return (mode[0] ?? 'U').toUpperCase()
}
