// The group coordinator: owns every classic group and its committed offsets, persisted to
// __consumer_offsets (offsets-store.ts) and loaded back by start(). This broker is the
// coordinator for every group (one broker leads every partition of the offsets topic).
//
// By concern: the state machine is group-state.ts; the rebalance protocol rebalance.ts (timers,
// generations), join-group.ts (JoinGroup) and membership.ts (SyncGroup, Heartbeat, LeaveGroup);
// offsets offsets-manager.ts; the records offsets-store.ts and offsets-records.ts. This file
// is the facade the handlers call: validation common to all group APIs, start (loading) and
// stop, DescribeGroups, ListGroups, DeleteGroups.
//
// Left out: transactional offset commits (TxnOffsetCommit, UNSTABLE_OFFSET_COMMIT), the KIP-848
// consumer protocol (ConsumerGroupHeartbeat), group.max.size shrinking of already-loaded groups.
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {GroupError, storeErrorCode} from './errors.js'
import {GroupMetadata, type GroupOverview, type GroupSummary} from './group.js'
import {parseGroupState, type GroupState} from './group-state.js'
import type {JoinResult, SyncResult} from './member.js'
import {OFFSETS_TOPIC, type OffsetsTopic} from './offsets-topic.js'
import {OffsetsStore, groupRecord} from './offsets-store.js'
import type {GroupMetadataValue} from './offsets-records.js'
import {Rebalancer, joinError} from './rebalance.js'
import {GroupJoiner, type JoinRequest} from './join-group.js'
import {GroupMembership, type HeartbeatRequest, type LeaveResult, type LeavingMember, type SyncRequest} from './membership.js'
import {OffsetsManager, type CommitRequest, type FetchResult, type TopicPartition} from './offsets-manager.js'
import {groupsFromPartition} from './group-loader.js'

export type {JoinRequest} from './join-group.js'
export type {SyncRequest, HeartbeatRequest, LeavingMember, LeaveResult} from './membership.js'
export type {CommitPartition, CommitRequest, FetchedPartition, FetchResult, TopicPartition} from './offsets-manager.js'
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
  private readonly joiner: GroupJoiner
  private readonly membership: GroupMembership
  private readonly offsets: OffsetsManager
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
    this.joiner = new GroupJoiner(this.rebalancer)
    this.membership = new GroupMembership(this.rebalancer)
    this.offsets = new OffsetsManager({
      clock: this.clock,
      log: this.logger,
      brokerId: this.config.brokerId,
      offsetMetadataMaxBytes: this.config.offsetMetadataMaxBytes,
      offsetsRetentionMs: this.config.offsetsRetentionMs,
      store: this.store,
      groups: this.groups,
      rebalancer: this.rebalancer,
      validateGroupStatus: (id, api) => this.validateGroupStatus(id, api),
      isLoading: (id) => this.loadingPartitions.has(this.topic.partitionFor(id)),
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
    return this.joiner.join(req)
  }

  async syncGroup(req: SyncRequest): Promise<SyncResult> {
    let error = this.validateGroupStatus(req.groupId, 'sync')
    // While loading, the rebalance in progress is lost: send the member back to JoinGroup (older
    // clients do not expect COORDINATOR_LOAD_IN_PROGRESS here).
    if (error === GroupError.COORDINATOR_LOAD_IN_PROGRESS) error = GroupError.REBALANCE_IN_PROGRESS
    if (error !== GroupError.NONE) return {errorCode: error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)}
    return this.membership.sync(req)
  }

  heartbeat(req: HeartbeatRequest): number {
    const error = this.validateGroupStatus(req.groupId, 'heartbeat')
    // While loading we cannot judge the member; Kafka answers NONE and checks on the next one.
    if (error === GroupError.COORDINATOR_LOAD_IN_PROGRESS) return GroupError.NONE
    if (error !== GroupError.NONE) return error
    return this.membership.heartbeat(req)
  }

  leaveGroup(groupId: string, members: LeavingMember[]): LeaveResult {
    const error = this.validateGroupStatus(groupId, 'leave')
    if (error !== GroupError.NONE) return {errorCode: error, members: []}
    return this.membership.leave(groupId, members)
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
  commitOffsets(req: CommitRequest): Promise<number[]> {
    return this.offsets.commitOffsets(req)
  }

  /** Committed offsets: of the given partitions (-1 for none), or all of the group's (topics null). */
  fetchOffsets(groupId: string, topics: {topic: string; partitions: number[]}[] | null): FetchResult {
    return this.offsets.fetchOffsets(groupId, topics)
  }

  /** OffsetDelete: a group error, or an error per partition. */
  deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<{errorCode: number; partitions: (TopicPartition & {errorCode: number})[]}> {
    return this.offsets.deleteOffsets(groupId, partitions)
  }

  /** Expires offsets as Kafka's offsets.retention.minutes does; returns how many went. */
  expireOffsets(): Promise<number> {
    return this.offsets.expireOffsets()
  }

  /** A deleted topic takes its committed offsets with it. */
  onTopicsDeleted(topics: string[]): Promise<void> {
    return this.offsets.onTopicsDeleted(topics)
  }

  private scheduleExpiry(): void {
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = null
      if (!this.active) return
      void this.expireOffsets().catch((err) => this.log.error(`Offset expiration failed: ${(err as Error).message}`)).finally(() => {
        if (this.active) this.scheduleExpiry()
      })
    }, this.config.offsetsRetentionCheckIntervalMs)
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
      await this.offsets.cleanup(group, removed)
    }
    if (eligible.length > 0) {
      this.log.info(`[GroupCoordinator ${this.config.brokerId}]: The following groups were deleted: ${eligible.map((g) => g.groupId).join(', ')}. A total of ${offsetsRemoved} offsets were removed.`)
    }
    return groupIds.map((groupId) => ({groupId, errorCode: results.get(groupId)!}))
  }

  // ---------------------------------------------------------------- loading

  private async loadPartition(partition: number): Promise<number> {
    const groups = groupsFromPartition(await this.store.load(partition), this.clock.now())
    for (const group of groups) {
      const previous = this.groups.get(group.groupId)
      if (previous) this.rebalancer.unload(previous, GroupError.NOT_COORDINATOR)
      this.groups.set(group.groupId, group)
      this.log.info(`[GroupCoordinator ${this.config.brokerId}]: Loading group metadata for ${group.groupId} with generation ${group.generationId}`)
      this.rebalancer.onGroupLoaded(group)
    }
    return groups.length
  }
}
