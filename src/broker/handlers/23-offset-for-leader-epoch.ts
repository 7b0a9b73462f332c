// OffsetForLeaderEpoch v0-4: the end offset of the requested leader epoch, from the partition's
// leader-epoch cache (consumers use it to detect log truncation after a leader change).
import {decodeOffsetForLeaderEpochRequest} from '../../protocol/kafka/generated/offset-for-leader-epoch-request.js'
import {encodeOffsetForLeaderEpochResponse} from '../../protocol/kafka/generated/offset-for-leader-epoch-response.js'
import type {OffsetForLeaderEpochRequest} from '../../protocol/kafka/generated/offset-for-leader-epoch-request.js'
import type {OffsetForLeaderEpochResponse, OffsetForLeaderEpochResponseEpochEndOffset as EpochEndOffset} from '../../protocol/kafka/generated/offset-for-leader-epoch-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'

export default defineHandler<OffsetForLeaderEpochRequest, Loose<OffsetForLeaderEpochResponse>>({
  apiKey: 23,
  codec: {name: 'OffsetForLeaderEpoch', requestFlexibleMin: 4, responseFlexibleMin: 4, decodeRequest: decodeOffsetForLeaderEpochRequest, encodeResponse: encodeOffsetForLeaderEpochResponse},
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, request, version) {
    const rt = runtime(ctx)
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p): Loose<EpochEndOffset> => {
          const access = accessPartition(rt, t.topic, p.partition, version >= 2 ? p.currentLeaderEpoch : -1)
          if (!access.log) return {errorCode: access.errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n}
          const r = access.log.endOffsetForEpoch(p.leaderEpoch)
          return {errorCode: 0, partition: p.partition, leaderEpoch: r.leaderEpoch, endOffset: r.endOffset}
        }),
      })),
    }
  },
})
