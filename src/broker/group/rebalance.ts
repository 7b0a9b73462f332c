// The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, and the timers
// that drive them (session expiry per member, the rebalance timeout, the initial rebalance
// delay, the pending-member and pending-sync expiries). It follows Kafka's GroupCoordinator:
//
//   1. A member without an id joins. From JoinGroup v4 on, a dynamic member first gets
//      MEMBER_ID_REQUIRED with a fresh id (kept as "pending" for one session timeout) and joins
//      again with it; a static member (group.instance.id) is admitted at once, and when its
//      instance is already known it takes the old member's place (the old id is fenced).
//   2. A join that changes the group moves it to PreparingRebalance; every known member must
//      rejoin within the largest rebalance timeout (for a group coming from Empty, after
//      group.initial.rebalance.delay.ms, extended while new members keep arriving).
//   3. When all have joined (or time is up: dynamic members that did not rejoin are dropped),
//      a new generation starts: a protocol is chosen, every JoinGroup is answered, the leader
//      gets the member list, and the group waits in CompletingRebalance for the leader's
//      SyncGroup. Members that do not sync within the rebalance timeout are removed.
//   4. The leader's assignments are written to __consumer_offsets; then every SyncGroup is
//      answered with the member's own (opaque) assignment and the group is Stable.
//
// Time comes from the injected clock; every timer re-checks that its group and member are
// still the ones it was set for, so a late timer is harmless.
import {randomUUID} from 'node:crypto'
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {GroupError} from './errors.js'
import {GroupMetadata} from './group.js'
import {EMPTY_BUFFER, MemberMetadata, type JoinResult, type ProtocolMetadata, type SyncResult} from './member.js'

/** Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's JoinGroup may wait. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000

export interface RebalanceConfig {
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  groupMaxSize: number
}

/** What the rebalancer needs from the coordinator that owns the groups and the store. */
export interface RebalanceHost {
  readonly clock: Clock
  readonly logger: Logger
  readonly config: RebalanceConfig
  /** False once stopped: timers then do nothing. */
  isActive(): boolean
  getGroup(groupId: string): GroupMetadata | undefined
  createGroup(groupId: string): GroupMetadata
  /** "__consumer_offsets-N", for log lines. */
  location(groupId: string): string
  /** Persists the group (with these assignments); resolves to an error code, 0 on success. */
  storeGroup(group: GroupMetadata, assignment: Map<string, Buffer>): Promise<number>
}

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  /** JoinGroup v4+ from a dynamic member: answer MEMBER_ID_REQUIRED first. */
  requireKnownMemberId: boolean
  /** JoinGroup v9+: a rejoining static leader of a Stable group may skip the assignment. */
  supportSkippingAssignment: boolean
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocolType: string
  protocols: ProtocolMetadata[]
  reason: string | null
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  protocolType: string | null
  protocolName: string | null
  assignments: {memberId: string; assignment: Buffer}[]
}

export interface HeartbeatRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

export interface LeavingMember {
  memberId: string
  groupInstanceId: string | null
  reason: string | null
}

export interface LeaveResult {
  errorCode: number
  members: {memberId: string; groupInstanceId: string | null; errorCode: number}[]
}

export function joinError(memberId: string, errorCode: number): JoinResult {
  return {errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: []}
}

function syncError(errorCode: number): SyncResult {
  return {errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUFFER}
}

export class Rebalancer {
  constructor(private readonly host: RebalanceHost) {}

  private get now(): number {
    return this.host.clock.now()
  }

  private get log(): Logger {
    return this.host.logger
  }

  // ---------------------------------------------------------------- JoinGroup

  join(req: JoinRequest): Promise<JoinResult> {
    return new Promise((resolve) => this.doJoin(req, resolve))
  }

