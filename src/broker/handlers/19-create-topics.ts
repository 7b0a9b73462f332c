// CreateTopics v0-7, validateOnly (v1+) included. numPartitions / replicationFactor -1 (v4+) take
// the broker defaults. v5+ returns the created topic's partition count, replication factor and its
// effective configs; v7 its topic id.
import {decodeCreateTopicsRequest} from '../../protocol/kafka/generated/create-topics-request.js'
import {encodeCreateTopicsResponse} from '../../protocol/kafka/generated/create-topics-response.js'
import type {CreateTopicsRequest} from '../../protocol/kafka/generated/create-topics-request.js'
import type {CreateTopicsResponse, CreateTopicsResponseCreatableTopicResult as CreatableTopicResult} from '../../protocol/kafka/generated/create-topics-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {TopicError} from '../cluster/topic-admin.js'
import {topicEntries} from '../dynamic-config/describe-entries.js'

const INVALID_REQUEST = 42
const UNKNOWN_SERVER_ERROR = -1

export default defineHandler<CreateTopicsRequest, Loose<CreateTopicsResponse>>({
  apiKey: 19,
  codec: {name: 'CreateTopics', requestFlexibleMin: 5, responseFlexibleMin: 5, decodeRequest: decodeCreateTopicsRequest, encodeResponse: encodeCreateTopicsResponse},
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const seen = new Map<string, number>()
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1)
    const results: Loose<CreatableTopicResult>[] = []
    for (const t of request.topics) {
      if (seen.get(t.name)! > 1) {
        results.push({name: t.name, errorCode: INVALID_REQUEST, errorMessage: 'Create topics request from client contains duplicate topic names', numPartitions: -1, replicationFactor: -1, configs: null})
        continue
      }
      try {
        const topic = await rt.topicAdmin.create(
          {name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, assignments: t.assignments, configs: t.configs},
          version >= 1 && request.validateOnly,
        )
        if (!(version >= 1 && request.validateOnly)) {
          rt.logger.info(`[Admin Manager on Broker ${rt.config.brokerId}]: Created topic ${t.name} with ${topic.partitions.length} partitions`)
        }
        results.push({
          name: t.name,
          topicId: version >= 7 && !request.validateOnly ? topic.topicId : undefined,
          errorCode: 0,
          errorMessage: null,
          numPartitions: topic.partitions.length,
          replicationFactor: topic.partitions[0]?.replicas.length ?? -1,
          configs: topicEntries(rt.metadata.brokerConfigs, topic.configs, false).map((c) => ({name: c.name, value: c.value, readOnly: false, configSource: c.configSource, isSensitive: false})),
        })
      } catch (error) {
        const code = error instanceof TopicError ? error.errorCode : UNKNOWN_SERVER_ERROR
        if (!(error instanceof TopicError)) rt.logger.error(`Error creating topic ${t.name}: ${(error as Error).stack}`)
        results.push({name: t.name, errorCode: code, errorMessage: (error as Error).message, numPartitions: -1, replicationFactor: -1, configs: null})
      }
    }
    return {throttleTimeMs: 0, topics: results}
  },
})
