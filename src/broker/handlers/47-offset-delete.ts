// OffsetDelete v0. Removes committed offsets of an Empty group, or of a live consumer group for
// topics it no longer subscribes to (GROUP_SUBSCRIBED_TO_TOPIC for the others); a live group of
// another protocol type gets NON_EMPTY_GROUP. Partitions of unknown topics get
// UNKNOWN_TOPIC_OR_PARTITION, as in Kafka. Nothing left out.
import type {OffsetDeleteRequest} from '../../protocol/kafka/generated/offset-delete-request.js'
import type {OffsetDeleteResponse} from '../../protocol/kafka/generated/offset-delete-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {GroupError} from '../group/errors.js'
import {partitionExists} from '../group/handler-support.js'

export default defineHandler<OffsetDeleteRequest, Loose<OffsetDeleteResponse>>({
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, request) {
    const errors = new Map<string, Map<number, number>>()
    const put = (topic: string, partition: number, code: number) => {
      if (!errors.has(topic)) errors.set(topic, new Map())
      errors.get(topic)!.set(partition, code)
    }
    const known: {topic: string; partition: number}[] = []
    for (const t of request.topics) {
      for (const p of t.partitions) {
        if (partitionExists(ctx, t.name, p.partitionIndex)) known.push({topic: t.name, partition: p.partitionIndex})
        else put(t.name, p.partitionIndex, GroupError.UNKNOWN_TOPIC_OR_PARTITION)
      }
    }
    const r = await ctx.broker.groups.deleteOffsets(request.groupId, known)
    for (const p of r.partitions) put(p.topic, p.partition, p.errorCode)
    return {
      errorCode: r.errorCode,
      throttleTimeMs: 0,
      topics: [...errors].map(([name, parts]) => ({name, partitions: [...parts].map(([partitionIndex, errorCode]) => ({partitionIndex, errorCode}))})),
    }
  },
})
