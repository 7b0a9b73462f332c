// DeleteTopics v0-6. v6 may name topics by id. Deletion is immediate here (Kafka's controller
// marks the topic under /admin/delete_topics and deletes it asynchronously); the partition
// directories are renamed to `-delete` and removed in the background by the log manager.
import {decodeDeleteTopicsRequest} from '../../protocol/kafka/generated/delete-topics-request.js'
import {encodeDeleteTopicsResponse} from '../../protocol/kafka/generated/delete-topics-response.js'
import type {DeleteTopicsRequest} from '../../protocol/kafka/generated/delete-topics-request.js'
import type {DeleteTopicsResponse, DeleteTopicsResponseDeletableTopicResult as DeletableTopicResult} from '../../protocol/kafka/generated/delete-topics-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {TopicError} from '../cluster/topic-admin.js'

const UNKNOWN_SERVER_ERROR = -1
const UNKNOWN_TOPIC_ID = 100
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

export default defineHandler<DeleteTopicsRequest, Loose<DeleteTopicsResponse>>({
  apiKey: 20,
  codec: {name: 'DeleteTopics', requestFlexibleMin: 4, responseFlexibleMin: 4, decodeRequest: decodeDeleteTopicsRequest, encodeResponse: encodeDeleteTopicsResponse},
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const wanted: {name: string | null; topicId: string}[] =
      version >= 6 ? request.topics.map((t) => ({name: t.name, topicId: t.topicId})) : request.topicNames.map((name) => ({name, topicId: ZERO_UUID}))
    const responses: Loose<DeletableTopicResult>[] = []
    for (const w of wanted) {
      let name = w.name
      let topicId = w.topicId
      if (name === null) {
        const t = rt.metadata.topicById(w.topicId)
        if (!t) {
          responses.push({name: null, topicId: w.topicId, errorCode: UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.'})
          continue
        }
        name = t.name
      } else {
        topicId = rt.metadata.topic(name)?.topicId ?? ZERO_UUID
      }
      try {
        await rt.topicAdmin.delete(name)
        rt.logger.info(`[Topic Deletion Manager ${rt.config.brokerId}] Deletion of topic ${name} successfully completed`)
        responses.push({name, topicId, errorCode: 0, errorMessage: null})
      } catch (error) {
        const code = error instanceof TopicError ? error.errorCode : UNKNOWN_SERVER_ERROR
        responses.push({name, topicId, errorCode: code, errorMessage: (error as Error).message})
      }
    }
    return {throttleTimeMs: 0, responses}
  },
})
