// Finds the log of a partition a request names, with the error Kafka gives when it cannot:
// unknown topic or partition, not the leader, a stale or future leader epoch, an offline log dir.
import type {PartitionLog} from './log/index.js'
import type {BrokerRuntime} from './runtime.js'

export const UNKNOWN_TOPIC_OR_PARTITION = 3
export const NOT_LEADER_OR_FOLLOWER = 6
export const KAFKA_STORAGE_ERROR = 56
export const FENCED_LEADER_EPOCH = 74
export const UNKNOWN_LEADER_EPOCH = 75

export type Access = {log: PartitionLog; leaderEpoch: number; errorCode: 0} | {log: undefined; leaderEpoch: number; errorCode: number}

export function accessPartition(rt: BrokerRuntime, topic: string, partition: number, currentLeaderEpoch = -1): Access {
  const t = rt.metadata.topic(topic)
  const p = t?.partitions[partition]
  if (!t || !p) return {log: undefined, leaderEpoch: -1, errorCode: UNKNOWN_TOPIC_OR_PARTITION}
  if (p.leader !== rt.config.brokerId) return {log: undefined, leaderEpoch: p.leaderEpoch, errorCode: NOT_LEADER_OR_FOLLOWER}
  if (currentLeaderEpoch >= 0) {
    if (currentLeaderEpoch < p.leaderEpoch) return {log: undefined, leaderEpoch: p.leaderEpoch, errorCode: FENCED_LEADER_EPOCH}
    if (currentLeaderEpoch > p.leaderEpoch) return {log: undefined, leaderEpoch: p.leaderEpoch, errorCode: UNKNOWN_LEADER_EPOCH}
  }
  const log = rt.partitionLog(topic, partition)
  if (!log) return {log: undefined, leaderEpoch: p.leaderEpoch, errorCode: KAFKA_STORAGE_ERROR}
  return {log, leaderEpoch: p.leaderEpoch, errorCode: 0}
}
