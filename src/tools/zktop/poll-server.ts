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

export const WHITELIST_HINT = '4lw.commands.whitelist=stat,srvr,cons,mntr,srst (or *)'

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
  let stats: ServerStats | undefined
  let clients: ClientConnection[] | undefined
  let source: StatsSource | undefined
  let mntr: Map<string, string> | undefined
  let downReason: string | undefined
  let consTried = false

  const stat = await ask(target, 'stat', opts)
  if (stat.ok) {
    try {
      ;({stats, clients} = parseStat(stat.text))
      source = 'stat'
    } catch (error) {
      notes.push((error as Error).message)
    }
  } else if (!stat.refused) {
    downReason = stat.reason
  }

  if (!stats && !downReason) {
    const srvr = await ask(target, 'srvr', opts)
    if (srvr.ok) {
      try {
        stats = parseSrvr(srvr.text)
        source = 'srvr'
      } catch (error) {
        notes.push((error as Error).message)
      }
      const cons = await ask(target, 'cons', opts)
      consTried = true
      if (cons.ok) {
        try {
          clients = parseCons(cons.text)
          source = 'srvr+cons'
        } catch (error) {
          notes.push((error as Error).message)
        }
      }
      if (stat.ok === false && stat.refused) {
        notes.push(clients
          ? `stat is not whitelisted: read srvr + cons instead (enable with ${WHITELIST_HINT})`
          : `stat and cons are not whitelisted: no client list (enable with ${WHITELIST_HINT})`)
      }
    } else if (srvr.refused) {
      notes.push(`stat and srvr are not whitelisted (enable with ${WHITELIST_HINT}${target.adminUrl ? '' : ', or give --admin-url'})`)
    } else {
      downReason = srvr.reason
    }
  }

  if (opts.details && stats && !downReason) {
    if (clients && clients.some((c) => c.avgLatency === undefined) && !consTried) {
      const cons = await ask(target, 'cons', opts)
      if (cons.ok) {
        try {
          mergeLatency(clients, parseCons(cons.text))
        } catch { /* latency columns stay empty */ }
      } else if (cons.refused) {
        notes.push(`cons is not whitelisted: no per-client latency (enable with ${WHITELIST_HINT})`)
      }
    }
    const m = await ask(target, 'mntr', opts)
    if (m.ok) {
      try {
        mntr = parseMntr(m.text)
      } catch (error) {
        notes.push((error as Error).message)
      }
    } else if (m.refused) {
      notes.push(`mntr is not whitelisted: no detail figures (enable with ${WHITELIST_HINT})`)
    }
  }

  // The AdminServer fills in what the words could not give.
  if (target.adminUrl && (!stats || !clients || (opts.details && !mntr))) {
    const timeoutMs = opts.timeoutMs
    try {
      if (!stats || !clients) {
        const admin = parseAdminStats(await adminCommand(target.adminUrl, 'stats', timeoutMs))
        if (!stats) {
          stats = admin.stats
          source = 'admin'
        } else {
          source = 'srvr+cons'
        }
        if (!clients) {
          clients = admin.clients
          if (opts.details) {
            try {
              mergeLatency(clients, parseAdminConnections(await adminCommand(target.adminUrl, 'connections', timeoutMs)))
            } catch { /* latency columns stay empty */ }
          }
        }
        downReason = undefined
        notes.push(`read from the AdminServer ${target.adminUrl} (four-letter words not whitelisted: ${WHITELIST_HINT})`)
      }
      if (opts.details && !mntr) mntr = parseAdminMonitor(await adminCommand(target.adminUrl, 'monitor', timeoutMs))
    } catch (error) {
      notes.push(error instanceof AdminError ? error.message : `AdminServer: ${(error as Error).message}`)
    }
  }

  const snapshot: ServerSnapshot = {target, at: now(), status: 'up', notes}
  if (stats) {
    snapshot.stats = stats
    snapshot.source = source
    if (clients) snapshot.clients = clients
    if (mntr) snapshot.mntr = mntr
    if (!clients) notes.push(`no client list (enable with ${WHITELIST_HINT})`)
    return snapshot
  }
  snapshot.status = downReason ? 'down' : 'blind'
  snapshot.reason = downReason ?? 'four-letter words not whitelisted'
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
  return r.refused ? `srst is not whitelisted on ${target.host}:${target.port} (enable with ${WHITELIST_HINT})` : `${target.host}:${target.port}: ${r.reason}`
}
