// One poll of one server, with the fallback chain the issue asks for:
//   stat                      (server figures and client lines, what zktop.py reads)
//   srvr + cons               (when stat is not whitelisted: the default of ZooKeeper 3.5+)
//   AdminServer /commands     (when the words are not whitelisted and --admin-url is given)
// then, with `details`, cons for per-client latency and mntr for the detail view. Whatever is
// missing becomes a note naming the setting that enables it. Never throws.
import {AdminError, adminCommand, parseAdminConnections, parseAdminMonitor, parseAdminStats} from './admin-client.js'
import {FourLetterNetworkError, sendFourLetterWord} from './four-letter-client.js'
import {notServing, notWhitelisted, parseCons, parseMntr, parseSrvr, parseStat} from './parse-four-letter.js'
import type {ClientConnection, ServerSnapshot, ServerStats, ServerTarget, StatsSource} from './types.js'

export interface PollOptions {
  timeoutMs?: number
  halfClose?: boolean
  /** Also read per-client latency (cons) and mntr: the interactive screen and --json want them. */
  details?: boolean
  now?: () => number
}

/** The setting that enables the given words, for the notes. */
export function whitelistHint(words: string[]): string {
  return `add ${words.join(', ')} to 4lw.commands.whitelist (or set it to *)`
}

type Word = 'stat' | 'srvr' | 'cons' | 'mntr' | 'srst'

/** A reply, or why there is none: `refused` = not whitelisted, `down` = network or not serving. */
type Reply = {ok: true; text: string} | {ok: false; refused: boolean; reason: string}

async function ask(t: ServerTarget, word: Word, opts: PollOptions): Promise<Reply> {
  try {
    const text = await sendFourLetterWord(t.host, t.port, word, {timeoutMs: opts.timeoutMs, halfClose: opts.halfClose})
    if (notWhitelisted(text)) return {ok: false, refused: true, reason: `${word} is not in 4lw.commands.whitelist`}
    if (notServing(text)) return {ok: false, refused: false, reason: 'not currently serving requests'}
    if (text === '') return {ok: false, refused: true, reason: `empty reply to ${word} (four-letter words disabled?)`}
    return {ok: true, text}
  } catch (error) {
    const reason = error instanceof FourLetterNetworkError ? error.message : (error as Error).message
    return {ok: false, refused: false, reason}
  }
}

/** Merges per-connection latency from cons into the client lines of stat (same ip:port). */
function mergeLatency(clients: ClientConnection[], cons: ClientConnection[]): void {
  const byAddr = new Map(cons.map((c) => [`${c.host}:${c.port}`, c]))
  for (const c of clients) {
    const d = byAddr.get(`${c.host}:${c.port}`)
    if (d) Object.assign(c, {...d, queued: c.queued, received: c.received, sent: c.sent, interestOps: c.interestOps})
  }
}

