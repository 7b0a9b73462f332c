import {describe, expect, it} from 'vitest'
import {canTransition, checkTransition, GROUP_STATES, IllegalStateTransition, parseGroupState} from '../../../src/broker/group/group-state.js'
import {javaStringHashCode, kafkaAbs, partitionForGroup} from '../../../src/broker/group/offsets-topic.js'
import {subscriptionTopics} from '../../../src/broker/group/consumer-protocol.js'
import {selectProtocol} from '../../../src/broker/group/protocol-selection.js'
import {MemberMetadata} from '../../../src/broker/group/member.js'
import {decodeGroupMetadataValue, decodeOffsetCommitValue, decodeRecordKey, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue} from '../../../src/broker/group/offsets-records.js'

describe('group state machine', () => {
  it('allows exactly Kafka\'s transitions', () => {
    const allowed = GROUP_STATES.flatMap((from) => GROUP_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`))
    expect(allowed.sort()).toEqual([
      'CompletingRebalance->Dead', 'CompletingRebalance->PreparingRebalance', 'CompletingRebalance->Stable',
      'Dead->Dead',
      'Empty->Dead', 'Empty->PreparingRebalance',
      'PreparingRebalance->CompletingRebalance', 'PreparingRebalance->Dead', 'PreparingRebalance->Empty',
      'Stable->Dead', 'Stable->PreparingRebalance',
    ])
  })

  it('throws on an illegal transition', () => {
    expect(() => checkTransition('g', 'Empty', 'Stable')).toThrow(IllegalStateTransition)
    expect(() => checkTransition('g', 'Dead', 'Empty')).toThrow(/Group g should be in one of the states PreparingRebalance before moving to Empty, but is in Dead/)
  })

  it('parses state names case-insensitively', () => {
    expect(parseGroupState('stable')).toBe('Stable')
    expect(parseGroupState('PREPARINGREBALANCE')).toBe('PreparingRebalance')
    expect(parseGroupState('nope')).toBeUndefined()
  })
})

describe('offsets topic partitioning', () => {
  it('uses Java String.hashCode and Kafka Utils.abs', () => {
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
    expect(kafkaAbs(-2147483648)).toBe(0)
    expect(kafkaAbs(-5)).toBe(5)
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0)
    expect(partitionForGroup('hello', 50)).toBe(99162322 % 50)
    // Non-ASCII counts UTF-16 code units, as Java does.
    expect(javaStringHashCode('é')).toBe(0xe9)
    expect(javaStringHashCode('😀')).toBe((0xd83d * 31 + 0xde00) | 0)
  })
})

describe('consumer subscription parsing', () => {
  it('reads the topics of a ConsumerProtocolSubscription and rejects garbage', () => {
    const b = Buffer.from([0, 1, 0, 0, 0, 2, 0, 1, 0x61, 0, 2, 0x62, 0x63, 0xff, 0xff, 0xff, 0xff])
    expect(subscriptionTopics(b)).toEqual(['a', 'bc'])
    expect(subscriptionTopics(Buffer.from([0, 1, 0, 0, 0, 9]))).toBeNull()
    expect(subscriptionTopics(Buffer.from('hello'))).toBeNull()
  })
})

describe('protocol selection', () => {
  const m = (id: string, names: string[]) => new MemberMetadata(id, null, 'c', '/h', 1000, 1000, 'consumer', names.map((name) => ({name, metadata: Buffer.alloc(0)})))
  it('picks the most voted protocol among those all members support', () => {
    expect(selectProtocol([m('a', ['range', 'roundrobin']), m('b', ['roundrobin', 'range']), m('c', ['roundrobin'])])).toBe('roundrobin')
    expect(selectProtocol([m('a', ['x', 'range']), m('b', ['range'])])).toBe('range')
    expect(() => selectProtocol([m('a', ['x']), m('b', ['y'])])).toThrow()
  })
})

describe('__consumer_offsets records', () => {
  it('round-trips keys and values in Kafka\'s layouts', () => {
    const key = encodeOffsetCommitKey('g', 't', 7)
    expect(key.toString('hex')).toBe('0001' + '000167' + '000174' + '00000007')
    expect(decodeRecordKey(key)).toEqual({type: 'offset', group: 'g', topic: 't', partition: 7})
    expect(encodeGroupMetadataKey('g').toString('hex')).toBe('0002000167')
    expect(decodeRecordKey(encodeGroupMetadataKey('g'))).toEqual({type: 'group', group: 'g'})
    expect(decodeRecordKey(Buffer.from([0, 3, 0, 0]))).toEqual({type: 'other', version: 3})

    const v3 = encodeOffsetCommitValue({offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: null})
    expect(v3.readInt16BE(0)).toBe(3)
    expect(decodeOffsetCommitValue(v3)).toEqual({offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: null})
    const v1 = encodeOffsetCommitValue({offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: 1000, expireTimestamp: 5000})
    expect(v1.readInt16BE(0)).toBe(1)
    expect(decodeOffsetCommitValue(v1).expireTimestamp).toBe(5000)

    const group = {
      protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestamp: 1234,
      members: [{memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 300000, sessionTimeoutMs: 10000, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3])}],
    }
    const gv = encodeGroupMetadataValue(group)
    expect(gv.readInt16BE(0)).toBe(3)
    expect(decodeGroupMetadataValue(gv)).toEqual(group)
  })
})
