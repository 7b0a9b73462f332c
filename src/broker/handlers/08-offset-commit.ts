// OffsetCommit v0-9. v0 commits outside group management (generation -1, no member); v1 adds the
// generation and member id (and a per-partition commit timestamp, v1 only); v2-v4 carry a
// retention time (stored as Kafka does, as an explicit expire timestamp); v5 drops it; v6 adds
// the leader epoch; v7 group.instance.id; v8 is flexible; v9 answers GROUP_ID_NOT_FOUND for a
// commit with a generation to a group that does not exist (earlier: ILLEGAL_GENERATION).
// Partitions of topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION, like Kafka.
// Left out: the KIP-848 consumer protocol's member epochs (v9 is served for classic groups).
import type {OffsetCommitRequest} from '../../protocol/kafka/generated/offset-commit-request.js'
import type {OffsetCommitResponse} from '../../protocol/kafka/generated/offset-commit-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import type {CommitPartition} from '../group/coordinator.js'
import {GroupError} from '../group/errors.js'
import {partitionExists} from '../group/handler-support.js'

export default defineHandler<OffsetCommitRequest, Loose<OffsetCommitResponse>>({
  apiKey: 8,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request, version) {
    // Response slots in request order; known partitions go to the coordinator together.
    const codes: number[][] = request.topics.map((t) => t.partitions.map(() => GroupError.NONE))
    const known: CommitPartition[] = []
    const slots: [number, number][] = []
    request.topics.forEach((t, ti) => t.partitions.forEach((p, pi) => {
      if (!partitionExists(ctx, t.name, p.partitionIndex)) {
        codes[ti][pi] = GroupError.UNKNOWN_TOPIC_OR_PARTITION
        return
      }
      known.push({
        topic: t.name, partition: p.partitionIndex, offset: p.committedOffset,
        leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
        commitTimestamp: version === 1 ? Number(p.commitTimestamp) : -1,
      })
      slots.push([ti, pi])
    }))
    if (known.length > 0) {
      const results = await ctx.broker.groups.commitOffsets({
        groupId: request.groupId,
        generationId: version >= 1 ? request.generationIdOrMemberEpoch : -1,
        memberId: version >= 1 ? request.memberId : '',
        groupInstanceId: version >= 7 ? request.groupInstanceId : null,
        retentionTimeMs: version >= 2 && version <= 4 ? Number(request.retentionTimeMs) : -1,
        partitions: known,
        unknownGroupError: version >= 9 ? GroupError.GROUP_ID_NOT_FOUND : GroupError.ILLEGAL_GENERATION,
      })
      results.forEach((code, i) => (codes[slots[i][0]][slots[i][1]] = code))
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({partitionIndex: p.partitionIndex, errorCode: codes[ti][pi]})),
      })),
    }
  },
})
