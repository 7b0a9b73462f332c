// The keys and values of __consumer_offsets records, in Kafka's formats
// (../shared/kafka-protocol/internal-records/group-coordinator). Each key and each value starts
// with its int16 schema version; a null value is a tombstone (the cleaner then drops the key).
//
//   key v0/v1  OffsetCommitKey      group string | topic string | partition int32
//   key v2     GroupMetadataKey     group string
//   value      OffsetCommitValue    v1: offset int64 | metadata string | commitTimestamp int64 | expireTimestamp int64
//                                   v3: offset int64 | leaderEpoch int32 | metadata string | commitTimestamp int64
//                                   (v0: no expire; v2: like v1 without it; v4: v3, flexible)
//   value      GroupMetadataValue   v3: protocolType string | generation int32 | protocol string? |
//                                   leader string? | currentStateTimestamp int64 | members [memberId |
//                                   groupInstanceId string? | clientId | clientHost | rebalanceTimeout
//                                   int32 | sessionTimeout int32 | subscription bytes | assignment bytes]
//                                   (v0: no rebalanceTimeout; v1-v2 no groupInstanceId; v0-v1 no
//                                   timestamp; v4: v3, flexible)
//
// The byte layouts come from the generated codecs (src/protocol/kafka/generated/internal); this
// module maps them to the coordinator's types (ms as numbers, -1 as null).
// We write what Kafka 3.x writes: offset key v1, offset value v3 (v1 when an expire timestamp
// exists), group key v2, group value v3. We read every version, so a __consumer_offsets log
// written by Kafka loads too. Keys of newer record types (KIP-848 consumer groups, share groups:
// versions 3+) are recognised and skipped.
import {Reader} from '../../protocol/kafka/reader.js'
import {Writer} from '../../protocol/kafka/writer.js'
import {writeOffsetCommitKey, decodeOffsetCommitKey} from '../../protocol/kafka/generated/internal/offset-commit-key.js'
import {writeGroupMetadataKey, decodeGroupMetadataKey} from '../../protocol/kafka/generated/internal/group-metadata-key.js'
import {writeOffsetCommitValue, readOffsetCommitValue} from '../../protocol/kafka/generated/internal/offset-commit-value.js'
import {writeGroupMetadataValue, readGroupMetadataValue} from '../../protocol/kafka/generated/internal/group-metadata-value.js'

export interface OffsetCommitValue {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  expireTimestamp: number | null
}

export interface StoredMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  subscription: Buffer
  assignment: Buffer
}

export interface GroupMetadataValue {
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  currentStateTimestamp: number | null
  members: StoredMember[]
}

export type RecordKey =
  | {type: 'offset'; group: string; topic: string; partition: number}
  | {type: 'group'; group: string}
  | {type: 'other'; version: number}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const w = new Writer(8 + group.length + topic.length)
  writeOffsetCommitKey(w, {group, topic, partition}, 1)
  return w.finish()
}

export function encodeGroupMetadataKey(group: string): Buffer {
  const w = new Writer(4 + group.length)
  writeGroupMetadataKey(w, {group}, 2)
  return w.finish()
}

export function decodeRecordKey(key: Buffer): RecordKey {
  const r = new Reader(key)
  const version = r.int16()
  if (version === 0 || version === 1) return {type: 'offset', ...decodeOffsetCommitKey(r, version)}
  if (version === 2) return {type: 'group', ...decodeGroupMetadataKey(r, version)}
  return {type: 'other', version}
}

export function encodeOffsetCommitValue(v: OffsetCommitValue): Buffer {
  const w = new Writer(64 + v.metadata.length)
  const version = v.expireTimestamp !== null ? 1 : 3
  writeOffsetCommitValue(w, {
    offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata,
    commitTimestamp: BigInt(v.commitTimestamp), expireTimestamp: BigInt(v.expireTimestamp ?? -1),
  }, version)
  return w.finish()
}

export function decodeOffsetCommitValue(value: Buffer): OffsetCommitValue {
  const {value: v} = readOffsetCommitValue(new Reader(value))
  const expire = Number(v.expireTimestamp)
  return {offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: Number(v.commitTimestamp), expireTimestamp: expire === -1 ? null : expire}
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  const w = new Writer(128)
  writeGroupMetadataValue(w, {
    protocolType: v.protocolType, generation: v.generation, protocol: v.protocol, leader: v.leader,
    currentStateTimestamp: BigInt(v.currentStateTimestamp ?? -1),
    members: v.members.map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs, sessionTimeout: m.sessionTimeoutMs, subscription: m.subscription, assignment: m.assignment,
    })),
  }, 3)
  return w.finish()
}

export function decodeGroupMetadataValue(value: Buffer): GroupMetadataValue {
  const {value: v} = readGroupMetadataValue(new Reader(value))
  const ts = Number(v.currentStateTimestamp)
  return {
    protocolType: v.protocolType, generation: v.generation, protocol: v.protocol, leader: v.leader,
    currentStateTimestamp: ts === -1 ? null : ts,
    // Copies: the loaded batch is large and short-lived; the member bytes live on.
    members: v.members.map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout, sessionTimeoutMs: m.sessionTimeout,
      subscription: Buffer.from(m.subscription), assignment: Buffer.from(m.assignment),
    })),
  }
}
