// One member of a classic group: identity, timeouts, the protocols it supports (with their opaque
// metadata), the assignment the leader gave it, and the JoinGroup/SyncGroup response it is
// waiting for (a pending response is a callback the coordinator completes exactly once).

export interface ProtocolMetadata {
  name: string
  metadata: Buffer
}

/** What a JoinGroup response carries; error responses use generationId -1 and no members. */
export interface JoinResult {
  errorCode: number
  memberId: string
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leaderId: string
  skipAssignment: boolean
  members: {memberId: string; groupInstanceId: string | null; metadata: Buffer}[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export type JoinCallback = (result: JoinResult) => void
export type SyncCallback = (result: SyncResult) => void

export const EMPTY_BUFFER = Buffer.alloc(0)

export class MemberMetadata {
  assignment: Buffer = EMPTY_BUFFER
  awaitingJoin: JoinCallback | null = null
  awaitingSync: SyncCallback | null = null
  /** Joined but not yet through its first rebalance: gets the new-member join timeout. */
  isNew = false
  /** Set once LeaveGroup or expiry removed it, so a late heartbeat timer does nothing. */
  isLeaving = false
  latestHeartbeat = 0
  heartbeatTimer: {cancel(): void} | null = null

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: ProtocolMetadata[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null
  }

  protocolNames(): string[] {
    return this.supportedProtocols.map((p) => p.name)
  }

  /** The metadata the member sent for one protocol; throws if it never named that protocol. */
  metadata(protocol: string): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocol)
    if (!p) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`)
    return p.metadata
  }

  /** Same protocols, same order, same metadata bytes: a rejoin that changes nothing. */
  matches(protocols: ProtocolMetadata[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false
    return protocols.every((p, i) => p.name === this.supportedProtocols[i].name && p.metadata.equals(this.supportedProtocols[i].metadata))
  }

  /** The member's vote: its most preferred protocol among those every member supports. */
  vote(candidates: Set<string>): string {
    const choice = this.supportedProtocols.find((p) => candidates.has(p.name))
    if (!choice) throw new Error(`Member ${this.memberId} does not support any of the candidate protocols`)
    return choice.name
  }

  /** Completes a pending JoinGroup response; false if there was none. */
  invokeJoin(result: JoinResult): boolean {
    const cb = this.awaitingJoin
    if (!cb) return false
    this.awaitingJoin = null
    cb(result)
    return true
  }

  /** Completes a pending SyncGroup response; false if there was none. */
  invokeSync(result: SyncResult): boolean {
    const cb = this.awaitingSync
    if (!cb) return false
    this.awaitingSync = null
    cb(result)
    return true
  }

  cancelHeartbeat(): void {
    this.heartbeatTimer?.cancel()
    this.heartbeatTimer = null
  }

  toString(): string {
    return `MemberMetadata(memberId=${this.memberId}, groupInstanceId=${this.groupInstanceId}, clientId=${this.clientId}, clientHost=${this.clientHost}, sessionTimeoutMs=${this.sessionTimeoutMs}, rebalanceTimeoutMs=${this.rebalanceTimeoutMs}, supportedProtocols=${this.protocolNames().join(',')})`
  }
}
