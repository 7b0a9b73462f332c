// --once: one poll of every server, printed as zktop.py's screen (plain text) or as JSON.
import {lookupService} from 'node:dns/promises'
import {ensembleLine, plainSnapshot, sortClients, isLeader} from './layout.js'
import {modeLetter} from './parse-four-letter.js'
import {pollServer, type PollOptions} from './poll-server.js'
import type {ServerSnapshot, ServerTarget} from './types.js'

export interface OnceOptions {
  poll?: PollOptions
  json?: boolean
  wide?: boolean
  names?: boolean
}

export interface OnceResult {
  snapshots: ServerSnapshot[]
  /** Every server answered with its figures. */
  ok: boolean
  text: string
  notes: string[]
}

async function resolveNames(snapshots: ServerSnapshot[]): Promise<Map<string, string>> {
  const ips = new Set(snapshots.flatMap((s) => s.clients ?? []).map((c) => c.host))
  const names = new Map<string, string>()
  await Promise.all([...ips].map(async (ip) => {
    try {
      // getnameinfo, as zktop.py's socket.getnameinfo: /etc/hosts first, then DNS.
      const found = await Promise.race([lookupService(ip, 0), new Promise<never>((_, no) => setTimeout(() => no(new Error('timeout')), 2000).unref())])
      names.set(ip, found.hostname)
    } catch {
      names.set(ip, ip)
    }
  }))
  return names
}

function num(m: Map<string, string> | undefined, key: string): number | undefined {
  const v = m?.get(key)
  if (v === undefined) return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

export function snapshotJson(targets: ServerTarget[], snapshots: ServerSnapshot[], names?: Map<string, string>): unknown {
  const ens = /nodecount:(\d+) zxid:(0x[0-9a-f]+) sessions:(\d+)/.exec(ensembleLine(snapshots))!
  return {
    ensemble: {nodeCount: Number(ens[1]), zxid: ens[2], sessions: Number(ens[3])},
    servers: targets.map((t, i) => {
      const s = snapshots[i]!
      const st = s.stats
      const m = s.mntr
      return {
        id: t.id,
        host: t.host,
        port: t.port,
        status: s.status,
        reason: s.reason ?? null,
        source: s.source ?? null,
        mode: st?.mode ?? null,
        modeLetter: st ? modeLetter(st.mode) : 'U',
        leader: isLeader(s),
        version: st?.version ?? null,
        readOnly: st?.readOnly ?? null,
        outstanding: st?.outstanding ?? null,
        received: st?.received ?? null,
        sent: st?.sent ?? null,
        connections: s.clients ? s.clients.length : null,
        reportedConnections: st?.connections ?? null,
        latency: st ? {min: st.latencyMin, avg: st.latencyAvg, max: st.latencyMax} : null,
        zxid: st?.zxid ?? null,
        nodeCount: st?.nodeCount ?? null,
        proposalSizes: st?.proposalSizes ?? null,
        mntr: m ? {
          watchCount: num(m, 'zk_watch_count'),
          ephemeralsCount: num(m, 'zk_ephemerals_count'),
          approximateDataSize: num(m, 'zk_approximate_data_size'),
          outstandingRequests: num(m, 'zk_outstanding_requests'),
          openFileDescriptorCount: num(m, 'zk_open_file_descriptor_count'),
          maxFileDescriptorCount: num(m, 'zk_max_file_descriptor_count'),
          znodeCount: num(m, 'zk_znode_count'),
          globalSessions: num(m, 'zk_global_sessions'),
          followers: num(m, 'zk_followers'),
          syncedFollowers: num(m, 'zk_synced_followers'),
          serverState: m.get('zk_server_state'),
        } : null,
        notes: s.notes,
      }
    }),
    clients: sortClients(snapshots, 'queued').map(({client, serverId}) => ({
      server: serverId,
      ...client,
      ...(names ? {name: names.get(client.host) ?? client.host} : {}),
    })),
  }
}

export async function runOnce(targets: ServerTarget[], opts: OnceOptions = {}): Promise<OnceResult> {
  const snapshots = await Promise.all(targets.map((t) => pollServer(t, {...opts.poll, details: opts.json === true})))
  const names = opts.names ? await resolveNames(snapshots) : undefined
  const ok = snapshots.every((s) => s.status === 'up')
  const notes = snapshots.flatMap((s) => s.notes.map((n) => `${s.target.host}:${s.target.port}: ${n}`))
  const text = opts.json
    ? JSON.stringify(snapshotJson(targets, snapshots, names), null, 2) + '\n'
    : plainSnapshot(targets, snapshots, opts.wide ?? false, names).join('\n') + '\n'
  return {snapshots, ok, text, notes}
}
