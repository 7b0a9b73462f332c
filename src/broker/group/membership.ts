// SyncGroup, Heartbeat and LeaveGroup for classic groups; the rebalances they join or trigger
// are run by rebalance.ts.
import {GroupError} from './errors.js'
import type {GroupMetadata} from './group.js'
import {EMPTY_BUFFER, type SyncResult} from './member.js'
import {syncError, type Rebalancer} from './rebalance.js'

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

export class GroupMembership {
  constructor(private readonly rb: Rebalancer) {}

  private get host() {
    return this.rb.host
  }

  private get log() {
    return this.rb.log
  }

  private get now() {
    return this.rb.now
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(req: SyncRequest): Promise<SyncResult> {
    return new Promise((resolve) => this.doSync(req, resolve))
  }

  private doSync(req: SyncRequest, respond: (r: SyncResult) => void): void {
    const group = this.host.getGroup(req.groupId)
    if (!group) return respond(syncError(GroupError.UNKNOWN_MEMBER_ID))
    if (group.is('Dead')) return respond(syncError(GroupError.COORDINATOR_NOT_AVAILABLE))
    const error = this.rb.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'sync-group')
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
        this.rb.removePendingSyncMember(group, member.memberId)
        if (!group.isLeader(member.memberId)) return
        const statics = [...group.members.values()].filter((m) => m.isStatic).length
        this.log.info(`Assignment received from leader ${member.memberId} for group ${group.groupId} for generation ${group.generationId}. The group has ${group.members.size} members, ${statics} of which are static.`)
        // Members the leader left out get an empty assignment; ids it made up are ignored.
        const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
        const assignment = new Map([...group.members.keys()].map((id) => [id, given.get(id) ?? EMPTY_BUFFER]))
        const generation = group.generationId
        void this.host.storeGroup(group, assignment).then((storeError) => this.rb.safely(`storing the assignment of group ${group.groupId}`, () => {
          // Another member may have joined meanwhile: only finish the generation we stored.
          if (!group.is('CompletingRebalance') || group.generationId !== generation) return
          if (storeError !== GroupError.NONE) {
            this.rb.resetAndPropagateAssignmentError(group, storeError)
            this.rb.maybePrepareRebalance(group, `Error ${storeError} when storing group assignment during SyncGroup (member: ${member.memberId})`)
          } else {
            for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BUFFER
            this.rb.propagateAssignment(group, GroupError.NONE)
            group.transitionTo('Stable', this.now)
          }
        }))
        return
      }
      case 'Stable':
        this.rb.removePendingSyncMember(group, member.memberId)
        respond({errorCode: GroupError.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment})
        this.rb.scheduleHeartbeat(group, member)
        return
      case 'Dead':
        return respond(syncError(GroupError.COORDINATOR_NOT_AVAILABLE))
    }
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(req: HeartbeatRequest): number {
    const group = this.host.getGroup(req.groupId)
    if (!group) return GroupError.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return GroupError.COORDINATOR_NOT_AVAILABLE
    const error = this.rb.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'heartbeat')
    if (error !== GroupError.NONE) return error
    if (req.generationId !== group.generationId) return GroupError.ILLEGAL_GENERATION
    const member = group.get(req.memberId)
    switch (group.state) {
      case 'Empty':
        return GroupError.UNKNOWN_MEMBER_ID
      case 'CompletingRebalance':
        // Members may heartbeat between their JoinGroup and SyncGroup responses.
        this.rb.scheduleHeartbeat(group, member)
        return GroupError.NONE
      case 'PreparingRebalance':
        this.rb.scheduleHeartbeat(group, member)
        return GroupError.REBALANCE_IN_PROGRESS
      case 'Stable':
        this.rb.scheduleHeartbeat(group, member)
        return GroupError.NONE
      case 'Dead':
        return GroupError.COORDINATOR_NOT_AVAILABLE
    }
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
        this.rb.removePendingMemberAndUpdateGroup(group, m.memberId)
        return one(m, GroupError.NONE)
      }
      const error = this.rb.validateCurrentMember(group, m.memberId, m.groupInstanceId, 'leave-group')
      if (error !== GroupError.NONE) return one(m, error)
      this.removeCurrentMember(group, m.memberId, reason)
      return one(m, GroupError.NONE)
    })
    return {errorCode: GroupError.NONE, members}
  }

  private removeCurrentMember(group: GroupMetadata, memberId: string, reason: string): void {
    const member = group.get(memberId)
    this.log.info(`Member ${member.memberId} (group.instance.id ${member.groupInstanceId}) in group ${group.groupId} has left, removing it from the group`)
    this.rb.removeMemberAndUpdateGroup(group, member, reason)
  }

}
