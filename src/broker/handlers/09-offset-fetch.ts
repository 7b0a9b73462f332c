// OffsetFetch v0-9. v0-1 name partitions, and a group-level error lands in every partition (no
// top-level error field yet); v2+ may ask for all of a group's offsets (topics null) and carry a
// top-level error; v5 adds the leader epoch; v7 require_stable (there are no pending
// transactional offsets here, so every offset is stable); v8+ fetch several groups at once.
// A partition with no committed offset gets offset -1 and empty metadata, no error.
// Left out: the KIP-848 member id/epoch checks of v9 (ignored for classic groups).
import type {OffsetFetchRequest} from '../../protocol/kafka/generated/offset-fetch-request.js'
import type {OffsetFetchResponse} from '../../protocol/kafka/generated/offset-fetch-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

type Topics = {name: string; partitionIndexes: number[]}[] | null

export default defineHandler<OffsetFetchRequest, Loose<OffsetFetchResponse>>({
  apiKey: 9,
  minVersion: 0,
  maxVersion: 9,
  handle(ctx, request, version) {
    const fetch = (groupId: string, topics: Topics) =>
      ctx.broker.groups.fetchOffsets(groupId, topics === null ? null : topics.map((t) => ({topic: t.name, partitions: t.partitionIndexes})))
    const partitionsOf = (topics: ReturnType<typeof fetch>['topics']) => topics.map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: p.leaderEpoch, metadata: p.metadata, errorCode: p.errorCode,
      })),
    }))

    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => {
          const r = fetch(g.groupId, g.topics)
          return {groupId: g.groupId, errorCode: r.errorCode, topics: partitionsOf(r.topics)}
        }),
      }
    }
    const topics = version >= 2 ? request.topics : (request.topics ?? [])
    const r = fetch(request.groupId, topics)
    if (version < 2 && r.errorCode !== 0) {
      // No top-level error before v2: every requested partition carries it.
      return {
        throttleTimeMs: 0,
        topics: (topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((p) => ({partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode})),
        })),
      }
    }
    return {throttleTimeMs: 0, errorCode: r.errorCode, topics: partitionsOf(r.topics)}
  },
})
