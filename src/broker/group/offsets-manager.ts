// Committed offsets of classic and simple groups: commit (with the generation and member checks
// of group management, or none for a memberless "simple" group), fetch, delete, expiry after
// offsets.retention.minutes, and the removal of groups left Empty with nothing stored. Every
// change is written to __consumer_offsets before it is applied (tombstones for removals).
//
// Left out: transactional offset commits (TxnOffsetCommit, UNSTABLE_OFFSET_COMMIT).
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {GroupError, storeErrorCode} from './errors.js'
import {GroupMetadata, type OffsetAndMetadata} from './group.js'
import {type OffsetsStore, groupRecord, offsetRecord, type StoredRecord} from './offsets-store.js'
import type {Rebalancer} from './rebalance.js'

export interface CommitPartition {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string | null
  /** OffsetCommit v1 only; -1 = now. */
  commitTimestamp: number
}

export interface CommitRequest {
  groupId: string
  /** -1 for a commit outside group management (a "simple" consumer). */
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** OffsetCommit v2-v4 retention_time_ms; -1 = the broker's offsets.retention. */
  retentionTimeMs: number
  partitions: CommitPartition[]
  /** What a commit with a generation to an unknown group gets: ILLEGAL_GENERATION, or GROUP_ID_NOT_FOUND from v9. */
  unknownGroupError?: number
}

export interface FetchedPartition {
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string | null
  errorCode: number
}

export interface FetchResult {
  errorCode: number
  topics: {topic: string; partitions: FetchedPartition[]}[]
}

export interface TopicPartition {
  topic: string
  partition: number
}

/** What the offsets manager needs from the coordinator. */
export interface OffsetsHost {
  readonly clock: Clock
  readonly log: Logger
  readonly brokerId: number
  readonly offsetMetadataMaxBytes: number
  readonly offsetsRetentionMs: number
  readonly store: OffsetsStore
  readonly groups: Map<string, GroupMetadata>
  readonly rebalancer: Rebalancer
  /** The error every group API answers before looking at the group, or NONE. */
  validateGroupStatus(groupId: string, api: 'commit' | 'fetch' | 'offset-delete'): number
  /** True while the group's __consumer_offsets partition is loading. */
  isLoading(groupId: string): boolean
}

export class OffsetsManager {
  constructor(private readonly host: OffsetsHost) {}

  private get log(): Logger {
    return this.host.log
  }

  private get groups(): Map<string, GroupMetadata> {
    return this.host.groups
  }


