// Sessions and their expiry queue (ZooKeeper's SessionTrackerImpl + ExpiryQueue): deadlines are
// rounded up to the next tick, sessions sit in one bucket per tick, and one timer per tick expires
// a whole bucket. Touching a session (any packet from its client) moves it to a later bucket.
//
// Session states and transitions (checked in setState):
//   OPEN     the session exists (a client may or may not be connected); it expires when its
//            bucket comes due.                                  -> CLOSING
//   CLOSING  a closeSession (from the client or from expiry) is in the pipeline; requests get
//            SESSIONEXPIRED and touches are ignored.             -> CLOSED
//   CLOSED   the closeSession transaction was applied; the session is forgotten. (final)
import type {Clock} from '../common/clock.js'

export type SessionState = 'OPEN' | 'CLOSING' | 'CLOSED'
const ALLOWED: Record<SessionState, SessionState[]> = {OPEN: ['CLOSING'], CLOSING: ['CLOSED'], CLOSED: []}

export interface SessionOwner {
  /** The connection currently serving the session (null while disconnected). */
  closeForSession?(reason: string): void
}

export class Session {
  state: SessionState = 'OPEN'
  expiresAt = 0
  conn: SessionOwner | null = null
  constructor(readonly id: bigint, public timeout: number) {}

  setState(next: SessionState): void {
    if (!ALLOWED[this.state].includes(next)) throw new Error(`session 0x${this.id.toString(16)}: illegal transition ${this.state} -> ${next}`)
    this.state = next
  }
}

export class SessionTracker {
  readonly sessions = new Map<bigint, Session>()
  /** expiry time (ms, a multiple of tickTime) -> sessions due then */
  readonly buckets = new Map<number, Set<Session>>()
  private nextExpiration: number
  private timer: {cancel(): void} | null = null
  private nextId: bigint

  constructor(
    readonly tickTime: number,
    private readonly clock: Clock,
    private readonly expire: (s: Session) => void,
    serverId = 1n,
  ) {
    this.nextExpiration = this.round(clock.now())
    // SessionTrackerImpl.initializeNextSessionId: (time << 24) >>> 8 | serverId << 56
    const t = BigInt.asUintN(64, BigInt(clock.now()) << 24n) >> 8n
    this.nextId = t | (serverId << 56n)
  }

  private round(time: number): number {
    return (Math.floor(time / this.tickTime) + 1) * this.tickTime
  }

  createSessionId(): bigint {
    return this.nextId++
  }

  start(): void {
    this.schedule()
  }

  stop(): void {
    this.timer?.cancel()
    this.timer = null
  }

  private schedule(): void {
    this.timer?.cancel()
    const wait = Math.max(0, this.nextExpiration - this.clock.now())
    this.timer = this.clock.setTimeout(() => this.run(), wait)
  }

  private run(): void {
    const now = this.clock.now()
    while (this.nextExpiration <= now) {
      const due = this.buckets.get(this.nextExpiration)
      this.buckets.delete(this.nextExpiration)
      this.nextExpiration += this.tickTime
      if (due) {
        for (const s of due) {
          if (s.state !== 'OPEN') continue
          s.setState('CLOSING')
          this.expire(s)
        }
      }
    }
    this.schedule()
  }

  /** Adds (or re-adds after a restore) a session. */
  add(id: bigint, timeout: number): Session {
    let s = this.sessions.get(id)
    if (!s) {
      s = new Session(id, timeout)
      this.sessions.set(id, s)
    }
    s.timeout = timeout
    this.touch(s)
    return s
  }

  get(id: bigint): Session | undefined {
    return this.sessions.get(id)
  }

  /** Pushes the session's deadline out; false when it is closing or gone. */
  touch(s: Session, timeout = s.timeout): boolean {
    if (s.state !== 'OPEN') return false
    s.timeout = timeout
    const at = this.round(this.clock.now() + timeout)
    if (at === s.expiresAt) return true
    this.buckets.get(s.expiresAt)?.delete(s)
    const old = this.buckets.get(s.expiresAt)
    if (old && old.size === 0) this.buckets.delete(s.expiresAt)
    let b = this.buckets.get(at)
    if (!b) this.buckets.set(at, (b = new Set()))
    b.add(s)
    s.expiresAt = at
    return true
  }

  setClosing(id: bigint): void {
    const s = this.sessions.get(id)
    if (s && s.state === 'OPEN') s.setState('CLOSING')
  }

  remove(id: bigint): void {
    const s = this.sessions.get(id)
    if (!s) return
    if (s.state === 'OPEN') s.setState('CLOSING')
    if (s.state === 'CLOSING') s.setState('CLOSED')
    this.sessions.delete(id)
    const b = this.buckets.get(s.expiresAt)
    b?.delete(s)
    if (b && b.size === 0) this.buckets.delete(s.expiresAt)
  }
}
