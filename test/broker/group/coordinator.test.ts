import {afterEach, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/common/clock.js'
import {memoryLogger} from '../../../src/common/logger.js'
import {GroupCoordinator, type GroupCoordinatorConfig, type JoinRequest, type JoinResult} from '../../../src/broker/group/coordinator.js'
import {GroupError as E} from '../../../src/broker/group/errors.js'
import {decodeRecordKey} from '../../../src/broker/group/offsets-records.js'
import {MemoryOffsetsTopic} from './memory-offsets-topic.js'

/** A consumer subscription (ConsumerProtocolSubscription v0) for the given topics. */
function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)]
  parts[1].writeInt32BE(topics.length)
  for (const t of topics) {
    const len = Buffer.alloc(2)
    len.writeInt16BE(Buffer.byteLength(t))
    parts.push(len, Buffer.from(t))
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))
  return Buffer.concat(parts)
}

/** Lets promise callbacks (store writes, responses) run. */
const settle = () => new Promise((r) => setImmediate(r))

const coordinators: GroupCoordinator[] = []
afterEach(async () => {
  for (const c of coordinators.splice(0)) await c.stop()
})

async function setup(overrides: Partial<GroupCoordinatorConfig> = {}, topic = new MemoryOffsetsTopic(), clock = new ManualClock()) {
  const {logger, lines} = memoryLogger('group')
  const coordinator = new GroupCoordinator({
    clock, logger, offsetsTopic: topic,
    config: {groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 100, groupMaxSessionTimeoutMs: 60_000, offsetsRetentionMs: 7 * 24 * 3600_000, offsetsTopicNumPartitions: topic.numPartitions, ...overrides},
  })
  coordinators.push(coordinator)
  await coordinator.start()
  return {coordinator, clock, topic, lines}
}

function joinReq(groupId: string, memberId = '', extra: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId, memberId, groupInstanceId: null, requireKnownMemberId: true, supportSkippingAssignment: false,
    clientId: 'client', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 1000,
    protocolType: 'consumer', protocols: [{name: 'range', metadata: subscription('t')}], reason: null, ...extra,
  }
}

/** Two-step join: MEMBER_ID_REQUIRED, then the real JoinGroup (still pending). */
async function joinNew(c: GroupCoordinator, groupId: string, extra: Partial<JoinRequest> = {}): Promise<{memberId: string; join: Promise<JoinResult>}> {
  const first = await c.joinGroup(joinReq(groupId, '', extra))
  expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED)
  expect(first.memberId).toMatch(/^client-[0-9a-f-]{36}$/)
  return {memberId: first.memberId, join: c.joinGroup(joinReq(groupId, first.memberId, extra))}
}

