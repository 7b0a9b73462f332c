// The group coordinator: owns every classic group and its committed offsets, persisted to
// __consumer_offsets (offsets-store.ts) and loaded back by start(). This broker is the
// coordinator for every group (one broker leads every partition of the offsets topic).
//
// The rebalance protocol itself (JoinGroup, SyncGroup, Heartbeat, LeaveGroup and their timers)
// is in rebalance.ts; the state machine in group-state.ts. This file does what sits around it:
// request validation common to all group APIs, loading, offsets (commit, fetch, delete,
// expiry), DescribeGroups, ListGroups, DeleteGroups.
//
// Left out: transactional offset commits (TxnOffsetCommit, UNSTABLE_OFFSET_COMMIT), the KIP-848
// consumer protocol (ConsumerGroupHeartbeat), group.max.size shrinking of already-loaded groups.
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {GroupError, storeErrorCode} from './errors.js'
import {GroupMetadata, type GroupOverview, type GroupSummary, type OffsetAndMetadata} from './group.js'
import {parseGroupState, type GroupState} from './group-state.js'
import {MemberMetadata, type JoinResult, type SyncResult} from './member.js'
import {OFFSETS_TOPIC, type OffsetsTopic} from './offsets-topic.js'
import {OffsetsStore, groupRecord, offsetRecord, type StoredRecord} from './offsets-store.js'
import type {GroupMetadataValue} from './offsets-records.js'
import {Rebalancer, joinError, type HeartbeatRequest, type JoinRequest, type LeaveResult, type LeavingMember, type SyncRequest} from './rebalance.js'

export type {JoinRequest, SyncRequest, HeartbeatRequest, LeavingMember, LeaveResult} from './rebalance.js'
export type {JoinResult, SyncResult} from './member.js'
export type {GroupSummary, GroupOverview} from './group.js'

export interface GroupCoordinatorConfig {
  /** For log lines ("[GroupCoordinator 0]"). */
  brokerId?: number
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  groupMaxSize?: number
  /** offsets.retention.minutes, in ms. */
  offsetsRetentionMs: number
  /** offsets.retention.check.interval.ms (Kafka: 600000). */
  offsetsRetentionCheckIntervalMs?: number
  /** Partitions of __consumer_offsets to load at start (offsets.topic.num.partitions). */
  offsetsTopicNumPartitions: number
  /** offset.metadata.max.bytes (Kafka: 4096). */
  offsetMetadataMaxBytes?: number
}

export interface GroupCoordinatorOptions {
  clock: Clock
  logger: Logger
  config: GroupCoordinatorConfig
  offsetsTopic: OffsetsTopic
}

/** The coordinator's config from the broker's (server.properties keys of the same names). */
export function coordinatorConfigFromBroker(c: {
  brokerId: number; groupInitialRebalanceDelayMs: number; groupMinSessionTimeoutMs: number; groupMaxSessionTimeoutMs: number
  groupMaxSize: number; offsetsRetentionMinutes: number; offsetsRetentionCheckIntervalMs: number; offsetsTopicNumPartitions: number
}): GroupCoordinatorConfig {
  return {
    brokerId: c.brokerId,
    groupInitialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
    groupMinSessionTimeoutMs: c.groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
    groupMaxSize: c.groupMaxSize,
    offsetsRetentionMs: c.offsetsRetentionMinutes * 60_000,
    offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
    offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
  }
}

/** Which API is asking: offset APIs, DescribeGroups and DeleteGroups accept the empty group id. */
export type GroupApi = 'join' | 'sync' | 'heartbeat' | 'leave' | 'commit' | 'fetch' | 'describe' | 'delete' | 'offset-delete'

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

const DEAD_SUMMARY: GroupSummary = {state: 'Dead', protocolType: '', protocolName: '', members: []}
/** Kafka's GroupSummary for an error: no state at all. */
const NO_SUMMARY = {state: '', protocolType: '', protocolName: '', members: []}

export class GroupCoordinator {
  readonly clock: Clock
  readonly logger: Logger
  readonly config: Required<GroupCoordinatorConfig>
  private readonly store: OffsetsStore
  private readonly topic: OffsetsTopic
  private readonly groups = new Map<string, GroupMetadata>()
  private readonly rebalancer: Rebalancer
  private active = false
  private readonly loadingPartitions = new Set<number>()
  private expiryTimer: {cancel(): void} | null = null

