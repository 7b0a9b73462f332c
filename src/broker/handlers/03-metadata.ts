// Metadata v0-12. Topics named in the request that do not exist are created when
// auto.create.topics.enable is on and the request allows it (always before v4); Kafka answers
// such a first request with LEADER_NOT_AVAILABLE while the controller elects leaders, but here
// creation is synchronous, so the new topic comes back ready. v10+ may name topics by id.
// Authorized operations (v8+) are "everything" since there is no authorizer.
import {decodeMetadataRequest} from '../../protocol/kafka/generated/metadata-request.js'
import {encodeMetadataResponse} from '../../protocol/kafka/generated/metadata-response.js'
import type {MetadataRequest} from '../../protocol/kafka/generated/metadata-request.js'
import type {MetadataResponse, MetadataResponseTopic} from '../../protocol/kafka/generated/metadata-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime, type BrokerRuntime} from '../runtime.js'
import {validateTopicName} from '../cluster/metadata-store.js'
import type {TopicInfo} from '../cluster/metadata.js'
import {TopicError} from '../cluster/topic-admin.js'
import {advertisedBrokers} from '../advertised.js'

const UNKNOWN_TOPIC_OR_PARTITION = 3
const INVALID_TOPIC_EXCEPTION = 17
const UNKNOWN_TOPIC_ID = 100
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
/** Topic operations a client may perform with no authorizer: READ..DESCRIBE_CONFIGS, ALTER_CONFIGS. */
export const ALL_TOPIC_OPERATIONS = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11)
const OMITTED = -2147483648

function topicEntry(t: TopicInfo, includeOps: boolean): Loose<MetadataResponseTopic> {
  return {
    errorCode: 0,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.internal,
    partitions: t.partitions.map((p) => ({
      errorCode: 0,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.offlineReplicas,
    })),
    topicAuthorizedOperations: includeOps ? ALL_TOPIC_OPERATIONS : OMITTED,
  }
}

async function resolveByName(rt: BrokerRuntime, name: string, autoCreate: boolean, includeOps: boolean): Promise<Loose<MetadataResponseTopic>> {
  const existing = rt.metadata.topic(name)
  if (existing) return topicEntry(existing, includeOps)
  const invalid = validateTopicName(name)
  if (invalid) return {errorCode: INVALID_TOPIC_EXCEPTION, name, isInternal: false, partitions: []}
  if (!autoCreate || !rt.config.autoCreateTopicsEnable) return {errorCode: UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: []}
  try {
    const created = await rt.topicAdmin.autoCreate(name)
    rt.logger.info(`[KafkaApi-${rt.config.brokerId}] Auto creation of topic ${name} with ${created.partitions.length} partitions and replication factor ${created.partitions[0]?.replicas.length ?? 1} is successful`)
    return topicEntry(created, includeOps)
  } catch (error) {
    const code = error instanceof TopicError ? error.errorCode : UNKNOWN_TOPIC_OR_PARTITION
    return {errorCode: code, name, isInternal: false, partitions: []}
  }
}

export default defineHandler<MetadataRequest, Loose<MetadataResponse>>({
  apiKey: 3,
  codec: {name: 'Metadata', requestFlexibleMin: 9, responseFlexibleMin: 9, decodeRequest: decodeMetadataRequest, encodeResponse: encodeMetadataResponse},
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const includeOps = version >= 8 && request.includeTopicAuthorizedOperations
    const autoCreate = version < 4 || request.allowAutoTopicCreation
    let topics: Loose<MetadataResponseTopic>[]
    // v0: an empty list means all topics; v1+: null means all topics, empty means none.
    if (request.topics === null || (version === 0 && request.topics.length === 0)) {
      topics = rt.metadata.topics().map((t) => topicEntry(t, includeOps))
    } else {
      topics = []
      for (const req of request.topics) {
        if (req.name === null || req.name === undefined) {
          const t = req.topicId && req.topicId !== ZERO_UUID ? rt.metadata.topicById(req.topicId) : undefined
          topics.push(t ? topicEntry(t, includeOps) : {errorCode: UNKNOWN_TOPIC_ID, name: null, topicId: req.topicId, isInternal: false, partitions: []})
        } else {
          topics.push(await resolveByName(rt, req.name, autoCreate, includeOps))
        }
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: advertisedBrokers(rt, ctx.connection).map((b) => ({nodeId: b.id, host: b.host, port: b.port, rack: b.rack})),
      clusterId: rt.metadata.clusterId,
      controllerId: rt.metadata.controllerId,
      topics,
      clusterAuthorizedOperations: OMITTED,
    }
  },
})
