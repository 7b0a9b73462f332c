// CreatePartitions v0-3, validateOnly included. Explicit assignments name the replicas of each new
// partition; otherwise they are spread over the brokers like Kafka's round-robin assignment.
import {decodeCreatePartitionsRequest} from '../../protocol/kafka/generated/create-partitions-request.js'
import {encodeCreatePartitionsResponse} from '../../protocol/kafka/generated/create-partitions-response.js'
import type {CreatePartitionsRequest} from '../../protocol/kafka/generated/create-partitions-request.js'
import type {CreatePartitionsResponse, CreatePartitionsResponseCreatePartitionsTopicResult as CreatePartitionsTopicResult} from '../../protocol/kafka/generated/create-partitions-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {TopicError} from '../cluster/topic-admin.js'

const INVALID_REQUEST = 42
const UNKNOWN_SERVER_ERROR = -1

export default defineHandler<CreatePartitionsRequest, Loose<CreatePartitionsResponse>>({
  apiKey: 37,
  codec: {name: 'CreatePartitions', requestFlexibleMin: 2, responseFlexibleMin: 2, decodeRequest: decodeCreatePartitionsRequest, encodeResponse: encodeCreatePartitionsResponse},
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, request) {
    const rt = runtime(ctx)
    const counts = new Map<string, number>()
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
    const results: Loose<CreatePartitionsTopicResult>[] = []
    for (const t of request.topics) {
      if (counts.get(t.name)! > 1) {
        results.push({name: t.name, errorCode: INVALID_REQUEST, errorMessage: 'Duplicate topic in request.'})
        continue
      }
      try {
        await rt.topicAdmin.createPartitions(t.name, t.count, t.assignments ? t.assignments.map((a) => a.brokerIds) : null, request.validateOnly)
        results.push({name: t.name, errorCode: 0, errorMessage: null})
      } catch (error) {
        const code = error instanceof TopicError ? error.errorCode : UNKNOWN_SERVER_ERROR
        results.push({name: t.name, errorCode: code, errorMessage: (error as Error).message})
      }
    }
    return {throttleTimeMs: 0, results}
  },
})
