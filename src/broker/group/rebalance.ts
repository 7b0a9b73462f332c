// The heart of the classic rebalance protocol, shared by JoinGroup (join-group.ts) and by
// SyncGroup, Heartbeat and LeaveGroup (membership.ts): preparing and completing rebalances, and
// the timers that drive them (session expiry per member, the rebalance timeout, the initial
// rebalance delay, the pending-member and pending-sync expiries). It follows Kafka's
// GroupCoordinator:
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
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {GroupError} from './errors.js'
import type {GroupMetadata} from './group.js'
import {EMPTY_BUFFER, type MemberMetadata, type JoinResult, type SyncResult} from './member.js'

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

export function joinError(memberId: string, errorCode: number): JoinResult {
  return {errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: []}
}

export function syncError(errorCode: number): SyncResult {
  return {errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUFFER}
}

/** This generation's JoinGroup answer (the leader's carries the members). */
export function currentGenerationResult(group: GroupMetadata, memberId: string, withMembers: boolean, leaderId: string, skipAssignment = false): JoinResult {
  return {
    errorCode: GroupError.NONE, memberId, generationId: group.generationId, protocolType: group.protocolType,
    protocolName: group.protocolName, leaderId, skipAssignment,
    members: withMembers ? group.currentMemberMetadata() : [],
  }
}

export class Rebalancer {
  constructor(readonly host: RebalanceHost) {}

  get now(): number {
    return this.host.clock.now()
  }

  get log(): Logger {
    return this.host.logger
  }

  /**
   * Runs a callback that no request is waiting on (a timer, a finished write), so that a bug
   * in it is logged instead of taking the broker down with an uncaught exception.
   */
  safely(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.log.error(`Unexpected error in ${what}: ${(err as Error).stack ?? String(err)}`)
    }
  }

  /** clock.setTimeout with the callback run safely. */
  setTimer(fn: () => void, ms: number): {cancel(): void} {
    return this.host.clock.setTimeout(() => this.safely('a group coordinator timer', fn), ms)
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
    group.joinTimer = this.setTimer(() => {
      group.joinTimer = null
      if (this.host.isActive() && group.is('PreparingRebalance')) this.onCompleteJoin(group)
    }, group.rebalanceTimeoutMs)
  }

  /** group.initial.rebalance.delay.ms: wait, and wait again (up to the rebalance timeout) while members keep coming. */
  private scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    group.joinTimer = this.setTimer(() => {
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
      }, (err) => this.log.error(`Storing group ${group.groupId}: ${(err as Error).message}`))
      return
    }
    this.log.info(`Stabilized group ${group.groupId} generation ${group.generationId} (${this.host.location(group.groupId)}) with ${group.members.size} members`)
    for (const member of group.members.values()) {
      const isLeader = group.isLeader(member.memberId)
      group.maybeInvokeJoin(member, currentGenerationResult(group, member.memberId, isLeader, group.leaderId ?? ''))
      this.scheduleHeartbeat(group, member)
      member.isNew = false
      group.pendingSyncMembers.add(member.memberId)
    }
    this.schedulePendingSync(group)
  }

  resetAndPropagateAssignmentError(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY_BUFFER
    this.propagateAssignment(group, error)
  }

  propagateAssignment(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) {
      const result: SyncResult = {errorCode: error, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment}
      // A member whose session ran out while it waited must not be expired for that wait.
      if (m.invokeSync(result)) this.scheduleHeartbeat(group, m)
    }
  }

  schedulePendingSync(group: GroupMetadata): void {
    group.syncTimer?.cancel()
    const generation = group.generationId
    group.syncTimer = this.setTimer(() => {
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

  removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.pendingSyncMembers.size === 0) {
      group.syncTimer?.cancel()
      group.syncTimer = null
    }
  }

  /** Restarts the member's session timer (a heartbeat, or any sign of life that counts as one). */
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata, timeoutMs = member.sessionTimeoutMs): void {
    member.latestHeartbeat = this.now
    member.cancelHeartbeat()
    member.heartbeatTimer = this.setTimer(() => {
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

  schedulePendingMemberExpiry(group: GroupMetadata, memberId: string, timeoutMs: number): void {
    const timer = this.setTimer(() => {
      if (!this.host.isActive() || !group.pendingMembers.has(memberId)) return
      this.log.info(`Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`)
      group.pendingMemberTimers.delete(memberId)
      this.removePendingMemberAndUpdateGroup(group, memberId)
    }, timeoutMs)
    group.pendingMemberTimers.set(memberId, timer)
  }

  removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.removePendingMember(memberId)
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group)
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