  /** Error code per partition, in request order. */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number) => req.partitions.map(() => code)
    const status = this.host.validateGroupStatus(req.groupId, 'commit')
    if (status !== GroupError.NONE) return all(status)
    let group = this.groups.get(req.groupId)
    if (!group) {
      // No group: allowed only outside group management; otherwise the commit is from a
      // generation this coordinator never knew (or a group since deleted).
      if (req.generationId >= 0) return all(req.unknownGroupError ?? GroupError.ILLEGAL_GENERATION)
      group = new GroupMetadata(req.groupId, 'Empty', this.host.clock.now())
      this.groups.set(req.groupId, group)
    }
    const error = this.validateOffsetCommit(group, req)
    if (error !== GroupError.NONE) return all(error)

    const now = this.host.clock.now()
    const expire = req.retentionTimeMs === -1 ? null : now + req.retentionTimeMs
    const codes = all(GroupError.NONE)
    const accepted: {index: number; value: OffsetAndMetadata}[] = []
    const records: StoredRecord[] = []
    req.partitions.forEach((p, index) => {
      const metadata = p.metadata ?? ''
      if (Buffer.byteLength(metadata) > this.host.offsetMetadataMaxBytes) {
        codes[index] = GroupError.OFFSET_METADATA_TOO_LARGE
        return
      }
      const value: OffsetAndMetadata = {
        offset: p.offset, leaderEpoch: p.leaderEpoch, metadata,
        commitTimestamp: p.commitTimestamp === -1 ? now : p.commitTimestamp, expireTimestamp: expire,
      }
      accepted.push({index, value})
      records.push(offsetRecord(req.groupId, p.topic, p.partition, value))
    })
    if (records.length === 0) return codes
    try {
      await this.host.store.write(req.groupId, records, now)
    } catch (err) {
      const code = storeErrorCode(err, true)
      this.log.warn(`[GroupMetadataManager brokerId=${this.host.brokerId}] Offset commit for group ${req.groupId} failed: ${(err as Error).message}`)
      for (const a of accepted) codes[a.index] = code
      return codes
    }
    // A group deleted while the write was in flight keeps nothing (its tombstones follow).
    if (!group.is('Dead') && this.groups.get(req.groupId) === group) {
      for (const a of accepted) group.putOffset(req.partitions[a.index].topic, req.partitions[a.index].partition, a.value)
    }
    return codes
  }

  private validateOffsetCommit(group: GroupMetadata, req: CommitRequest): number {
    if (group.is('Dead')) return GroupError.COORDINATOR_NOT_AVAILABLE
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const error = this.host.rebalancer.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'offset-commit')
      if (error !== GroupError.NONE) return error
      if (req.generationId !== group.generationId) return GroupError.ILLEGAL_GENERATION
    } else if (!group.is('Empty')) {
      // A group with members takes commits only from its members.
      return GroupError.UNKNOWN_MEMBER_ID
    }
    switch (group.state) {
      case 'CompletingRebalance':
        // The member has its new generation but not its assignment yet.
        return GroupError.REBALANCE_IN_PROGRESS
      case 'Stable':
      case 'PreparingRebalance': {
        // Still allowed while rebalancing: the heartbeat tells the member to rejoin. A commit
        // is a sign of life too.
        const member = group.members.get(req.memberId)
        if (member) this.host.rebalancer.scheduleHeartbeat(group, member)
        return GroupError.NONE
      }
      default:
        return GroupError.NONE
    }
  }

  /** Committed offsets: of the given partitions (-1 for none), or all of the group's (topics null). */
  fetchOffsets(groupId: string, topics: {topic: string; partitions: number[]}[] | null): FetchResult {
    const status = this.host.validateGroupStatus(groupId, 'fetch')
    if (status !== GroupError.NONE) return {errorCode: status, topics: []}
    const group = this.groups.get(groupId)
    const live = group && !group.is('Dead') ? group : undefined
    const entry = (partition: number, o: OffsetAndMetadata | undefined): FetchedPartition =>
      o ? {partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: GroupError.NONE}
        : {partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: GroupError.NONE}
    if (topics === null) {
      if (!live) return {errorCode: GroupError.NONE, topics: []}
      return {
        errorCode: GroupError.NONE,
        topics: [...live.offsets].map(([topic, byPartition]) => ({topic, partitions: [...byPartition].map(([p, o]) => entry(p, o))})),
      }
    }
    return {
      errorCode: GroupError.NONE,
      topics: topics.map((t) => ({topic: t.topic, partitions: t.partitions.map((p) => entry(p, live?.offset(t.topic, p)))})),
    }
  }

  /** OffsetDelete: a group error, or an error per partition. */
  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<{errorCode: number; partitions: (TopicPartition & {errorCode: number})[]}> {
    const status = this.host.validateGroupStatus(groupId, 'offset-delete')
    if (status !== GroupError.NONE) return {errorCode: status, partitions: []}
    const group = this.groups.get(groupId)
    if (!group || group.is('Dead')) return {errorCode: GroupError.GROUP_ID_NOT_FOUND, partitions: []}
    let eligible: TopicPartition[]
    const refused: (TopicPartition & {errorCode: number})[] = []
    if (group.is('Empty')) {
      eligible = partitions
    } else if (group.protocolType === 'consumer') {
      // Offsets of topics the group still consumes would be committed again at once.
      eligible = []
      for (const tp of partitions) {
        if (group.isSubscribedToTopic(tp.topic)) refused.push({...tp, errorCode: GroupError.GROUP_SUBSCRIBED_TO_TOPIC})
        else eligible.push(tp)
      }
    } else {
      return {errorCode: GroupError.NON_EMPTY_GROUP, partitions: []}
    }
    if (eligible.length > 0) {
      const removed = eligible.filter((tp) => group.removeOffset(tp.topic, tp.partition))
      await this.cleanup(group, removed)
      this.log.info(`[GroupMetadataManager brokerId=${this.host.brokerId}] The following offsets of the group ${groupId} were deleted: ${removed.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}.`)
    }
    return {errorCode: GroupError.NONE, partitions: [...refused, ...eligible.map((tp) => ({...tp, errorCode: GroupError.NONE}))]}
  }

  /**
   * Writes tombstones for removed offsets; an Empty group left without offsets is Dead and goes
   * too (with a tombstone for its metadata, if it ever had a generation).
   */
  async cleanup(group: GroupMetadata, removedOffsets: TopicPartition[]): Promise<void> {
    const records = removedOffsets.map((tp) => offsetRecord(group.groupId, tp.topic, tp.partition, null))
    if (group.is('Empty') && !group.hasOffsets && group.pendingMembers.size === 0) {
      this.log.info(`[GroupMetadataManager brokerId=${this.host.brokerId}] Group ${group.groupId} transitioned to Dead in generation ${group.generationId}`)
      group.transitionTo('Dead', this.host.clock.now())
      this.host.rebalancer.unload(group, GroupError.COORDINATOR_NOT_AVAILABLE)
      if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId)
      if (group.generationId > 0) records.push(groupRecord(group.groupId, null))
    }
    if (records.length === 0) return
    try {
      await this.host.store.write(group.groupId, records, this.host.clock.now())
    } catch (err) {
      this.log.warn(`[GroupMetadataManager brokerId=${this.host.brokerId}] Failed to write tombstones for group ${group.groupId}: ${(err as Error).message}`)
    }
  }

  /** Expires offsets as Kafka's offsets.retention.minutes does; returns how many went. */
  async expireOffsets(): Promise<number> {
    const now = this.host.clock.now()
    const retention = this.host.offsetsRetentionMs
    let total = 0
    for (const group of [...this.groups.values()]) {
      if (this.host.isLoading(group.groupId)) continue
      const expired = expiredOffsets(group, now, retention)
      for (const tp of expired) group.removeOffset(tp.topic, tp.partition)
      total += expired.length
      await this.cleanup(group, expired)
    }
    if (total > 0) this.log.info(`[GroupMetadataManager brokerId=${this.host.brokerId}] Removed ${total} expired offsets in ${this.host.clock.now() - now} milliseconds.`)
    return total
  }

  /** A deleted topic takes its committed offsets with it. */
  async onTopicsDeleted(topics: string[]): Promise<void> {
    const deleted = new Set(topics)
    for (const group of [...this.groups.values()]) {
      const removed = group.allOffsets().filter((o) => deleted.has(o.topic)).map(({topic, partition}) => ({topic, partition}))
      for (const tp of removed) group.removeOffset(tp.topic, tp.partition)
      if (removed.length > 0) await this.cleanup(group, removed)
    }
  }

}

/** Kafka's GroupMetadata.removeExpiredOffsets rules. */
function expiredOffsets(group: GroupMetadata, now: number, retentionMs: number): TopicPartition[] {
  const pick = (base: (o: OffsetAndMetadata) => number, subscribed?: Set<string>) =>
    group.allOffsets()
      .filter(({topic, value}) => !subscribed?.has(topic) && (value.expireTimestamp !== null ? now >= value.expireTimestamp : now - base(value) >= retentionMs))
      .map(({topic, partition}) => ({topic, partition}))
  if (group.protocolType !== null && group.is('Empty')) {
    // No member left: the clock runs from when the group became empty.
    return pick((o) => group.currentStateTimestamp ?? o.commitTimestamp)
  }
  if (group.protocolType === 'consumer' && group.subscribedTopics !== null && group.is('Stable')) {
    // A live consumer group loses only the offsets of topics it no longer subscribes to.
    return pick((o) => o.commitTimestamp, group.subscribedTopics)
  }
  if (group.protocolType === null) return pick((o) => o.commitTimestamp)
  return []
}

