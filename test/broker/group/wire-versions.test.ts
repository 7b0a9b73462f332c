// Every version of every group API over a real socket, with the version-specific rules: the
// two-step join from JoinGroup v4, static members from v5, LeaveGroup's single member before v3,
// OffsetFetch's partition-level errors before v2 and multi-group requests from v8,
// FindCoordinator's batches from v4, and what ApiVersions advertises.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {KafkaConnection} from '../../../src/tools/admin/connection.js'

const E = {NONE: 0, UNKNOWN_TOPIC_OR_PARTITION: 3, COORDINATOR_NOT_AVAILABLE: 15, ILLEGAL_GENERATION: 22, INVALID_GROUP_ID: 24, UNKNOWN_MEMBER_ID: 25, REBALANCE_IN_PROGRESS: 27, INVALID_REQUEST: 42, NON_EMPTY_GROUP: 68, GROUP_ID_NOT_FOUND: 69, MEMBER_ID_REQUIRED: 79}
const API = {OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DescribeGroups: 15, ListGroups: 16, DeleteGroups: 42, OffsetDelete: 47}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any

describe('group APIs at every version', () => {
  let b: StartedBroker
  let conn: KafkaConnection
  const send = (api: number, version: number, body: object) => conn.send(api, version, body) as Promise<Any>

  beforeAll(async () => {
    b = await startBroker({'group.min.session.timeout.ms': '500', 'group.initial.rebalance.delay.ms': '0'})
    conn = await KafkaConnection.open('127.0.0.1', b.port, {clientId: 'wire-test', requestTimeoutMs: 10_000, connectionTimeoutMs: 5000})
    await send(19, 0, {topics: [{name: 'wt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000})
  })
  afterAll(async () => {
    conn?.close()
    await b?.stop()
  })

  it('advertises the versions the handlers serve', () => {
    expect(Object.fromEntries(Object.entries(API).map(([name, key]) => [name, conn.versions.get(key)]))).toEqual({
      OffsetCommit: {min: 0, max: 9}, OffsetFetch: {min: 0, max: 9}, FindCoordinator: {min: 0, max: 6}, JoinGroup: {min: 0, max: 9},
      Heartbeat: {min: 0, max: 4}, LeaveGroup: {min: 0, max: 5}, SyncGroup: {min: 0, max: 5}, DescribeGroups: {min: 0, max: 5},
      ListGroups: {min: 0, max: 5}, DeleteGroups: {min: 0, max: 2}, OffsetDelete: {min: 0, max: 0},
    })
  })

  it('FindCoordinator v0-6 points at this broker; v4+ batches keys; transactions are not served yet', async () => {
    for (let v = 0; v <= 6; v++) {
      const r = await send(API.FindCoordinator, v, {key: 'g', keyType: 0, coordinatorKeys: ['g1', 'g2']})
      if (v < 4) expect(r).toMatchObject({errorCode: 0, nodeId: 0, host: '127.0.0.1', port: b.port})
      else expect(r.coordinators).toEqual([expect.objectContaining({key: 'g1', nodeId: 0, host: '127.0.0.1', port: b.port, errorCode: 0}), expect.objectContaining({key: 'g2', errorCode: 0})])
    }
    expect((await send(API.FindCoordinator, 1, {key: 'txn', keyType: 1})).errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect((await send(API.FindCoordinator, 4, {keyType: 9, coordinatorKeys: ['x']})).coordinators[0].errorCode).toBe(E.INVALID_REQUEST)
  })

  it('JoinGroup v0-9, SyncGroup, Heartbeat v0-4, LeaveGroup v0-5', async () => {
    for (let v = 0; v <= 9; v++) {
      const groupId = `jg-${v}`
      const protocols = [{name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 2, 0x77, 0x74, 0xff, 0xff, 0xff, 0xff])}]
      const join = (memberId: string, groupInstanceId: string | null = null) => send(API.JoinGroup, v, {groupId, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, memberId, groupInstanceId, protocolType: 'consumer', protocols, reason: 'test'})
      let r = await join('')
      if (v >= 4) {
        expect(r.errorCode, `v${v}`).toBe(E.MEMBER_ID_REQUIRED)
        r = await join(r.memberId)
      }
      expect(r, `v${v}`).toMatchObject({errorCode: 0, generationId: 1, protocolName: 'range', leader: r.memberId})
      if (v >= 7) expect(r.protocolType).toBe('consumer')
      expect(r.members).toHaveLength(1)
      expect(r.members[0].metadata).toEqual(protocols[0].metadata)
      const memberId = r.memberId
      const sv = Math.min(v, 5)
      const s = await send(API.SyncGroup, sv, {groupId, generationId: 1, memberId, protocolType: 'consumer', protocolName: 'range', assignments: [{memberId, assignment: Buffer.from('asg')}]})
      expect(s.errorCode).toBe(0)
      expect(s.assignment.toString()).toBe('asg')
      if (sv >= 5) expect([s.protocolType, s.protocolName]).toEqual(['consumer', 'range'])
      const hv = Math.min(v, 4)
      expect((await send(API.Heartbeat, hv, {groupId, generationId: 1, memberId})).errorCode).toBe(0)
      expect((await send(API.Heartbeat, hv, {groupId, generationId: 7, memberId})).errorCode).toBe(E.ILLEGAL_GENERATION)
      const lv = Math.min(v, 5)
      if (lv < 3) {
        expect((await send(API.LeaveGroup, lv, {groupId, memberId: 'nobody'})).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
        expect((await send(API.LeaveGroup, lv, {groupId, memberId})).errorCode).toBe(0)
      } else {
        const l = await send(API.LeaveGroup, lv, {groupId, members: [{memberId, groupInstanceId: null, reason: 'done'}, {memberId: 'nobody', groupInstanceId: null}]})
        expect(l.errorCode).toBe(0)
        expect(l.members.map((m: Any) => m.errorCode)).toEqual([0, E.UNKNOWN_MEMBER_ID])
      }
    }
    // A static member (v5+) is admitted in one step.
    const st = await send(API.JoinGroup, 5, {groupId: 'static-wire', sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: 'inst', protocolType: 'consumer', protocols: [{name: 'range', metadata: Buffer.alloc(0)}]})
    expect(st.errorCode).toBe(0)
    expect(st.memberId).toMatch(/^inst-/)
    expect(st.members[0].groupInstanceId).toBe('inst')
  })

  it('OffsetCommit v0-9 and OffsetFetch v0-9', async () => {
    for (let v = 0; v <= 9; v++) {
      const groupId = `oc-${v}`
      const r = await send(API.OffsetCommit, v, {
        groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
        topics: [{name: 'wt', partitions: [{partitionIndex: 0, committedOffset: BigInt(10 + v), committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: `m${v}`}, {partitionIndex: 9, committedOffset: 1n}]},
          {name: 'no-such-topic', partitions: [{partitionIndex: 0, committedOffset: 1n}]}],
      })
      expect(r.topics.map((t: Any) => t.partitions.map((p: Any) => p.errorCode)), `v${v}`).toEqual([[0, E.UNKNOWN_TOPIC_OR_PARTITION], [E.UNKNOWN_TOPIC_OR_PARTITION]])
    }
    // A commit with a generation to a group that does not exist.
    const stale = (v: number) => send(API.OffsetCommit, v, {groupId: 'ghost', generationIdOrMemberEpoch: 4, memberId: 'm', topics: [{name: 'wt', partitions: [{partitionIndex: 0, committedOffset: 1n}]}]})
    expect((await stale(8)).topics[0].partitions[0].errorCode).toBe(E.ILLEGAL_GENERATION)
    expect((await stale(9)).topics[0].partitions[0].errorCode).toBe(E.GROUP_ID_NOT_FOUND)

    for (let v = 0; v <= 7; v++) {
      const groupId = `oc-${v}`
      const r = await send(API.OffsetFetch, v, {groupId, topics: [{name: 'wt', partitionIndexes: [0, 1]}], requireStable: true})
      const [p0, p1] = r.topics[0].partitions
      expect(p0, `v${v}`).toMatchObject({partitionIndex: 0, committedOffset: BigInt(10 + v), metadata: `m${v}`, errorCode: 0})
      if (v >= 5) expect(p0.committedLeaderEpoch).toBe(v >= 6 ? 3 : -1)
      expect(p1).toMatchObject({partitionIndex: 1, committedOffset: -1n, metadata: '', errorCode: 0})
      if (v >= 2) {
        const all = await send(API.OffsetFetch, v, {groupId, topics: null})
        expect(all.errorCode).toBe(0)
        expect(all.topics).toEqual([{name: 'wt', partitions: [expect.objectContaining({partitionIndex: 0, committedOffset: BigInt(10 + v)})]}])
      }
    }
    // Errors go into every partition before v2, at the top from v2.
    const empty = {groupId: '', topics: [{name: 'wt', partitionIndexes: [0]}]}
    expect((await send(API.OffsetFetch, 1, empty)).topics[0].partitions[0].errorCode).toBe(0) // "" is valid for offsets
    for (const v of [8, 9]) {
      const r = await send(API.OffsetFetch, v, {groups: [{groupId: 'oc-8', topics: [{name: 'wt', partitionIndexes: [0]}]}, {groupId: 'oc-9', topics: null}, {groupId: 'none', topics: null}]})
      expect(r.groups.map((g: Any) => [g.groupId, g.errorCode, g.topics.flatMap((t: Any) => t.partitions.map((p: Any) => p.committedOffset))])).toEqual([
        ['oc-8', 0, [18n]], ['oc-9', 0, [19n]], ['none', 0, []],
      ])
    }
  })

  it('DescribeGroups v0-5, ListGroups v0-5, DeleteGroups v0-2, OffsetDelete v0', async () => {
    await send(API.OffsetCommit, 2, {groupId: 'adm', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{name: 'wt', partitions: [{partitionIndex: 0, committedOffset: 5n}, {partitionIndex: 1, committedOffset: 6n}]}]})
    for (let v = 0; v <= 5; v++) {
      const r = await send(API.DescribeGroups, v, {groups: ['adm', 'nope'], includeAuthorizedOperations: true})
      expect(r.groups.map((g: Any) => [g.groupId, g.errorCode, g.groupState, g.protocolType])).toEqual([['adm', 0, 'Empty', ''], ['nope', 0, 'Dead', '']])
      if (v >= 3) expect(r.groups[0].authorizedOperations).toBe(328)
    }
    for (let v = 0; v <= 5; v++) {
      const r = await send(API.ListGroups, v, {statesFilter: ['empty'], typesFilter: ['classic']})
      expect(r.errorCode).toBe(0)
      const adm = r.groups.find((g: Any) => g.groupId === 'adm')
      expect(adm, `v${v}`).toBeDefined()
      if (v >= 4) expect(adm.groupState).toBe('Empty')
      if (v >= 5) expect(adm.groupType).toBe('classic')
      if (v >= 4) expect((await send(API.ListGroups, v, {statesFilter: ['Stable']})).groups.some((g: Any) => g.groupId === 'adm')).toBe(false)
    }
    const od = await send(API.OffsetDelete, 0, {groupId: 'adm', topics: [{name: 'wt', partitions: [{partitionIndex: 1}]}, {name: 'gone', partitions: [{partitionIndex: 0}]}]})
    expect(od.errorCode).toBe(0)
    expect(od.topics).toEqual([{name: 'gone', partitions: [{partitionIndex: 0, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION}]}, {name: 'wt', partitions: [{partitionIndex: 1, errorCode: 0}]}])
    expect((await send(API.OffsetDelete, 0, {groupId: 'nope', topics: []})).errorCode).toBe(E.GROUP_ID_NOT_FOUND)
    expect((await send(API.OffsetFetch, 6, {groupId: 'adm', topics: null})).topics[0].partitions.map((p: Any) => p.partitionIndex)).toEqual([0])

    // A group with a member cannot be deleted.
    const j = await send(API.JoinGroup, 3, {groupId: 'busy', sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, memberId: '', protocolType: 'consumer', protocols: [{name: 'range', metadata: Buffer.alloc(0)}]})
    expect(j.errorCode).toBe(0)
    for (let v = 0; v <= 2; v++) {
      const r = await send(API.DeleteGroups, v, {groupsNames: v === 0 ? ['adm', 'busy'] : ['adm', 'missing']})
      if (v === 0) expect(r.results).toEqual([{groupId: 'adm', errorCode: 0}, {groupId: 'busy', errorCode: E.NON_EMPTY_GROUP}])
      else expect(r.results).toEqual([{groupId: 'adm', errorCode: E.GROUP_ID_NOT_FOUND}, {groupId: 'missing', errorCode: E.GROUP_ID_NOT_FOUND}])
    }
    expect((await send(API.JoinGroup, 9, {groupId: '', sessionTimeoutMs: 5000, memberId: '', protocolType: 'consumer', protocols: []})).errorCode).toBe(E.INVALID_GROUP_ID)
  })

  it('answers odd but well-formed requests without failing', async () => {
    const garbage = Buffer.from('not a subscription at all')
    // A negative rebalance timeout: the rebalance (and the wait for SyncGroup) ends at once.
    expect((await send(API.JoinGroup, 5, {groupId: 'odd-neg', sessionTimeoutMs: 5000, rebalanceTimeoutMs: -5, memberId: '', groupInstanceId: 'n', protocolType: 'x', protocols: [{name: 'p', metadata: garbage}]})).errorCode).toBe(0)
    const r1 = await send(API.JoinGroup, 5, {groupId: 'odd', sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: 'odd-1', protocolType: 'consumer',
      protocols: [{name: 'p', metadata: garbage}, {name: 'p', metadata: Buffer.alloc(0)}, ...Array.from({length: 200}, (_, i) => ({name: `x${i}`, metadata: Buffer.alloc(0)}))]})
    expect(r1.errorCode).toBe(0)
    const s1 = await send(API.SyncGroup, 3, {groupId: 'odd', generationId: r1.generationId, memberId: r1.memberId, groupInstanceId: 'odd-1', assignments: [{memberId: 'ghost', assignment: garbage}]})
    expect([s1.errorCode, s1.assignment.length]).toEqual([0, 0])
    expect((await send(API.SyncGroup, 3, {groupId: 'odd', generationId: 2147483647, memberId: r1.memberId, groupInstanceId: 'odd-1', assignments: []})).errorCode).toBe(E.ILLEGAL_GENERATION)
    expect((await send(API.Heartbeat, 4, {groupId: 'odd', generationId: -1, memberId: '', groupInstanceId: 'odd-1'})).errorCode).toBe(82) // FENCED_INSTANCE_ID
    expect((await send(API.LeaveGroup, 4, {groupId: 'odd', members: []})).errorCode).toBe(0)
    const c = await send(API.OffsetCommit, 8, {groupId: 'odd2', generationIdOrMemberEpoch: -1, memberId: '', topics: [{name: 'wt', partitions: [{partitionIndex: -1, committedOffset: -5n}, {partitionIndex: 0, committedOffset: -5n, committedMetadata: null}]}]})
    expect(c.topics[0].partitions.map((p: Any) => p.errorCode)).toEqual([E.UNKNOWN_TOPIC_OR_PARTITION, 0])
    const f = await send(API.OffsetFetch, 6, {groupId: 'odd2', topics: [{name: 'wt', partitionIndexes: [-1, 2147483647, 0]}]})
    expect(f.topics[0].partitions.map((p: Any) => p.committedOffset)).toEqual([-1n, -1n, -5n])
    expect((await send(API.DescribeGroups, 5, {groups: []})).groups).toEqual([])
    expect((await send(API.DescribeGroups, 5, {groups: ['']})).groups[0].groupState).toBe('Dead')
    expect((await send(API.ListGroups, 4, {statesFilter: ['garbage']})).groups).toEqual([])
    expect((await send(API.DeleteGroups, 2, {groupsNames: ['', '']})).results).toEqual([{groupId: '', errorCode: E.GROUP_ID_NOT_FOUND}])
    expect((await send(API.OffsetDelete, 0, {groupId: '', topics: []})).errorCode).toBe(E.INVALID_GROUP_ID)
    expect((await send(API.Heartbeat, 0, {groupId: '', generationId: 0, memberId: ''})).errorCode).toBe(E.INVALID_GROUP_ID)
    expect((await send(API.FindCoordinator, 0, {key: ''})).errorCode).toBe(0)
  })
})
