// One classic group's metadata: members, leader, generation, selected protocol, static members,
// pending members (issued an id by MEMBER_ID_REQUIRED but not joined yet), the members still owing
// a SyncGroup, and the group's committed offsets. Decisions (who joins, when to rebalance) are the
// coordinator's; this class keeps the bookkeeping consistent and checks state transitions.
import {checkTransition, type GroupState} from './group-state.js'
import {type MemberMetadata, type JoinResult} from './member.js'
import {CONSUMER_PROTOCOL_TYPE, subscriptionTopics} from './consumer-protocol.js'
import {selectProtocol} from './protocol-selection.js'

export interface OffsetAndMetadata {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Only set by OffsetCommit v2-v4 with an explicit retention time; null otherwise. */
  expireTimestamp: number | null
}

export interface MemberSummary {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  metadata: Buffer
  assignment: Buffer
}

export interface GroupSummary {
  state: GroupState
  protocolType: string
  protocolName: string
  members: MemberSummary[]
}

export interface GroupOverview {
  groupId: string
  protocolType: string
  state: GroupState
}

export class GroupMetadata {
  private _state: GroupState
  currentStateTimestamp: number | null
  protocolType: string | null = null
  protocolName: string | null = null
  generationId = 0
  leaderId: string | null = null
  /** Insertion-ordered: a departing leader is replaced by the oldest remaining member. */
  readonly members = new Map<string, MemberMetadata>()
  readonly pendingMembers = new Set<string>()
  readonly pendingMemberTimers = new Map<string, {cancel(): void}>()
  /** group.instance.id -> current member id. */
  readonly staticMembers = new Map<string, string>()
  readonly pendingSyncMembers = new Set<string>()
  numMembersAwaitingJoin = 0
  /** Protocol name -> how many members support it. */
  private readonly protocolVotes = new Map<string, number>()
  /** A member joined during the first rebalance's initial delay: extend the delay once more. */
  newMemberAdded = false
  /** Topics of a consumer group's subscriptions (null: unknown, so treat every topic as used). */
  subscribedTopics: Set<string> | null = null
  /** topic -> partition -> committed offset. */
  readonly offsets = new Map<string, Map<number, OffsetAndMetadata>>()
  joinTimer: {cancel(): void} | null = null
  /** True while the initial-rebalance delay runs: joins never complete the rebalance early. */
  inInitialDelay = false
  syncTimer: {cancel(): void} | null = null

  constructor(readonly groupId: string, initialState: 'Empty' | 'Stable', now: number) {
    this._state = initialState
    this.currentStateTimestamp = now
  }

  get state(): GroupState {
    return this._state
  }

  is(state: GroupState): boolean {
    return this._state === state
  }

  transitionTo(target: GroupState, now: number): void {
    checkTransition(this.groupId, this._state, target)
    this._state = target
    this.currentStateTimestamp = now
  }

  /** PreparingRebalance may be entered from here. */
  get canRebalance(): boolean {
    return this.is('Stable') || this.is('CompletingRebalance') || this.is('Empty')
  }

  get isEmpty(): boolean {
    return this.members.size === 0
  }

