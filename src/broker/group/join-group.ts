// JoinGroup: new members (the two-step join for dynamic members, static members taking their
// place back), current members rejoining, protocol and membership checks. The rebalance it
// triggers is run by rebalance.ts.
import {randomUUID} from 'node:crypto'
import {GroupError} from './errors.js'
import type {GroupMetadata} from './group.js'
import {MemberMetadata, type JoinResult, type ProtocolMetadata} from './member.js'
import {NEW_MEMBER_JOIN_TIMEOUT_MS, joinError, currentGenerationResult, type Rebalancer} from './rebalance.js'

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

export class GroupJoiner {
  constructor(private readonly rb: Rebalancer) {}

  private get host() {
    return this.rb.host
  }

  private get log() {
    return this.rb.log
  }

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
    if (group.is('PreparingRebalance')) this.rb.tryCompleteJoin(group)
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
      this.rb.schedulePendingMemberExpiry(group, newMemberId, req.sessionTimeoutMs)
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
    const error = this.rb.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'join-group')
    if (error !== GroupError.NONE) return respond(joinError(req.memberId, error))
    const member = group.get(req.memberId)
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond)
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // The member lost the JoinGroup response: send this generation's again.
          return respond(currentGenerationResult(group, member.memberId, group.isLeader(member.memberId), group.leaderId ?? ''))
        }
        return this.updateMemberAndRebalance(group, member, req, respond)
      case 'Stable':
        // The leader rejoining forces a rebalance: that is how it reacts to metadata changes
        // (new partitions, new topics matching a pattern) that do not change its subscription.
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, respond)
        }
        return respond(currentGenerationResult(group, member.memberId, false, group.leaderId ?? ''))
      case 'Empty':
      case 'Dead':
        this.log.warn(`Attempt to add rejoining member ${req.memberId} of group ${group.groupId} in unexpected group state ${group.state}`)
        return respond(joinError(req.memberId, GroupError.UNKNOWN_MEMBER_ID))
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
    this.rb.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS)
    this.rb.maybePrepareRebalance(group, `Adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason ?? 'not provided'}`)
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, req: JoinRequest, respond: (r: JoinResult) => void): void {
    // A JoinGroup already parked for this member (a retry) gets an answer, so no response is lost.
    group.maybeInvokeJoin(member, joinError(member.memberId, GroupError.REBALANCE_IN_PROGRESS))
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    this.rb.maybePrepareRebalance(group, `Updating metadata for member ${member.memberId} during ${group.state}; client reason: ${req.reason ?? 'not provided'}`)
  }

  private updateStaticMemberAndRebalance(group: GroupMetadata, req: JoinRequest, oldMemberId: string, newMemberId: string, respond: (r: JoinResult) => void): void {
    const instanceId = req.groupInstanceId!
    const currentLeader = group.leaderId ?? ''
    const member = group.get(oldMemberId)
    const old = {protocols: member.supportedProtocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs}
    this.log.info(`Static member with groupInstanceId=${instanceId} and unknown member id joins group ${group.groupId} in ${group.state} state. Replacing previously mapped member ${oldMemberId} with this groupInstanceId.`)
    group.replaceStaticMember(instanceId, oldMemberId, newMemberId, GroupError.FENCED_INSTANCE_ID)
    this.rb.scheduleHeartbeat(group, member)
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond)
    switch (group.state) {
      case 'Stable': {
        // Persist the new member id; rebalance only if the chosen protocol would change.
        if (group.protocolName !== group.selectProtocol()) {
          return this.rb.maybePrepareRebalance(group, `Group's selectedProtocol will change because static member ${newMemberId} with instance id ${instanceId} joined with change of protocol; client reason: ${req.reason ?? 'not provided'}`)
        }
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]))
        const generation = group.generationId
        void this.host.storeGroup(group, assignment).then((error) => this.rb.safely(`storing static member ${instanceId} of group ${group.groupId}`, () => {
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
            this.rb.scheduleHeartbeat(group, member)
            cb?.({...joinError('', error), generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, leaderId: currentLeader})
          } else if (req.supportSkippingAssignment) {
            // v9+: the static leader learns it leads, but must not run the assignor again (the
            // group is Stable, so a new assignment would be ignored).
            const isLeader = group.isLeader(newMemberId)
            group.maybeInvokeJoin(member, currentGenerationResult(group, newMemberId, isLeader, group.leaderId ?? '', isLeader))
          } else {
            // Before v9: answer with the old leader id so that a rejoining leader does not think
            // it leads, and does not compute an assignment nobody would receive.
            group.maybeInvokeJoin(member, currentGenerationResult(group, newMemberId, false, currentLeader))
          }
        }))
        return
      }
      case 'CompletingRebalance':
        // The leader may already have been sent the old member id: a fresh rebalance avoids an
        // assignment for a member that no longer exists.
        return this.rb.prepareRebalance(group, `Updating metadata for static member ${newMemberId} with instance id ${instanceId}; client reason: ${req.reason ?? 'not provided'}`)
      case 'PreparingRebalance':
        return // it now counts as rejoined; the caller tries to complete the join
      case 'Empty':
      case 'Dead':
        this.log.error(`Group ${group.groupId} was not supposed to be in the state ${group.state} when the unknown static member ${instanceId} rejoins.`)
        group.maybeInvokeJoin(member, joinError('', GroupError.UNKNOWN_MEMBER_ID))
    }
  }
}