  constructor(opts: GroupCoordinatorOptions) {
    this.clock = opts.clock
    this.config = {brokerId: 0, groupMaxSize: 2147483647, offsetsRetentionCheckIntervalMs: 600_000, offsetMetadataMaxBytes: 4096, ...opts.config}
    this.logger = opts.logger.child('kafka.coordinator.group.GroupCoordinator')
    this.topic = opts.offsetsTopic
    this.store = new OffsetsStore(opts.offsetsTopic, this.logger)
    const prefix = `[GroupCoordinator ${this.config.brokerId}]: `
    const log = this.logger
    const prefixed = Object.assign(Object.create(log) as Logger, {
      info: (m: string) => log.info(prefix + m), warn: (m: string) => log.warn(prefix + m),
      error: (m: string) => log.error(prefix + m), debug: (m: string) => log.debug(prefix + m), trace: (m: string) => log.trace(prefix + m),
    })
    this.rebalancer = new Rebalancer({
      clock: this.clock,
      logger: prefixed,
      config: this.config,
      isActive: () => this.active,
      getGroup: (id) => this.groups.get(id),
      createGroup: (id) => this.addGroup(new GroupMetadata(id, 'Empty', this.clock.now())),
      location: (id) => `${OFFSETS_TOPIC}-${this.topic.partitionFor(id)}`,
      storeGroup: (group, assignment) => this.storeGroup(group, assignment),
    })
  }

  private get log(): Logger {
    return this.logger
  }

  /** Accepts requests at once (answering COORDINATOR_LOAD_IN_PROGRESS) and loads every partition. */
  async start(): Promise<void> {
    this.logger.info(`[GroupCoordinator ${this.config.brokerId}]: Starting up.`)
    this.active = true
    for (let p = 0; p < this.config.offsetsTopicNumPartitions; p++) this.loadingPartitions.add(p)
    for (let p = 0; p < this.config.offsetsTopicNumPartitions; p++) {
      const started = this.clock.now()
      try {
        const n = await this.loadPartition(p)
        if (n > 0) this.logger.info(`[GroupMetadataManager brokerId=${this.config.brokerId}] Finished loading offsets and group metadata from ${OFFSETS_TOPIC}-${p} in ${this.clock.now() - started} milliseconds (${n} groups)`)
      } catch (err) {
        this.logger.error(`[GroupMetadataManager brokerId=${this.config.brokerId}] Error loading offsets from ${OFFSETS_TOPIC}-${p}: ${(err as Error).message}`)
      } finally {
        this.loadingPartitions.delete(p)
      }
      if (!this.active) return
    }
    this.scheduleExpiry()
    this.logger.info(`[GroupCoordinator ${this.config.brokerId}]: Startup complete.`)
  }

  async stop(): Promise<void> {
    this.logger.info(`[GroupCoordinator ${this.config.brokerId}]: Shutting down.`)
    this.active = false
    this.expiryTimer?.cancel()
    this.expiryTimer = null
    for (const group of this.groups.values()) this.rebalancer.unload(group, GroupError.NOT_COORDINATOR)
    this.groups.clear()
    this.loadingPartitions.clear()
    this.logger.info(`[GroupCoordinator ${this.config.brokerId}]: Shutdown complete.`)
  }

  partitionFor(groupId: string): number {
    return this.topic.partitionFor(groupId)
  }

  /** Started and not stopped: it answers for groups (FindCoordinator points clients here). */
  get isActive(): boolean {
    return this.active
  }

  /** The error every group API answers before looking at the group, or NONE. */
  validateGroupStatus(groupId: string, api: GroupApi): number {
    const emptyAllowed = api === 'commit' || api === 'fetch' || api === 'describe' || api === 'delete'
    if (groupId === null || groupId === undefined || (!emptyAllowed && groupId === '')) return GroupError.INVALID_GROUP_ID
    if (!this.active) return GroupError.COORDINATOR_NOT_AVAILABLE
    if (this.loadingPartitions.has(this.topic.partitionFor(groupId))) return GroupError.COORDINATOR_LOAD_IN_PROGRESS
    return GroupError.NONE
  }