  has(memberId: string): boolean {
    return this.members.has(memberId)
  }

  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId)
    if (!m) throw new Error(`Member ${memberId} is not in group ${this.groupId}`)
    return m
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  staticMemberId(groupInstanceId: string | null): string | undefined {
    return groupInstanceId === null ? undefined : this.staticMembers.get(groupInstanceId)
  }

  add(member: MemberMetadata, callback: ((r: JoinResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.leaderId === null) this.leaderId = member.memberId
    this.members.set(member.memberId, member)
    for (const name of member.protocolNames()) this.protocolVotes.set(name, (this.protocolVotes.get(name) ?? 0) + 1)
    if (member.isStatic) this.staticMembers.set(member.groupInstanceId!, member.memberId)
    member.awaitingJoin = callback
    if (callback) this.numMembersAwaitingJoin++
    this.pendingMembers.delete(member.memberId)
  }

  remove(memberId: string): MemberMetadata | undefined {
    const member = this.members.get(memberId)
    if (!member) return undefined
    this.members.delete(memberId)
    for (const name of member.protocolNames()) this.decrementVote(name)
    if (member.isAwaitingJoin) this.numMembersAwaitingJoin--
    if (member.isStatic && this.staticMembers.get(member.groupInstanceId!) === memberId) this.staticMembers.delete(member.groupInstanceId!)
    this.pendingSyncMembers.delete(memberId)
    member.cancelHeartbeat()
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  private decrementVote(name: string): void {
    const n = (this.protocolVotes.get(name) ?? 0) - 1
    if (n <= 0) this.protocolVotes.delete(name)
    else this.protocolVotes.set(name, n)
  }

  /** Answers a member's parked JoinGroup (keeping the count of members awaiting join right). */
  maybeInvokeJoin(member: MemberMetadata, result: JoinResult): boolean {
    if (!member.isAwaitingJoin) return false
    this.numMembersAwaitingJoin--
    return member.invokeJoin(result)
  }

  addPendingMember(memberId: string): void {
    this.pendingMembers.add(memberId)
  }

  removePendingMember(memberId: string): void {
    this.pendingMembers.delete(memberId)
    this.pendingMemberTimers.get(memberId)?.cancel()
    this.pendingMemberTimers.delete(memberId)
  }

  /** Replaces a member's protocols and timeouts, and (re)arms its pending JoinGroup response. */
  updateMember(member: MemberMetadata, protocols: MemberMetadata['supportedProtocols'], rebalanceTimeoutMs: number, sessionTimeoutMs: number, callback: ((r: JoinResult) => void) | null): void {
    for (const name of member.protocolNames()) this.decrementVote(name)
    for (const p of protocols) this.protocolVotes.set(p.name, (this.protocolVotes.get(p.name) ?? 0) + 1)
    member.supportedProtocols = protocols
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
    if (callback && !member.isAwaitingJoin) this.numMembersAwaitingJoin++
    else if (!callback && member.isAwaitingJoin) this.numMembersAwaitingJoin--
    member.awaitingJoin = callback
  }

  /**
   * A static member rejoined with an unknown member id: it keeps its place under a new id. A
   * request still parked under the old id is answered FENCED_INSTANCE_ID (that process is gone
   * or is a duplicate).
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string, fencedCode: number): MemberMetadata {
    const member = this.members.get(oldMemberId)
    if (!member) throw new Error(`Static member ${groupInstanceId} has no member ${oldMemberId} in group ${this.groupId}`)
    if (member.isAwaitingJoin) {
      this.numMembersAwaitingJoin--
      member.invokeJoin({errorCode: fencedCode, memberId: oldMemberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: []})
    }
    member.invokeSync({errorCode: fencedCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)})
    member.cancelHeartbeat()
    this.members.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId)
    this.staticMembers.set(groupInstanceId, newMemberId)
    return member
  }

  /** New members may join only with the group's protocol type and a protocol all others share. */
  supportsProtocols(protocolType: string, names: string[]): boolean {
    if (this.isEmpty) return protocolType !== '' && names.length > 0
    return this.protocolType === protocolType && names.some((n) => this.protocolVotes.get(n) === this.members.size)
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin)
  }

  /** The longest rebalance timeout among members: how long PreparingRebalance waits. */
  get rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  /**
   * If the leader has not rejoined, hands leadership to a member that has. False when no member
   * rejoined at all (the rebalance then waits for session expiry to remove the silent ones).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false
    const leader = this.members.get(this.leaderId)
    if (leader?.isAwaitingJoin) return true
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId
        return true
      }
    }
    return false
  }

  selectProtocol(): string {
    return selectProtocol([...this.members.values()])
  }

  /** Starts the next generation: CompletingRebalance with members, Empty without. */
  initNextGeneration(now: number): void {
    this.generationId++
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol()
      this.transitionTo('CompletingRebalance', now)
    } else {
      this.protocolName = null
      this.transitionTo('Empty', now)
    }
    this.subscribedTopics = this.computeSubscribedTopics()
    this.pendingSyncMembers.clear()
  }

  /** The member list the leader gets in its JoinGroup response (metadata of the chosen protocol). */
  currentMemberMetadata(): JoinResult['members'] {
    if (this.protocolName === null) throw new Error(`No protocol selected for group ${this.groupId}`)
    const protocol = this.protocolName
    return [...this.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol)}))
  }

  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return null
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      let parsed: string[] | null = null
      try {
        parsed = subscriptionTopics(m.metadata(this.protocolName))
      } catch {
        parsed = null
      }
      if (parsed === null) return null
      for (const t of parsed) topics.add(t)
    }
    return topics
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic)
  }

  summary(): GroupSummary {
    const protocolType = this.protocolType ?? ''
    if (this.is('Stable') && this.protocolName !== null) {
      const protocol = this.protocolName
      return {
        state: this.state, protocolType, protocolName: protocol,
        members: [...this.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, metadata: m.metadata(protocol), assignment: m.assignment})),
      }
    }
    // Kafka only shows metadata and assignments of a Stable group.
    const none = Buffer.alloc(0)
    return {
      state: this.state, protocolType, protocolName: '',
      members: [...this.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, metadata: none, assignment: none})),
    }
  }

  overview(): GroupOverview {
    return {groupId: this.groupId, protocolType: this.protocolType ?? '', state: this.state}
  }

  // --- offsets ---

  offset(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(topic)?.get(partition)
  }

  putOffset(topic: string, partition: number, value: OffsetAndMetadata): void {
    let byPartition = this.offsets.get(topic)
    if (!byPartition) this.offsets.set(topic, (byPartition = new Map()))
    byPartition.set(partition, value)
  }

  removeOffset(topic: string, partition: number): boolean {
    const byPartition = this.offsets.get(topic)
    if (!byPartition?.delete(partition)) return false
    if (byPartition.size === 0) this.offsets.delete(topic)
    return true
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0
  }

  allOffsets(): {topic: string; partition: number; value: OffsetAndMetadata}[] {
    const out: {topic: string; partition: number; value: OffsetAndMetadata}[] = []
    for (const [topic, byPartition] of this.offsets) for (const [partition, value] of byPartition) out.push({topic, partition, value})
    return out
  }
}