describe('GroupCoordinator: rebalancing', () => {
  it('takes a single member through the two-step join, sync and heartbeats', async () => {
    const {coordinator: c, clock} = await setup()
    const {memberId, join} = await joinNew(c, 'g')
    expect(c.group('g')!.state).toBe('PreparingRebalance')
    clock.advance(0) // initial rebalance delay 0
    const joined = await join
    expect(joined).toMatchObject({errorCode: 0, generationId: 1, protocolName: 'range', protocolType: 'consumer', leaderId: memberId, memberId})
    expect(joined.members.map((m) => m.memberId)).toEqual([memberId])
    expect(c.group('g')!.state).toBe('CompletingRebalance')

    const synced = await c.syncGroup({groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{memberId, assignment: Buffer.from('A')}]})
    expect(synced).toMatchObject({errorCode: 0, protocolType: 'consumer', protocolName: 'range'})
    expect(synced.assignment.toString()).toBe('A')
    expect(c.group('g')!.state).toBe('Stable')

    for (let i = 0; i < 5; i++) {
      clock.advance(800)
      expect(c.heartbeat({groupId: 'g', generationId: 1, memberId, groupInstanceId: null})).toBe(E.NONE)
    }
    expect(c.heartbeat({groupId: 'g', generationId: 0, memberId, groupInstanceId: null})).toBe(E.ILLEGAL_GENERATION)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: 'nobody', groupInstanceId: null})).toBe(E.UNKNOWN_MEMBER_ID)
    expect(c.heartbeat({groupId: 'other', generationId: 1, memberId, groupInstanceId: null})).toBe(E.UNKNOWN_MEMBER_ID)
    expect(c.describeGroup('g').summary).toMatchObject({state: 'Stable', protocolType: 'consumer', protocolName: 'range'})
    expect(c.describeGroup('g').summary.members[0]).toMatchObject({memberId, clientId: 'client', clientHost: '/127.0.0.1'})
    expect(c.describeGroup('g').summary.members[0].assignment.toString()).toBe('A')
  })

  it('rebalances when a second member joins and when a member fails to heartbeat', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g')
    clock.advance(0)
    await a.join
    await c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    expect(c.group('g')!.state).toBe('Stable')

    // b joins: the group prepares a rebalance; a learns from its heartbeat and rejoins.
    const b = await joinNew(c, 'g')
    expect(c.group('g')!.state).toBe('PreparingRebalance')
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null})).toBe(E.REBALANCE_IN_PROGRESS)
    const aJoin = c.joinGroup(joinReq('g', a.memberId))
    const [ra, rb] = await Promise.all([aJoin, b.join])
    expect(ra.generationId).toBe(2)
    expect(rb.generationId).toBe(2)
    expect(ra.leaderId).toBe(a.memberId)
    expect(ra.members).toHaveLength(2)
    expect(rb.members).toHaveLength(0)

    // The follower's SyncGroup waits for the leader's.
    const bSync = c.syncGroup({groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    let bDone = false
    void bSync.then(() => (bDone = true))
    await settle()
    expect(bDone).toBe(false)
    const aSync = await c.syncGroup({groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null,
      assignments: [{memberId: a.memberId, assignment: Buffer.from('a')}, {memberId: b.memberId, assignment: Buffer.from('b')}]})
    expect(aSync.assignment.toString()).toBe('a')
    expect((await bSync).assignment.toString()).toBe('b')

    // a goes silent: after its session timeout it is removed and b must rejoin.
    for (let i = 0; i < 3; i++) {
      clock.advance(500)
      expect(c.heartbeat({groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null})).toBe(i < 1 ? E.NONE : E.REBALANCE_IN_PROGRESS)
    }
    expect(c.group('g')!.has(a.memberId)).toBe(false)
    const rejoin = await c.joinGroup(joinReq('g', b.memberId))
    expect(rejoin).toMatchObject({errorCode: 0, generationId: 3, leaderId: b.memberId})
  })

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g', {rebalanceTimeoutMs: 2000})
    const b = await joinNew(c, 'g', {rebalanceTimeoutMs: 2000})
    clock.advance(0)
    const [ra] = await Promise.all([a.join, b.join])
    await Promise.all([
      c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
      c.syncGroup({groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
    ])
    expect(ra.members).toHaveLength(2)
    // a (the leader) rejoins; b keeps heartbeating but never rejoins.
    const aJoin = c.joinGroup(joinReq('g', a.memberId, {rebalanceTimeoutMs: 2000}))
    clock.advance(900)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: null})).toBe(E.REBALANCE_IN_PROGRESS)
    clock.advance(1200)
    const r = await aJoin
    expect(r).toMatchObject({errorCode: 0, generationId: 2})
    expect(r.members.map((m) => m.memberId)).toEqual([a.memberId])
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: null})).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('removes members that miss SyncGroup and rebalances the rest', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g', {rebalanceTimeoutMs: 3000})
    const b = await joinNew(c, 'g', {rebalanceTimeoutMs: 3000})
    clock.advance(0)
    await Promise.all([a.join, b.join])
    const bSync = c.syncGroup({groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    // the leader never syncs, but heartbeats keep both sessions alive
    for (let i = 0; i < 4; i++) {
      clock.advance(800)
      c.heartbeat({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null})
    }
    expect((await bSync).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    expect(c.group('g')!.has(a.memberId)).toBe(false)
    expect(c.group('g')!.state).toBe('PreparingRebalance')
  })

  it('waits group.initial.rebalance.delay.ms for the first members, extending while they arrive', async () => {
    const {coordinator: c, clock} = await setup({groupInitialRebalanceDelayMs: 3000})
    const a = await joinNew(c, 'g')
    let done = false
    void a.join.then(() => (done = true))
    clock.advance(2000)
    const b = await joinNew(c, 'g')
    clock.advance(1500) // first delay over, but b arrived: one more delay
    await settle()
    expect(done).toBe(false)
    clock.advance(3000)
    const [ra, rb] = await Promise.all([a.join, b.join])
    expect(ra.generationId).toBe(1)
    expect(ra.members).toHaveLength(2)
    expect(rb.generationId).toBe(1)
  })

  it('answers the join errors Kafka does', async () => {
    const {coordinator: c} = await setup()
    expect((await c.joinGroup(joinReq('g', '', {sessionTimeoutMs: 10}))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await c.joinGroup(joinReq('g', '', {sessionTimeoutMs: 10_000_000}))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await c.joinGroup(joinReq('')))).toMatchObject({errorCode: E.INVALID_GROUP_ID, generationId: -1})
    expect((await c.joinGroup(joinReq('g', 'made-up'))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect((await c.joinGroup(joinReq('g', '', {protocolType: ''}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.joinGroup(joinReq('g', '', {protocols: []}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const a = await joinNew(c, 'g')
    expect((await c.joinGroup(joinReq('g', '', {protocolType: 'connect'}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    expect((await c.joinGroup(joinReq('g', '', {protocols: [{name: 'roundrobin', metadata: Buffer.alloc(0)}]}))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    void a.join
  })

  it('refuses members beyond group.max.size', async () => {
    const {coordinator: c} = await setup({groupMaxSize: 1})
    const a = await joinNew(c, 'g')
    expect((await c.joinGroup(joinReq('g'))).errorCode).toBe(E.GROUP_MAX_SIZE_REACHED)
    void a.join
  })

  it('admits members at once without MEMBER_ID_REQUIRED for JoinGroup before v4', async () => {
    const {coordinator: c, clock} = await setup()
    const join = c.joinGroup(joinReq('g', '', {requireKnownMemberId: false}))
    clock.advance(0)
    const r = await join
    expect(r.errorCode).toBe(0)
    expect(r.leaderId).toBe(r.memberId)
  })

  it('expires a pending member id that never comes back', async () => {
    const {coordinator: c, clock} = await setup()
    const first = await c.joinGroup(joinReq('g'))
    expect(c.group('g')!.pendingMembers.has(first.memberId)).toBe(true)
    clock.advance(1001)
    expect(c.group('g')?.pendingMembers.has(first.memberId) ?? false).toBe(false)
    expect((await c.joinGroup(joinReq('g', first.memberId))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('chooses the protocol all members support with the most votes', async () => {
    const {coordinator: c, clock} = await setup()
    const p = (...names: string[]) => names.map((name) => ({name, metadata: Buffer.from(name)}))
    const a = await joinNew(c, 'g', {protocols: p('range', 'roundrobin')})
    const b = await joinNew(c, 'g', {protocols: p('roundrobin', 'range')})
    const cc = await joinNew(c, 'g', {protocols: p('roundrobin', 'range')})
    clock.advance(0)
    const [ra] = await Promise.all([a.join, b.join, cc.join])
    expect(ra.protocolName).toBe('roundrobin')
    expect(ra.members.map((m) => m.metadata.toString())).toEqual(['roundrobin', 'roundrobin', 'roundrobin'])
  })

  it('handles LeaveGroup for members, pending members, unknown ids and static instances', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g')
    const s = c.joinGroup(joinReq('g', '', {groupInstanceId: 'inst-1'}))
    clock.advance(0)
    const [ra, rs] = await Promise.all([a.join, s])
    expect(ra.members).toHaveLength(2)
    const pending = await c.joinGroup(joinReq('g'))
    const result = c.leaveGroup('g', [
      {memberId: a.memberId, groupInstanceId: null, reason: 'bye'},
      {memberId: pending.memberId, groupInstanceId: null, reason: null},
      {memberId: 'ghost', groupInstanceId: null, reason: null},
      {memberId: 'wrong-id', groupInstanceId: 'inst-1', reason: null},
    ])
    expect(result.members.map((m) => m.errorCode)).toEqual([E.NONE, E.NONE, E.UNKNOWN_MEMBER_ID, E.FENCED_INSTANCE_ID])
    expect(c.leaveGroup('g', [{memberId: '', groupInstanceId: 'inst-1', reason: null}]).members[0].errorCode).toBe(E.NONE)
    expect(c.group('g')!.members.size).toBe(0)
    expect(rs.memberId).toMatch(/^inst-1-/)
    expect(c.leaveGroup('nope', [{memberId: 'x', groupInstanceId: null, reason: null}]).members[0].errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    clock.advance(20_000)
    await settle()
    expect(c.group('g')!.state).toBe('Empty')
    expect(c.group('g')!.generationId).toBe(2)
  })
  it('sends every member back to JoinGroup when the leader\'s assignment cannot be stored', async () => {
    const {coordinator: c, clock, topic} = await setup()
    const a = await joinNew(c, 'g')
    const b = await joinNew(c, 'g')
    clock.advance(0)
    const [ra] = await Promise.all([a.join, b.join])
    const follower = ra.leaderId === a.memberId ? b.memberId : a.memberId
    const fSync = c.syncGroup({groupId: 'g', generationId: 1, memberId: follower, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    topic.failAppends = new Error('log offline')
    const lSync = await c.syncGroup({groupId: 'g', generationId: 1, memberId: ra.leaderId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{memberId: follower, assignment: Buffer.from('x')}]})
    expect(lSync.errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect((await fSync).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect(c.group('g')!.state).toBe('PreparingRebalance')
  })
})

describe('GroupCoordinator: static membership', () => {
  async function stableStaticGroup(c: GroupCoordinator, clock: ManualClock) {
    const s1 = c.joinGroup(joinReq('g', '', {groupInstanceId: 'i1', clientId: 'c1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000}))
    const s2 = c.joinGroup(joinReq('g', '', {groupInstanceId: 'i2', clientId: 'c2', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000}))
    clock.advance(0)
    const [r1, r2] = await Promise.all([s1, s2])
    await Promise.all([
      c.syncGroup({groupId: 'g', generationId: 1, memberId: r1.memberId, groupInstanceId: 'i1', protocolType: null, protocolName: null,
        assignments: [{memberId: r1.memberId, assignment: Buffer.from('x1')}, {memberId: r2.memberId, assignment: Buffer.from('x2')}]}),
      c.syncGroup({groupId: 'g', generationId: 1, memberId: r2.memberId, groupInstanceId: 'i2', protocolType: null, protocolName: null, assignments: []}),
    ])
    return {m1: r1.memberId, m2: r2.memberId, leader: r1.leaderId}
  }

  it('lets a restarted static member take its place without a rebalance, and fences the old id', async () => {
    const {coordinator: c, clock} = await setup()
    const {m1, m2, leader} = await stableStaticGroup(c, clock)
    const follower = leader === m1 ? 'i2' : 'i1'
    const oldId = leader === m1 ? m2 : m1
    const r = await c.joinGroup(joinReq('g', '', {groupInstanceId: follower, clientId: 'again'}))
    expect(r).toMatchObject({errorCode: 0, generationId: 1, leaderId: leader, members: []})
    expect(r.memberId).not.toBe(oldId)
    expect(c.group('g')!.state).toBe('Stable')
    const sync = await c.syncGroup({groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: follower, protocolType: null, protocolName: null, assignments: []})
    expect(sync.assignment.toString()).toBe(follower === 'i1' ? 'x1' : 'x2')
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: oldId, groupInstanceId: follower})).toBe(E.FENCED_INSTANCE_ID)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: follower})).toBe(E.NONE)
    expect((await c.commitOffsets({groupId: 'g', generationId: 1, memberId: oldId, groupInstanceId: follower, retentionTimeMs: -1,
      partitions: [{topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null, commitTimestamp: -1}]}))[0]).toBe(E.FENCED_INSTANCE_ID)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: 'unknown-instance'})).toBe(E.UNKNOWN_MEMBER_ID)
  })

  it('keeps the old member id when the new one cannot be stored', async () => {
    const {coordinator: c, clock, topic} = await setup()
    const {m1, m2, leader} = await stableStaticGroup(c, clock)
    const follower = leader === m1 ? 'i2' : 'i1'
    const oldId = leader === m1 ? m2 : m1
    topic.failAppends = new Error('log offline')
    const r = await c.joinGroup(joinReq('g', '', {groupInstanceId: follower, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000}))
    expect(r).toMatchObject({errorCode: E.COORDINATOR_NOT_AVAILABLE, memberId: ''})
    expect(c.group('g')!.staticMemberId(follower)).toBe(oldId)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: oldId, groupInstanceId: follower})).toBe(E.NONE)
    expect(c.group('g')!.state).toBe('Stable')
  })

  it('tells a rejoining static leader (v9) to skip the assignment', async () => {
    const {coordinator: c, clock} = await setup()
    const {m1, leader} = await stableStaticGroup(c, clock)
    const leaderInstance = leader === m1 ? 'i1' : 'i2'
    const r = await c.joinGroup(joinReq('g', '', {groupInstanceId: leaderInstance, supportSkippingAssignment: true}))
    expect(r).toMatchObject({errorCode: 0, generationId: 1, skipAssignment: true, leaderId: r.memberId})
    expect(r.members).toHaveLength(2)
    expect(c.group('g')!.state).toBe('Stable')
  })

  it('keeps a static member that misses a rebalance until its session expires', async () => {
    const {coordinator: c, clock} = await setup()
    const {m1, m2} = await stableStaticGroup(c, clock)
    // A third, dynamic member joins; i2 is down (it does not rejoin).
    const d = await joinNew(c, 'g', {rebalanceTimeoutMs: 5000, sessionTimeoutMs: 10_000})
    const r1 = c.joinGroup(joinReq('g', m1, {groupInstanceId: 'i1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 5000}))
    clock.advance(5001)
    const [rd, rr1] = await Promise.all([d.join, r1])
    expect(rr1.generationId).toBe(2)
    expect(c.group('g')!.has(m2)).toBe(true) // static: kept although it did not rejoin
    expect([rd, rr1].find((r) => r.members.length > 0)!.members.map((m) => m.memberId).sort()).toEqual([m1, m2, d.memberId].sort())
    // The others sync; i2 never does, so after the rebalance timeout it goes and the group rebalances.
    const leader = [rd, rr1].find((r) => r.members.length > 0)!.memberId
    await Promise.all([
      c.syncGroup({groupId: 'g', generationId: 2, memberId: d.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []}),
      c.syncGroup({groupId: 'g', generationId: 2, memberId: m1, groupInstanceId: 'i1', protocolType: null, protocolName: null, assignments: []}),
    ])
    expect(leader).toBeTruthy()
    expect(c.group('g')!.state).toBe('Stable')
    clock.advance(4000)
    expect(c.group('g')!.has(m2)).toBe(true)
    clock.advance(1000)
    expect(c.group('g')!.has(m2)).toBe(false)
    expect(c.group('g')!.state).toBe('PreparingRebalance')
  })
})

describe('GroupCoordinator: offsets', () => {
  const part = (topic: string, partition: number, offset: bigint, metadata: string | null = null) => ({topic, partition, offset, leaderEpoch: -1, metadata, commitTimestamp: -1})

  it('commits and fetches offsets of a simple (memberless) group', async () => {
    const {coordinator: c} = await setup()
    const codes = await c.commitOffsets({groupId: 'simple', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      partitions: [part('t', 0, 10n, 'meta'), part('t', 1, 20n), part('u', 0, 5n, 'x'.repeat(5000))]})
    expect(codes).toEqual([E.NONE, E.NONE, E.OFFSET_METADATA_TOO_LARGE])
    const fetched = c.fetchOffsets('simple', [{topic: 't', partitions: [0, 1, 2]}])
    expect(fetched.topics[0].partitions).toEqual([
      {partition: 0, offset: 10n, leaderEpoch: -1, metadata: 'meta', errorCode: 0},
      {partition: 1, offset: 20n, leaderEpoch: -1, metadata: '', errorCode: 0},
      {partition: 2, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0},
    ])
    expect(c.fetchOffsets('simple', null).topics).toEqual([{topic: 't', partitions: [expect.objectContaining({partition: 0}), expect.objectContaining({partition: 1})]}])
    expect(c.fetchOffsets('unknown', null).topics).toEqual([])
    expect(c.listGroups().groups).toEqual([{groupId: 'simple', protocolType: '', state: 'Empty', groupType: 'classic'}])
    // The empty group id is allowed for offsets (old clients), not for JoinGroup.
    expect(await c.commitOffsets({groupId: '', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)]})).toEqual([E.NONE])
  })

  it('checks member and generation for group commits', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g')
    clock.advance(0)
    await a.join
    const commit = (generationId: number, memberId: string) =>
      c.commitOffsets({groupId: 'g', generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 7n)]})
    expect(await commit(1, a.memberId)).toEqual([E.REBALANCE_IN_PROGRESS]) // CompletingRebalance
    await c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    expect(await commit(1, a.memberId)).toEqual([E.NONE])
    expect(await commit(0, a.memberId)).toEqual([E.ILLEGAL_GENERATION])
    expect(await commit(1, 'ghost')).toEqual([E.UNKNOWN_MEMBER_ID])
    expect(await commit(-1, '')).toEqual([E.UNKNOWN_MEMBER_ID]) // members only while the group has members
    expect(await c.commitOffsets({groupId: 'nogroup', generationId: 3, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)]})).toEqual([E.ILLEGAL_GENERATION])
    expect(await c.commitOffsets({groupId: 'nogroup', generationId: 3, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)], unknownGroupError: E.GROUP_ID_NOT_FOUND})).toEqual([E.GROUP_ID_NOT_FOUND])
    expect(c.fetchOffsets('g', [{topic: 't', partitions: [0]}]).topics[0].partitions[0].offset).toBe(7n)
  })

  it('reports a failed write and keeps the previous offset', async () => {
    const {coordinator: c, topic} = await setup()
    await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)]})
    topic.failAppends = Object.assign(new Error('disk gone'), {errorCode: 56})
    expect(await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 2n)]})).toEqual([E.NOT_COORDINATOR])
    topic.failAppends = Object.assign(new Error('too big'), {errorCode: 10})
    expect(await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 2n)]})).toEqual([E.INVALID_COMMIT_OFFSET_SIZE])
    expect(c.fetchOffsets('s', [{topic: 't', partitions: [0]}]).topics[0].partitions[0].offset).toBe(1n)
  })

  it('loads groups and offsets back after a restart, tombstones included', async () => {
    const topic = new MemoryOffsetsTopic()
    const clock = new ManualClock()
    const first = await setup({}, topic, clock)
    let c = first.coordinator
    const a = await joinNew(c, 'g')
    clock.advance(0)
    await a.join
    await c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{memberId: a.memberId, assignment: Buffer.from('asg')}]})
    await c.commitOffsets({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 100n, 'm')]})
    await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n), part('t', 1, 2n)]})
    await c.commitOffsets({groupId: 'gone', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)]})
    expect(await c.deleteGroups(['gone', 'g', 'never'])).toEqual([
      {groupId: 'gone', errorCode: E.NONE}, {groupId: 'g', errorCode: E.NON_EMPTY_GROUP}, {groupId: 'never', errorCode: E.GROUP_ID_NOT_FOUND},
    ])
    expect((await c.deleteOffsets('s', [{topic: 't', partition: 1}])).partitions).toEqual([{topic: 't', partition: 1, errorCode: E.NONE}])
    await c.stop()

    const second = await setup({}, topic, clock)
    c = second.coordinator
    const g = c.group('g')!
    expect(g.state).toBe('Stable')
    expect(g.generationId).toBe(1)
    expect(g.leaderId).toBe(a.memberId)
    expect(c.describeGroup('g').summary.members[0].assignment.toString()).toBe('asg')
    expect(c.fetchOffsets('g', [{topic: 't', partitions: [0]}]).topics[0].partitions[0]).toMatchObject({offset: 100n, metadata: 'm'})
    expect(c.fetchOffsets('s', null).topics).toEqual([{topic: 't', partitions: [expect.objectContaining({partition: 0, offset: 1n})]}])
    expect(c.group('gone')).toBeUndefined()
    // The loaded member carries on with its generation...
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null})).toBe(E.NONE)
    expect((await c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})).assignment.toString()).toBe('asg')
    // ...or, silent, expires, and the group is Empty with its offsets kept.
    clock.advance(1001)
    await settle()
    expect(c.group('g')!.state).toBe('Empty')
    expect(c.fetchOffsets('g', null).topics).toHaveLength(1)

    const keys = (await topic.records()).map((r) => ({...decodeRecordKey(r.key!), tombstone: r.value === null}))
    expect(keys).toContainEqual({type: 'offset', group: 'gone', topic: 't', partition: 0, tombstone: true})
    expect(keys).toContainEqual({type: 'offset', group: 's', topic: 't', partition: 1, tombstone: true})
  })

  it('refuses OffsetDelete for topics a live consumer group subscribes to', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g', {protocols: [{name: 'range', metadata: subscription('t')}]})
    clock.advance(0)
    await a.join
    await c.syncGroup({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})
    await c.commitOffsets({groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n), part('old', 0, 1n)]})
    const r = await c.deleteOffsets('g', [{topic: 't', partition: 0}, {topic: 'old', partition: 0}])
    expect(r).toEqual({errorCode: 0, partitions: [{topic: 't', partition: 0, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC}, {topic: 'old', partition: 0, errorCode: E.NONE}]})
    expect((await c.deleteOffsets('missing', [{topic: 't', partition: 0}])).errorCode).toBe(E.GROUP_ID_NOT_FOUND)
    expect(c.fetchOffsets('g', null).topics.map((t) => t.topic)).toEqual(['t'])
  })

  it('expires offsets of empty groups after offsets.retention, then the group itself', async () => {
    const {coordinator: c, clock} = await setup({offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000})
    await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n)]})
    await c.commitOffsets({groupId: 'v2', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: 5_000, partitions: [part('t', 0, 1n)]})
    clock.advance(10_000)
    await settle()
    expect(c.group('v2')).toBeUndefined() // explicit retention time (OffsetCommit v2-v4)
    expect(c.group('s')).toBeDefined()
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000)
      await settle()
    }
    expect(c.group('s')).toBeUndefined()
    expect(c.listGroups().groups).toEqual([])
  })

  it('drops the offsets of deleted topics', async () => {
    const {coordinator: c} = await setup()
    await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1n), part('u', 0, 1n)]})
    await c.onTopicsDeleted(['t'])
    expect(c.fetchOffsets('s', null).topics.map((t) => t.topic)).toEqual(['u'])
  })
})