  /** For tests and tools: the group as the coordinator holds it. */
  group(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId)
  }

  private addGroup(group: GroupMetadata): GroupMetadata {
    this.groups.set(group.groupId, group)
    return group
  }

  // ---------------------------------------------------------------- membership

  async joinGroup(req: JoinRequest): Promise<JoinResult> {
    const error = this.validateGroupStatus(req.groupId, 'join')
    if (error !== GroupError.NONE) return joinError(req.memberId, error)
    return this.rebalancer.join(req)
  }

  async syncGroup(req: SyncRequest): Promise<SyncResult> {
    let error = this.validateGroupStatus(req.groupId, 'sync')
    // While loading, the rebalance in progress is lost: send the member back to JoinGroup (older
    // clients do not expect COORDINATOR_LOAD_IN_PROGRESS here).
    if (error === GroupError.COORDINATOR_LOAD_IN_PROGRESS) error = GroupError.REBALANCE_IN_PROGRESS
    if (error !== GroupError.NONE) return {errorCode: error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)}
    return this.rebalancer.sync(req)
  }

  heartbeat(req: HeartbeatRequest): number {
    const error = this.validateGroupStatus(req.groupId, 'heartbeat')
    // While loading we cannot judge the member; Kafka answers NONE and checks on the next one.
    if (error === GroupError.COORDINATOR_LOAD_IN_PROGRESS) return GroupError.NONE
    if (error !== GroupError.NONE) return error
    return this.rebalancer.heartbeat(req)
  }

  leaveGroup(groupId: string, members: LeavingMember[]): LeaveResult {
    const error = this.validateGroupStatus(groupId, 'leave')
    if (error !== GroupError.NONE) return {errorCode: error, members: []}
    return this.rebalancer.leave(groupId, members)
  }

  /** Persists the group's metadata with these assignments; resolves to an error code (0 = stored). */
  private async storeGroup(group: GroupMetadata, assignment: Map<string, Buffer>): Promise<number> {
    const protocol = group.protocolName
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: protocol !== null && m.protocolNames().includes(protocol) ? m.metadata(protocol) : Buffer.alloc(0),
        assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
      })),
    }
    try {
      await this.store.write(group.groupId, [groupRecord(group.groupId, value)], this.clock.now())
      return GroupError.NONE
    } catch (err) {
      this.log.warn(`[GroupMetadataManager brokerId=${this.config.brokerId}] Failed to write metadata of group ${group.groupId}: ${(err as Error).message}`)
      return storeErrorCode(err, false)
    }
  }

  // ---------------------------------------------------------------- offsets

  /** Error code per partition, in request order. */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number) => req.partitions.map(() => code)
    const status = this.validateGroupStatus(req.groupId, 'commit')
    if (status !== GroupError.NONE) return all(status)
    let group = this.groups.get(req.groupId)
    if (!group) {
      // No group: allowed only outside group management; otherwise the commit is from a
      // generation this coordinator never knew (or a group since deleted).
      if (req.generationId >= 0) return all(req.unknownGroupError ?? GroupError.ILLEGAL_GENERATION)
      group = this.addGroup(new GroupMetadata(req.groupId, 'Empty', this.clock.now()))
    }
    const error = this.validateOffsetCommit(group, req)
    if (error !== GroupError.NONE) return all(error)

    const now = this.clock.now()
    const expire = req.retentionTimeMs === -1 ? null : now + req.retentionTimeMs
    const codes = all(GroupError.NONE)
    const accepted: {index: number; value: OffsetAndMetadata}[] = []
    const records: StoredRecord[] = []
    req.partitions.forEach((p, index) => {
      const metadata = p.metadata ?? ''
      if (Buffer.byteLength(metadata) > this.config.offsetMetadataMaxBytes) {
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
      await this.store.write(req.groupId, records, now)
    } catch (err) {
      const code = storeErrorCode(err, true)
      this.log.warn(`[GroupMetadataManager brokerId=${this.config.brokerId}] Offset commit for group ${req.groupId} failed: ${(err as Error).message}`)
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
      const error = this.rebalancer.validateCurrentMember(group, req.memberId, req.groupInstanceId, 'offset-commit')
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
        if (member) this.rebalancer.scheduleHeartbeat(group, member)
        return GroupError.NONE
      }
      default:
        return GroupError.NONE
    }
  }

  /** Committed offsets: of the given partitions (-1 for none), or all of the group's (topics null). */
  fetchOffsets(groupId: string, topics: {topic: string; partitions: number[]}[] | null): FetchResult {
    const status = this.validateGroupStatus(groupId, 'fetch')
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
    const status = this.validateGroupStatus(groupId, 'offset-delete')
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
      this.log.info(`[GroupMetadataManager brokerId=${this.config.brokerId}] The following offsets of the group ${groupId} were deleted: ${removed.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}.`)
    }
    return {errorCode: GroupError.NONE, partitions: [...refused, ...eligible.map((tp) => ({...tp, errorCode: GroupError.NONE}))]}
  }

  /**
   * Writes tombstones for removed offsets; an Empty group left without offsets is Dead and goes
   * too (with a tombstone for its metadata, if it ever had a generation).
   */
  private async cleanup(group: GroupMetadata, removedOffsets: TopicPartition[]): Promise<void> {
    const records = removedOffsets.map((tp) => offsetRecord(group.groupId, tp.topic, tp.partition, null))
    if (group.is('Empty') && !group.hasOffsets && group.pendingMembers.size === 0) {
      this.log.info(`[GroupMetadataManager brokerId=${this.config.brokerId}] Group ${group.groupId} transitioned to Dead in generation ${group.generationId}`)
      group.transitionTo('Dead', this.clock.now())
      this.rebalancer.unload(group, GroupError.COORDINATOR_NOT_AVAILABLE)
      if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId)
      if (group.generationId > 0) records.push(groupRecord(group.groupId, null))
    }
    if (records.length === 0) return
    try {
      await this.store.write(group.groupId, records, this.clock.now())
    } catch (err) {
      this.log.warn(`[GroupMetadataManager brokerId=${this.config.brokerId}] Failed to write tombstones for group ${group.groupId}: ${(err as Error).message}`)
    }
  }

  /** Expires offsets as Kafka's offsets.retention.minutes does; returns how many went. */
  async expireOffsets(): Promise<number> {
    const now = this.clock.now()
    const retention = this.config.offsetsRetentionMs
    let total = 0
    for (const group of [...this.groups.values()]) {
      if (this.loadingPartitions.has(this.topic.partitionFor(group.groupId))) continue
      const expired = expiredOffsets(group, now, retention)
      for (const tp of expired) group.removeOffset(tp.topic, tp.partition)
      total += expired.length
      await this.cleanup(group, expired)
    }
    if (total > 0) this.log.info(`[GroupMetadataManager brokerId=${this.config.brokerId}] Removed ${total} expired offsets in ${this.clock.now() - now} milliseconds.`)
    return total
  }

  private scheduleExpiry(): void {
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = null
      if (!this.active) return
      void this.expireOffsets().finally(() => {
        if (this.active) this.scheduleExpiry()
      })
    }, this.config.offsetsRetentionCheckIntervalMs)
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

  // ---------------------------------------------------------------- admin

  describeGroup(groupId: string): {errorCode: number; summary: GroupSummary | typeof NO_SUMMARY} {
    const status = this.validateGroupStatus(groupId, 'describe')
    if (status !== GroupError.NONE) return {errorCode: status, summary: NO_SUMMARY}
    const group = this.groups.get(groupId)
    return {errorCode: GroupError.NONE, summary: group ? group.summary() : DEAD_SUMMARY}
  }

  /** ListGroups; statesFilter (v4+) and typesFilter (v5+) match case-insensitively, empty = all. */
  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): {errorCode: number; groups: (GroupOverview & {groupType: string})[]} {
    if (!this.active) return {errorCode: GroupError.COORDINATOR_NOT_AVAILABLE, groups: []}
    const states = new Set(statesFilter.map((s) => parseGroupState(s)).filter((s): s is GroupState => s !== undefined))
    if (statesFilter.length > 0 && states.size === 0) return {errorCode: GroupError.NONE, groups: []}
    const types = new Set(typesFilter.map((t) => t.toLowerCase()))
    if (types.size > 0 && !types.has('classic')) return {errorCode: GroupError.NONE, groups: []}
    const groups = [...this.groups.values()]
      .filter((g) => !g.is('Dead') && (states.size === 0 || states.has(g.state)))
      .map((g) => ({...g.overview(), groupType: 'classic'}))
    return {errorCode: this.loadingPartitions.size > 0 ? GroupError.COORDINATOR_LOAD_IN_PROGRESS : GroupError.NONE, groups}
  }

  /** DeleteGroups: only Empty groups go; their offsets and metadata get tombstones. */
  async deleteGroups(groupIds: string[]): Promise<{groupId: string; errorCode: number}[]> {
    const results = new Map<string, number>()
    const eligible: GroupMetadata[] = []
    for (const groupId of groupIds) {
      const status = this.validateGroupStatus(groupId, 'delete')
      if (status !== GroupError.NONE) {
        results.set(groupId, status)
        continue
      }
      const group = this.groups.get(groupId)
      if (!group || group.is('Dead')) results.set(groupId, GroupError.GROUP_ID_NOT_FOUND)
      else if (!group.is('Empty')) results.set(groupId, GroupError.NON_EMPTY_GROUP)
      else {
        eligible.push(group)
        results.set(groupId, GroupError.NONE)
      }
    }
    let offsetsRemoved = 0
    for (const group of eligible) {
      const removed = group.allOffsets().map(({topic, partition}) => ({topic, partition}))
      for (const tp of removed) group.removeOffset(tp.topic, tp.partition)
      offsetsRemoved += removed.length
      for (const id of [...group.pendingMembers]) group.removePendingMember(id)
      await this.cleanup(group, removed)
    }
    if (eligible.length > 0) {
      this.log.info(`[GroupCoordinator ${this.config.brokerId}]: The following groups were deleted: ${eligible.map((g) => g.groupId).join(', ')}. A total of ${offsetsRemoved} offsets were removed.`)
    }
    return groupIds.map((groupId) => ({groupId, errorCode: results.get(groupId)!}))
  }

  // ---------------------------------------------------------------- loading

  private async loadPartition(partition: number): Promise<number> {
    const loaded = await this.store.load(partition)
    const now = this.clock.now()
    const ids = new Set<string>()
    for (const [id, value] of loaded.groups) if (value) ids.add(id)
    for (const [id, offsets] of loaded.offsets) if ([...offsets.values()].some((o) => o.value !== null)) ids.add(id)
    for (const groupId of ids) {
      const value = loaded.groups.get(groupId)
      const group = value ? groupFromRecord(groupId, value, now) : new GroupMetadata(groupId, 'Empty', now)
      for (const o of loaded.offsets.get(groupId)?.values() ?? []) if (o.value) group.putOffset(o.topic, o.partition, o.value)
      const previous = this.groups.get(groupId)
      if (previous) this.rebalancer.unload(previous, GroupError.NOT_COORDINATOR)
      this.groups.set(groupId, group)
      this.log.info(`[GroupCoordinator ${this.config.brokerId}]: Loading group metadata for ${groupId} with generation ${group.generationId}`)
      this.rebalancer.onGroupLoaded(group)
    }
    return ids.size
  }
}

function groupFromRecord(groupId: string, v: GroupMetadataValue, now: number): GroupMetadata {
  const group = new GroupMetadata(groupId, v.members.length > 0 ? 'Stable' : 'Empty', v.currentStateTimestamp ?? now)
  group.currentStateTimestamp = v.currentStateTimestamp
  group.protocolType = v.protocolType === '' ? null : v.protocolType
  group.generationId = v.generation
  const protocol = v.protocol ?? ''
  for (const m of v.members) {
    const member = new MemberMetadata(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs,
      v.protocolType, [{name: protocol, metadata: m.subscription}])
    member.assignment = m.assignment
    group.add(member, null)
  }
  group.protocolType = v.protocolType === '' ? null : v.protocolType
  group.protocolName = v.members.length > 0 ? protocol : v.protocol
  group.leaderId = v.leader !== null && group.has(v.leader) ? v.leader : group.members.keys().next().value ?? null
  group.subscribedTopics = group.computeSubscribedTopics()
  return group
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
