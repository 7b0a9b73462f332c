// What zktop knows about a server and its client connections, whichever way it was read
// (the four-letter words stat, srvr, cons, mntr, or the AdminServer's HTTP /commands).

export interface ServerStats {
  version: string
  readOnly: boolean
  latencyMin: number
  latencyAvg: number
  latencyMax: number
  /** Average latency as the server printed it (`0.5399`, `0.0`; an integer before ZooKeeper 3.6). */
  latencyAvgText: string
  received: number
  sent: number
  /** The `Connections:` figure the server reports (zktop.py's CONNS counts client lines instead). */
  connections: number
  outstanding: number
  /** Lower-case hex with 0x, as ZooKeeper prints it: `0x291`. */
  zxid: string
  /** `standalone`, `leader`, `follower`, `observer`, `read-only`. */
  mode: string
  nodeCount: number
  proposalSizes?: {last: number; min: number; max: number}
}

export interface ClientConnection {
  host: string
  port: number
  interestOps: number
  queued: number
  received: number
  sent: number
  /** The rest only when a session exists and the reply carried it (cons, AdminServer connections). */
  sessionId?: string
  lastOperation?: string
  established?: number
  timeout?: number
  lastCxid?: string
  lastZxid?: string
  lastResponse?: number
  lastLatency?: number
  minLatency?: number
  avgLatency?: number
  maxLatency?: number
}

/** Where a server's figures came from, best first. */
export type StatsSource = 'stat' | 'srvr+cons' | 'srvr+admin' | 'srvr' | 'admin'

/**
 * A server's state after one poll:
 *   up       its figures were read (by 4lw or the AdminServer)
 *   down     no answer: refused, timed out, reset, not serving requests
 *   blind    it answers but every way to read the figures is switched off (whitelist, no --admin-url)
 */
export type ServerStatus = 'up' | 'down' | 'blind'

export interface ServerTarget {
  id: number
  host: string
  port: number
  adminUrl?: string
}

export interface ServerSnapshot {
  target: ServerTarget
  at: number
  status: ServerStatus
  reason?: string
  source?: StatsSource
  stats?: ServerStats
  /** undefined when the client list could not be read (cons not whitelisted, ...). */
  clients?: ClientConnection[]
  mntr?: Map<string, string>
  /** What could not be read and the setting that enables it, for the screen. */
  notes: string[]
}
