// Version-prefixed schemas: __consumer_offsets keys and values (written by our group coordinator,
// read by Kafka's tools) and the consumer protocol's subscription/assignment (written by clients).
import kafkajs from 'kafkajs'
import {describe, expect, it} from 'vitest'
import {readConsumerProtocolAssignment} from '../../../src/protocol/kafka/generated/consumer-protocol-assignment.js'
import {readConsumerProtocolSubscription, writeConsumerProtocolSubscription} from '../../../src/protocol/kafka/generated/consumer-protocol-subscription.js'
import {readGroupMetadataKey, writeGroupMetadataKey} from '../../../src/protocol/kafka/generated/internal/group-metadata-key.js'
import {readGroupMetadataValue, writeGroupMetadataValue} from '../../../src/protocol/kafka/generated/internal/group-metadata-value.js'
import {readOffsetCommitKey, writeOffsetCommitKey} from '../../../src/protocol/kafka/generated/internal/offset-commit-key.js'
import {readOffsetCommitValue, writeOffsetCommitValue} from '../../../src/protocol/kafka/generated/internal/offset-commit-value.js'
import {ProtocolError} from '../../../src/protocol/kafka/protocol-error.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'

const bytes = (f: (w: Writer) => void) => {
  const w = new Writer()
  f(w)
  return Buffer.from(w.finish())
}

describe('__consumer_offsets records', () => {
  it('OffsetCommitKey v1: version, group, topic, partition', () => {
    const b = bytes((w) => writeOffsetCommitKey(w, {group: 'g', topic: 't', partition: 3}, 1))
    expect(b.toString('hex')).toBe('0001' + '000167' + '000174' + '00000003')
    expect(readOffsetCommitKey(new Reader(b))).toEqual({version: 1, value: {group: 'g', topic: 't', partition: 3}})
  })

  it('OffsetCommitValue v3 and v4 (flexible)', () => {
    const v = {offset: 42n, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: -1n}
    const v3 = bytes((w) => writeOffsetCommitValue(w, v, 3))
    expect(v3.toString('hex')).toBe('0003' + '000000000000002a' + '00000007' + '00016d' + '0000018bcfe56800')
    expect(readOffsetCommitValue(new Reader(v3))).toEqual({version: 3, value: v})
    const v4 = bytes((w) => writeOffsetCommitValue(w, v, 4))
    expect(v4.toString('hex')).toBe('0004' + '000000000000002a' + '00000007' + '026d' + '0000018bcfe56800' + '00')
    const r = new Reader(v4)
    expect(readOffsetCommitValue(r).value).toEqual(v)
    expect(r.remaining()).toBe(0)
  })

  it('GroupMetadataKey v2 and GroupMetadataValue v3 with members', () => {
    const k = bytes((w) => writeGroupMetadataKey(w, {group: 'g'}, 2))
    expect(k.toString('hex')).toBe('0002000167')
    expect(readGroupMetadataKey(new Reader(k)).value.group).toBe('g')
    const value = {
      protocolType: 'consumer',
      generation: 5,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 1700000000000n,
      members: [{memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeout: 60000, sessionTimeout: 30000, subscription: Buffer.from('s'), assignment: Buffer.from('a')}],
    }
    const b = bytes((w) => writeGroupMetadataValue(w, value, 3))
    expect(readGroupMetadataValue(new Reader(b))).toEqual({version: 3, value})
  })

  it('an unknown key version is a ProtocolError', () => {
    expect(() => readGroupMetadataKey(new Reader(Buffer.from('0003000167', 'hex')))).toThrow(ProtocolError)
  })
})

describe('consumer protocol', () => {
  it('reads kafkajs member metadata and assignment', () => {
    const {AssignerProtocol} = kafkajs
    const meta = AssignerProtocol.MemberMetadata.encode({version: 0, topics: ['orders', 'b'], userData: Buffer.from('ud')})
    const sub = readConsumerProtocolSubscription(new Reader(meta))
    expect(sub.version).toBe(0) // what kafkajs's assigners send
    expect(sub.value.topics).toEqual(['orders', 'b'])
    expect(sub.value.userData?.toString()).toBe('ud')
    const assignment = AssignerProtocol.MemberAssignment.encode({version: 0, assignment: {orders: [0, 2], b: [1]}, userData: Buffer.alloc(0)})
    const a = readConsumerProtocolAssignment(new Reader(assignment))
    expect(a.value.assignedPartitions.map((p) => [p.topic, p.partitions])).toEqual([
      ['orders', [0, 2]],
      ['b', [1]],
    ])
  })

  it('a subscription newer than we know is read with the latest version, like Kafka', () => {
    const b = bytes((w) => writeConsumerProtocolSubscription(w, {topics: ['t'], ownedPartitions: [], generationId: 3, rackId: 'r'}, 3))
    b.writeInt16BE(9, 0)
    const s = readConsumerProtocolSubscription(new Reader(b))
    expect(s.version).toBe(9)
    expect(s.value).toMatchObject({topics: ['t'], generationId: 3, rackId: 'r'})
  })
})