export async function pollServer(target: ServerTarget, opts: PollOptions = {}): Promise<ServerSnapshot> {
  const now = opts.now ?? Date.now
  const notes: string[] = []
  const refused = new Set<Word>()
  let stats: ServerStats | undefined
  let clients: ClientConnection[] | undefined
  let source: StatsSource | undefined
  let mntr: Map<string, string> | undefined
  let downReason: string | undefined
  let adminUsed = false
  let unreadable = false

  // Asks a word; records a refusal, or the network failure that makes the server down.
  const word = async (w: Word): Promise<string | undefined> => {
    const r = await ask(target, w, opts)
    if (r.ok) return r.text
    if (r.refused) refused.add(w)
    else downReason ??= r.reason
    return undefined
  }
  const parse = <T>(fn: () => T): T | undefined => {
    try {
      return fn()
    } catch (error) {
      notes.push((error as Error).message)
      unreadable = true
      return undefined
    }
  }

  const stat = await word('stat')
  if (stat !== undefined) {
    const parsed = parse(() => parseStat(stat))
    if (parsed) ({stats, clients} = parsed)
    if (parsed) source = 'stat'
  }
  if (!stats && !downReason) {
    const srvr = await word('srvr')
    if (srvr !== undefined) {
      stats = parse(() => parseSrvr(srvr))
      if (stats) {
        source = 'srvr'
        const cons = await word('cons')
        if (cons !== undefined) clients = parse(() => parseCons(cons))
        if (clients) source = 'srvr+cons'
      }
    }
  }
  if (opts.details && stats && !downReason) {
    if (clients && source === 'stat') {
      const cons = await word('cons')
      if (cons !== undefined) {
        try {
          mergeLatency(clients, parseCons(cons))
        } catch { /* the latency column stays empty */ }
      }
    }
    const m = await word('mntr')
    if (m !== undefined) mntr = parse(() => parseMntr(m))
  }

  // The AdminServer fills in what the words could not give.
  if (target.adminUrl && (!stats || !clients || (opts.details && !mntr))) {
    const timeoutMs = opts.timeoutMs
    try {
      if (!stats || !clients) {
        const admin = parseAdminStats(await adminCommand(target.adminUrl, 'stats', timeoutMs))
        if (!stats) stats = admin.stats
        source = source === 'srvr' ? 'srvr+admin' : 'admin'
        if (!clients) {
          clients = admin.clients
          if (opts.details) {
            try {
              mergeLatency(clients, parseAdminConnections(await adminCommand(target.adminUrl, 'connections', timeoutMs)))
            } catch { /* the latency column stays empty */ }
          }
        }
        downReason = undefined
        adminUsed = true
      }
      if (opts.details && !mntr) {
        mntr = parseAdminMonitor(await adminCommand(target.adminUrl, 'monitor', timeoutMs))
        adminUsed = true
      }
    } catch (error) {
      notes.push(error instanceof AdminError ? error.message : `AdminServer: ${(error as Error).message}`)
    }
  }

  // What is missing, and what enables it.
  const missing = [...refused]
  if (missing.length > 0) {
    const lost: string[] = []
    if (!stats) lost.push('server figures')
    if (stats && !clients) lost.push('client list')
    if (opts.details && clients && refused.has('cons') && source === 'stat') lost.push('per-client latency')
    if (opts.details && !mntr) lost.push('mntr figures')
    const how = adminUsed ? `read from the AdminServer ${target.adminUrl}` : lost.length ? `no ${lost.join(', no ')}${target.adminUrl ? '' : ' (or give --admin-url)'}` : `read ${source}`
    notes.unshift(`${missing.join(', ')} not whitelisted: ${how}; ${whitelistHint(missing)}`)
  }

  const snapshot: ServerSnapshot = {target, at: now(), status: 'up', notes}
  if (stats) {
    snapshot.stats = stats
    snapshot.source = source
    if (clients) snapshot.clients = clients
    if (mntr) snapshot.mntr = mntr
    return snapshot
  }
  snapshot.status = downReason ? 'down' : 'blind'
  snapshot.reason = downReason ?? (unreadable ? 'replies not understood (see the notes)' : 'four-letter words not whitelisted')
  return snapshot
}

/** srst on one server (the AdminServer's stat_reset when srst is refused). Returns an error text or null. */
export async function resetServerStats(target: ServerTarget, opts: PollOptions = {}): Promise<string | null> {
  const r = await ask(target, 'srst', opts)
  if (r.ok) return /^Server stats reset\./.test(r.text) ? null : `unexpected srst reply: ${r.text.slice(0, 80)}`
  if (r.refused && target.adminUrl) {
    try {
      await adminCommand(target.adminUrl, 'stat_reset', opts.timeoutMs)
      return null
    } catch (error) {
      return (error as Error).message
    }
  }
  return r.refused ? `srst not whitelisted on ${target.host}:${target.port}: ${whitelistHint(['srst'])}` : `${target.host}:${target.port}: ${r.reason}`
}