describe('GroupCoordinator: admin and lifecycle', () => {
  it('lists groups with state and type filters, describes unknown groups as Dead', async () => {
    const {coordinator: c, clock} = await setup()
    const a = await joinNew(c, 'g')
    clock.advance(0)
    await a.join
    await c.commitOffsets({groupId: 's', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [{topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: null, commitTimestamp: -1}]})
    expect(c.listGroups().groups.map((g) => g.groupId).sort()).toEqual(['g', 's'])
    expect(c.listGroups(['completingrebalance']).groups.map((g) => g.groupId)).toEqual(['g'])
    expect(c.listGroups(['Empty', 'Stable']).groups.map((g) => g.groupId)).toEqual(['s'])
    expect(c.listGroups([], ['consumer']).groups).toEqual([])
    expect(c.listGroups([], ['Classic']).groups).toHaveLength(2)
    expect(c.describeGroup('unknown')).toEqual({errorCode: 0, summary: {state: 'Dead', protocolType: '', protocolName: '', members: []}})
    const desc = c.describeGroup('g').summary
    expect(desc.state).toBe('CompletingRebalance')
    expect(desc.members[0].metadata).toHaveLength(0) // only a Stable group shows member bytes
  })

  it('answers COORDINATOR_NOT_AVAILABLE before start and COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const topic = new MemoryOffsetsTopic(1)
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = Object.assign(Object.create(topic) as MemoryOffsetsTopic, {
      async *readAll(partition: number) {
        await gate
        yield* topic.readAll(partition)
      },
    })
    const {logger} = memoryLogger()
    const c = new GroupCoordinator({clock: new ManualClock(), logger, offsetsTopic: slow, config: {groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 100, groupMaxSessionTimeoutMs: 60_000, offsetsRetentionMs: 1e9, offsetsTopicNumPartitions: 1}})
    coordinators.push(c)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null})).toBe(E.COORDINATOR_NOT_AVAILABLE)
    const started = c.start()
    expect((await c.joinGroup(joinReq('g'))).errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS)
    expect((await c.syncGroup({groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: []})).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
    expect(c.heartbeat({groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null})).toBe(E.NONE)
    expect(c.fetchOffsets('g', null).errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS)
    expect(c.listGroups().errorCode).toBe(E.COORDINATOR_LOAD_IN_PROGRESS)
    release()
    await started
    expect(c.fetchOffsets('g', null).errorCode).toBe(E.NONE)
  })

  it('logs a failure inside a timer instead of throwing out of it', async () => {
    const {coordinator: c, clock, lines} = await setup({groupInitialRebalanceDelayMs: 100})
    const a = await joinNew(c, 'g')
    c.group('g')!.initNextGeneration = () => {
      throw new Error('boom')
    }
    expect(() => clock.advance(100)).not.toThrow()
    expect(lines.some((l) => l.includes('ERROR') && l.includes('boom'))).toBe(true)
    void a.join
  })

  it('answers parked JoinGroup requests with NOT_COORDINATOR on stop', async () => {
    const {coordinator: c} = await setup({groupInitialRebalanceDelayMs: 3000})
    const a = await joinNew(c, 'g')
    await c.stop()
    expect((await a.join).errorCode).toBe(E.NOT_COORDINATOR)
  })
})