  private doJoin(req: JoinRequest, respond: (r: JoinResult) => void): void {
    const {config} = this.host
    if (req.sessionTimeoutMs < config.groupMinSessionTimeoutMs || req.sessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
      return respond(joinError(req.memberId, GroupError.INVALID_SESSION_TIMEOUT))
    }
    const isUnknownMember = req.memberId === ''
    let group = this.host.getGroup(req.groupId)
    if (!group) {
      // Only a member without an id may create a group; a known id for an unknown group is stale.
      if (!isUnknownMember) return respond(joinError(req.memberId, GroupError.UNKNOWN_MEMBER_ID))
      group = this.host.createGroup(req.groupId)
    }
    if (isUnknownMember && group.members.size >= config.groupMaxSize) {
      return respond(joinError('', GroupError.GROUP_MAX_SIZE_REACHED))
    }
    if (isUnknownMember) this.doNewMemberJoin(group, req, respond)
    else this.doCurrentMemberJoin(group, req, respond)
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group)
  }

  private doNewMemberJoin(group: GroupMetadata, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError('', GroupError.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return respond(joinError('', GroupError.INCONSISTENT_GROUP_PROTOCOL))
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`
    if (req.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(req.groupInstanceId)
      if (oldMemberId === undefined) this.addMemberAndRebalance(group, req, newMemberId, respond)
      else this.updateStaticMemberAndRebalance(group, req, oldMemberId, newMemberId, respond)
    } else if (req.requireKnownMemberId) {
      // Register the id as pending and ask the member to come back with it.
      this.log.debug(`Dynamic member with unknown member id joins group ${group.groupId} in ${group.state} state. Created a new member id ${newMemberId} and requesting the member to rejoin with this id.`)
      group.addPendingMember(newMemberId)
      this.schedulePendingMemberExpiry(group, newMemberId, req.sessionTimeoutMs)
      respond(joinError(newMemberId, GroupError.MEMBER_ID_REQUIRED))
    } else {
      this.addMemberAndRebalance(group, req, newMemberId, respond)
    }
  }

  private doCurrentMemberJoin(group: GroupMetadata, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError(req.memberId, GroupError.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return respond(joinError(req.memberId, GroupError.INCONSISTENT_GROUP_PROTOCOL))
    }
    if (req.groupInstanceId === null && group.pendingMembers.has(req.memberId)) {
      // The second step of the two-step join.
      return this.addMemberAndRebalance(group, req, req.memberId, respond)
    }
    const error = this.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'join-group')
    if (error !== GroupError.NONE) return respond(joinError(req.memberId, error))
    const member = group.get(req.memberId)
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond)
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // The member lost the JoinGroup response: send this generation's again.
          return respond(this.currentGenerationResult(group, member.memberId, group.isLeader(member.memberId), group.leaderId ?? ''))
        }
        return this.updateMemberAndRebalance(group, member, req, respond)
      case 'Stable':
        // The leader rejoining forces a rebalance: that is how it reacts to metadata changes
        // (new partitions, new topics matching a pattern) that do not change its subscription.
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, respond)
        }
        return respond(this.currentGenerationResult(group, member.memberId, false, group.leaderId ?? ''))
      case 'Empty':
      case 'Dead':
        this.log.warn(`Attempt to add rejoining member ${req.memberId} of group ${group.groupId} in unexpected group state ${group.state}`)
        return respond(joinError(req.memberId, GroupError.UNKNOWN_MEMBER_ID))
    }
  }

  private currentGenerationResult(group: GroupMetadata, memberId: string, withMembers: boolean, leaderId: string, skipAssignment = false): JoinResult {
    return {
      errorCode: GroupError.NONE, memberId, generationId: group.generationId, protocolType: group.protocolType,
      protocolName: group.protocolName, leaderId, skipAssignment,
      members: withMembers ? group.currentMemberMetadata() : [],
    }
  }

  private addMemberAndRebalance(group: GroupMetadata, req: JoinRequest, memberId: string, respond: (r: JoinResult) => void): void {
    const member = new MemberMetadata(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs,
      req.sessionTimeoutMs, req.protocolType, req.protocols)
    member.isNew = true
    // A new member during the first rebalance's initial delay earns the group one more delay.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true
    group.removePendingMember(memberId)
    group.add(member, respond)
    // A new member cannot heartbeat until it has its generation, and a client that disconnects
    // during a long rebalance would simply retry: so its join is bounded by a fixed timeout.
    this.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    this.maybePrepareRebalance(group, `Adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason ?? 'not provided'}`)
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, req: JoinRequest, respond: (r: JoinResult) => void): void {
    // A JoinGroup already parked for this member (a retry) gets an answer, so no response is lost.
    group.maybeInvokeJoin(member, joinError(member.memberId, GroupError.REBALANCE_IN_PROGRESS))
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    this.maybePrepareRebalance(group, `Updating metadata for member ${member.memberId} during ${group.state}; client reason: ${req.reason ?? 'not provided'}`)
  }

  private updateStaticMemberAndRebalance(group: GroupMetadata, req: JoinRequest, oldMemberId: string, newMemberId: string, respond: (r: JoinResult) => void): void {
    const instanceId = req.groupInstanceId!
    const currentLeader = group.leaderId ?? ''
    const member = group.get(oldMemberId)
    const old = {protocols: member.supportedProtocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs}
    this.log.info(`Static member with groupInstanceId=${instanceId} and unknown member id joins group ${group.groupId} in ${group.state} state. Replacing previously mapped member ${oldMemberId} with this groupInstanceId.`)
    group.replaceStaticMember(instanceId, oldMemberId, newMemberId, GroupError.FENCED_INSTANCE_ID)
    this.scheduleHeartbeat(group, member)
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    switch (group.state) {
      case 'Stable': {
        // Persist the new member id; rebalance only if the chosen protocol would change.
        if (group.protocolName !== group.selectProtocol()) {
          return this.maybePrepareRebalance(group, `Group's selectedProtocol will change because static member ${newMemberId} with instance id ${instanceId} joined with change of protocol; client reason: ${req.reason ?? 'not provided'}`)
        }
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]))
        const generation = group.generationId
        void this.host.storeGroup(group, assignment).then((error) => {
          if (group.members.get(newMemberId) !== member) return
          if (error !== GroupError.NONE) {
            this.log.warn(`Failed to persist metadata for group ${group.groupId} static member ${instanceId}: error ${error}`)
            if (!group.is('Stable') || group.generationId !== generation) {
              group.maybeInvokeJoin(member, joinError('', error))
              return
            }
            // Put the old member id back, as if this join never happened.
            const cb = member.awaitingJoin
            group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null)
            group.replaceStaticMember(instanceId, newMemberId, oldMemberId, GroupError.FENCED_INSTANCE_ID)
            this.scheduleHeartbeat(group, member)
            cb?.({...joinError('', error), generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, leaderId: currentLeader})
          } else if (req.supportSkippingAssignment) {
            // v9+: the static leader learns it leads, but must not run the assignor again (the
            // group is Stable, so a new assignment would be ignored).
            const isLeader = group.isLeader(newMemberId)
            group.maybeInvokeJoin(member, this.currentGenerationResult(group, newMemberId, isLeader, group.leaderId ?? '', isLeader))
          } else {
            // Before v9: answer with the old leader id so that a rejoining leader does not think
            // it leads, and does not compute an assignment nobody would receive.
            group.maybeInvokeJoin(member, this.currentGenerationResult(group, newMemberId, false, currentLeader))
          }
        })
        return
      }
      case 'CompletingRebalance':
        // The leader may already have been sent the old member id: a fresh rebalance avoids an
        // assignment for a member that no longer exists.
        return this.prepareRebalance(group, `Updating metadata for static member ${newMemberId} with instance id ${instanceId}; client reason: ${req.reason ?? 'not provided'}`)
      case 'PreparingRebalance':
        return // it now counts as rejoined; the caller tries to complete the join
      case 'Empty':
      case 'Dead':
        this.log.error(`Group ${group.groupId} was not supposed to be in the state ${group.state} when the unknown static member ${instanceId} rejoins.`)
        group.maybeInvokeJoin(member, joinError('', GroupError.UNKNOWN_MEMBER_ID))
    }
  }

  /**
   * The member id must be in the group and, for a static member, be the id its instance is
   * currently mapped to (an older process of the same instance is fenced).
   */
  validateCurrentMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null, operation: string): number {
    if (groupInstanceId !== null) {
      const current = group.staticMemberId(groupInstanceId)
      if (current === undefined) return GroupError.UNKNOWN_MEMBER_ID
      if (current !== memberId) {
        this.log.info(`Request memberId=${memberId} for static member with groupInstanceId=${groupInstanceId} is fenced by current memberId=${current} during operation ${operation}`)
        return GroupError.FENCED_INSTANCE_ID
      }
      return GroupError.NONE
    }
    return group.has(memberId) ? GroupError.NONE : GroupError.UNKNOWN_MEMBER_ID
  }

  // ---------------------------------------------------------------- rebalance

  maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason)
  }

  prepareRebalance(group: GroupMetadata, reason: string): void {
    // Members waiting for their assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, GroupError.REBALANCE_IN_PROGRESS)
    group.syncTimer?.cancel()
    group.syncTimer = null
    group.joinTimer?.cancel()
    const fromEmpty = group.is('Empty')
    group.transitionTo('PreparingRebalance', this.now)
    this.log.info(`Preparing to rebalance group ${group.groupId} in state ${group.state} with old generation ${group.generationId} (${this.host.location(group.groupId)}) (reason: ${reason})`)
    if (fromEmpty) {
      const delay = this.host.config.groupInitialRebalanceDelayMs
      group.inInitialDelay = true
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0))
    } else {
      group.inInitialDelay = false
      this.scheduleJoinTimeout(group)
      this.tryCompleteJoin(group)
    }
  }

  private scheduleJoinTimeout(group: GroupMetadata): void {
    group.joinTimer = this.host.clock.setTimeout(() => {
      group.joinTimer = null
      if (this.host.isActive() && group.is('PreparingRebalance')) this.onCompleteJoin(group)
    }, group.rebalanceTimeoutMs)
  }

  /** group.initial.rebalance.delay.ms: wait, and wait again (up to the rebalance timeout) while members keep coming. */
  private scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.host.clock.setTimeout(() => {
      group.joinTimer = null
      if (!this.host.isActive() || !group.is('PreparingRebalance')) return
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false
        const delay = Math.min(this.host.config.groupInitialRebalanceDelayMs, remainingMs)
        this.scheduleInitialJoin(group, delay, Math.max(remainingMs - delayMs, 0))
      } else {
        group.inInitialDelay = false
        this.onCompleteJoin(group)
      }
    }, delayMs)
  }

  tryCompleteJoin(group: GroupMetadata): void {
    if (group.is('PreparingRebalance') && !group.inInitialDelay && group.hasAllMembersJoined) {
      group.joinTimer?.cancel()
      group.joinTimer = null
      this.onCompleteJoin(group)
    }
  }

  private onCompleteJoin(group: GroupMetadata): void {
    group.inInitialDelay = false
    // Dynamic members that did not rejoin in time are gone; static ones keep their place.
    for (const failed of group.notYetRejoinedMembers()) {
      if (failed.isStatic) continue
      this.log.info(`Group ${group.groupId} removed dynamic member ${failed.memberId} that did not rejoin before the rebalance timeout`)
      failed.isLeaving = true
      failed.invokeSync(syncError(GroupError.UNKNOWN_MEMBER_ID))
      group.remove(failed.memberId)
    }
    if (group.is('Dead')) return
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only static members that have not rejoined are left: wait another rebalance timeout,
      // until their sessions expire or they come back.
      this.log.error(`Group ${group.groupId} could not complete rebalance because no members rejoined`)
      this.scheduleJoinTimeout(group)
      return
    }
    group.initNextGeneration(this.now)
    if (group.is('Empty')) {
      this.log.info(`Group ${group.groupId} with generation ${group.generationId} is now empty (${this.host.location(group.groupId)})`)
      void this.host.storeGroup(group, new Map()).then((error) => {
        // An old generation would come back after a restart; with no members that is harmless.
        if (error !== GroupError.NONE) this.log.warn(`Failed to write empty metadata for group ${group.groupId}: error ${error}`)
      })
      return
    }
    this.log.info(`Stabilized group ${group.groupId} generation ${group.generationId} (${this.host.location(group.groupId)}) with ${group.members.size} members`)
    for (const member of group.members.values()) {
      const isLeader = group.isLeader(member.memberId)
      group.maybeInvokeJoin(member, this.currentGenerationResult(group, member.memberId, isLeader, group.leaderId ?? ''))
      this.scheduleHeartbeat(group, member)
      member.isNew = false
      group.pendingSyncMembers.add(member.memberId)
    }
    this.schedulePendingSync(group)
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(req: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.doSync(req, resolve))
  }

  private doSync(req: SyncRequest, respond: (r: SyncResult) => void): void {
    const group = this.host.getGroup(req.groupId)
    if (!group) return respond(syncError(GroupError.UNKNOWN_MEMBER_ID))
    if (group.is('Dead')) return respond(syncError(GroupError.COORDINATOR_NOT_AVAILABLE))
    const error = this.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'sync-group')
    if (error !== GroupError.NONE) return respond(syncError(error))
    if (req.generationId !== group.generationId) return respond(syncError(GroupError.ILLEGAL_GENERATION))
    if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
      return respond(syncError(GroupError.INCONSISTENT_GROUP_PROTOCOL))
    }
    const member = group.get(req.memberId)
    switch (group.state) {
      case 'Empty':
        return respond(syncError(GroupError.UNKNOWN_MEMBER_ID))
      case 'PreparingRebalance':
        return respond(syncError(GroupError.REBALANCE_IN_PROGRESS))
      case 'CompletingRebalance': {
        member.invokeSync(syncError(GroupError.REBALANCE_IN_PROGRESS)) // a retry replaces a parked SyncGroup
        member.awaitingSync = respond
        this.removePendingSyncMember(group, member.memberId)
        if (!group.isLeader(member.memberId)) return
        const statics = [...group.members.values()].filter((m) => m.isStatic).length
        this.log.info(`Assignment received from leader ${member.memberId} for group ${group.groupId} for generation ${group.generationId}. The group has ${group.members.size} members, ${statics} of which are static.`)
        // Members the leader left out get an empty assignment; ids it made up are ignored.
        const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
        const assignment = new Map([...group.members.keys()].map((id) => [id, given.get(id) ?? EMPTY_BUFFER]))
        const generation = group.generationId
        void this.host.storeGroup(group, assignment).then((storeError) => {
          // Another member may have joined meanwhile: only finish the generation we stored.
          if (!group.is('CompletingRebalance') || group.generationId !== generation) return
          if (storeError !== GroupError.NONE) {
            this.resetAndPropagateAssignmentError(group, storeError)
            this.maybePrepareRebalance(group, `Error ${storeError} when storing group assignment during SyncGroup (member: ${member.memberId})`)
          } else {
            for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BUFFER
            this.propagateAssignment(group, GroupError.NONE)
            group.transitionTo('Stable', this.now)
          }
        })
        return
      }
      case 'Stable':
        this.removePendingSyncMember(group, member.memberId)
        respond({errorCode: GroupError.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment})
        this.scheduleHeartbeat(group, member)
        return
      case 'Dead':
        return respond(syncError(GroupError.COORDINATOR_NOT_AVAILABLE))
    }
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BUFFER
    this.propagateAssignment(group, error)
  }

  private propagateAssignment(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) {
      const result: SyncResult = {errorCode: error, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment}
      // A member whose session ran out while it waited must not be expired for that wait.
      if (m.invokeSync(result)) this.scheduleHeartbeat(group, m)
    }
  }

  private schedulePendingSync(group: GroupMetadata): void {
    group.syncTimer?.cancel()
    const generation = group.generationId
    group.syncTimer = this.host.clock.setTimeout(() => {
      group.syncTimer = null
      if (!this.host.isActive() || generation !== group.generationId) return
      if (!group.is('CompletingRebalance') && !group.is('Stable')) return
      if (group.pendingSyncMembers.size === 0) return
      const missing = [...group.pendingSyncMembers]
      for (const id of missing) {
        const m = group.members.get(id)
        if (!m) continue
        m.isLeaving = true
        group.maybeInvokeJoin(m, joinError('', GroupError.UNKNOWN_MEMBER_ID))
        m.invokeSync(syncError(GroupError.UNKNOWN_MEMBER_ID))
        group.remove(id)
      }
      this.prepareRebalance(group, `Removing ${missing.join(', ')} on pending sync request expiration`)
    }, group.rebalanceTimeoutMs)
  }

  private removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.pendingSyncMembers.size === 0) {
      group.syncTimer?.cancel()
      group.syncTimer = null
    }
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(req: HeartbeatRequest): number {
    const group = this.host.getGroup(req.groupId)
    if (!group) return GroupError.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return GroupError.COORDINATOR_NOT_AVAILABLE
    const error = this.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'heartbeat')
    if (error !== GroupError.NONE) return error
    if (req.generationId !== group.generationId) return GroupError.ILLEGAL_GENERATION
    const member = group.get(req.memberId)
    switch (group.state) {
      case 'Empty':
        return GroupError.UNKNOWN_MEMBER_ID
      case 'CompletingRebalance':
        // Members may heartbeat between their JoinGroup and SyncGroup responses.
        this.scheduleHeartbeat(group, member)
        return GroupError.NONE
      case 'PreparingRebalance':
        this.scheduleHeartbeat(group, member)
        return GroupError.REBALANCE_IN_PROGRESS
      case 'Stable':
        this.scheduleHeartbeat(group, member)
        return GroupError.NONE
      case 'Dead':
        return GroupError.COORDINATOR_NOT_AVAILABLE
    }
  }

  /** Restarts the member's session timer (a heartbeat, or any sign of life that counts as one). */
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata, timeoutMs = member.sessionTimeoutMs): void {
    member.latestHeartbeat = this.now
    member.cancelHeartbeat()
    member.heartbeatTimer = this.host.clock.setTimeout(() => {
      member.heartbeatTimer = null
      this.onHeartbeatExpired(group, member)
    }, timeoutMs)
  }

  private onHeartbeatExpired(group: GroupMetadata, member: MemberMetadata): void {
    if (!this.host.isActive() || member.isLeaving || group.is('Dead')) return
    if (group.members.get(member.memberId) !== member) return
    // A known member waiting in a rebalance is alive by definition; the rebalance and sync
    // timeouts deal with it if it never finishes. New members are bounded by their join timeout.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return
    this.log.info(`Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`)
    this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`)
  }

  private schedulePendingMemberExpiry(group: GroupMetadata, memberId: string, timeoutMs: number): void {
    const timer = this.host.clock.setTimeout(() => {
      if (!this.host.isActive() || !group.pendingMembers.has(memberId)) return
      this.log.info(`Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`)
      group.pendingMemberTimers.delete(memberId)
      this.removePendingMemberAndUpdateGroup(group, memberId)
    }, timeoutMs)
    group.pendingMemberTimers.set(memberId, timer)
  }

  private removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.removePendingMember(memberId)
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group)
  }

  // ---------------------------------------------------------------- LeaveGroup

  leave(groupId: string, leaving: LeavingMember[]): LeaveResult {
    const group = this.host.getGroup(groupId)
    const one = (m: LeavingMember, errorCode: number) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode})
    if (!group) return {errorCode: GroupError.NONE, members: leaving.map((m) => one(m, GroupError.UNKNOWN_MEMBER_ID))}
    if (group.is('Dead')) return {errorCode: GroupError.COORDINATOR_NOT_AVAILABLE, members: []}
    const members = leaving.map((m) => {
      const reason = `removing member ${m.memberId || m.groupInstanceId} on LeaveGroup; client reason: ${m.reason ?? 'not provided'}`
      if (m.memberId === '') {
        // Removal by group.instance.id alone (an admin removing a static member).
        const current = group.staticMemberId(m.groupInstanceId)
        if (current === undefined) return one(m, GroupError.UNKNOWN_MEMBER_ID)
        this.removeCurrentMember(group, current, reason)
        return one(m, GroupError.NONE)
      }
      if (group.pendingMembers.has(m.memberId)) {
        this.log.info(`Pending member ${m.memberId} is leaving group ${group.groupId}.`)
        this.removePendingMemberAndUpdateGroup(group, m.memberId)
        return one(m, GroupError.NONE)
      }
      const error = this.validateCurrentMember(group, m.memberId, m.groupInstanceId, 'leave-group')
      if (error !== GroupError.NONE) return one(m, error)
      this.removeCurrentMember(group, m.memberId, reason)
      return one(m, GroupError.NONE)
    })
    return {errorCode: GroupError.NONE, members}
  }

  private removeCurrentMember(group: GroupMetadata, memberId: string, reason: string): void {
    const member = group.get(memberId)
    this.log.info(`Member ${member.memberId} (group.instance.id ${member.groupInstanceId}) in group ${group.groupId} has left, removing it from the group`)
    this.removeMemberAndUpdateGroup(group, member, reason)
  }

  removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    // A member may leave (or expire) with a JoinGroup still parked: it must get an answer.
    group.maybeInvokeJoin(member, joinError('', GroupError.UNKNOWN_MEMBER_ID))
    member.invokeSync(syncError(GroupError.UNKNOWN_MEMBER_ID))
    member.isLeaving = true
    group.remove(member.memberId)
    switch (group.state) {
      case 'Dead':
      case 'Empty':
        return
      case 'Stable':
      case 'CompletingRebalance':
        return this.maybePrepareRebalance(group, reason)
      case 'PreparingRebalance':
        return this.tryCompleteJoin(group)
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** A group loaded with members: their sessions start now. */
  onGroupLoaded(group: GroupMetadata): void {
    for (const m of group.members.values()) this.scheduleHeartbeat(group, m)
  }

  /** Cancels the group's timers and answers every parked request with the given error. */
  unload(group: GroupMetadata, error: number): void {
    group.joinTimer?.cancel()
    group.joinTimer = null
    group.syncTimer?.cancel()
    group.syncTimer = null
    for (const id of [...group.pendingMembers]) group.removePendingMember(id)
    for (const m of group.members.values()) {
      m.cancelHeartbeat()
      group.maybeInvokeJoin(m, joinError(m.memberId, error))
      m.invokeSync(syncError(error))
    }
  }
}
