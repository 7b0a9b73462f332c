// DescribeConfigs v0-4 for topics (every topic config with its effective value, source and, when
// asked, synonyms: the topic override, then dynamic per-broker and cluster-default broker configs,
// then server.properties, then Kafka's default), for this broker (every key with the value in force;
// readOnly unless Kafka can update it dynamically) and for "" (the cluster-wide dynamic defaults
// only, as Kafka answers). Broker loggers (type 8) are not supported: an empty result.
import {decodeDescribeConfigsRequest} from '../../protocol/kafka/generated/describe-configs-request.js'
import {encodeDescribeConfigsResponse} from '../../protocol/kafka/generated/describe-configs-response.js'
import type {DescribeConfigsRequest} from '../../protocol/kafka/generated/describe-configs-request.js'
import type {DescribeConfigsResponse, DescribeConfigsResponseDescribeConfigsResult as DescribeConfigsResult, DescribeConfigsResponseDescribeConfigsResourceResult as DescribeConfigsResourceResult} from '../../protocol/kafka/generated/describe-configs-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {brokerEntries, defaultBrokerEntries, topicEntries} from '../dynamic-config/describe-entries.js'

const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const UNKNOWN_TOPIC_OR_PARTITION = 3
const INVALID_REQUEST = 42
const INVALID_TOPIC_EXCEPTION = 17

type Entry = Loose<DescribeConfigsResourceResult>

export default defineHandler<DescribeConfigsRequest, Loose<DescribeConfigsResponse>>({
  apiKey: 32,
  codec: {name: 'DescribeConfigs', requestFlexibleMin: 4, responseFlexibleMin: 4, decodeRequest: decodeDescribeConfigsRequest, encodeResponse: encodeDescribeConfigsResponse},
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, request, version) {
    const rt = runtime(ctx)
    const includeSynonyms = version >= 1 && request.includeSynonyms
    const results: Loose<DescribeConfigsResult>[] = request.resources.map((r) => {
      const base = {resourceType: r.resourceType, resourceName: r.resourceName}
      let configs: Entry[]
      if (r.resourceType === TOPIC) {
        if (!rt.metadata.topic(r.resourceName)) {
          const invalid = r.resourceName === '' ? INVALID_TOPIC_EXCEPTION : UNKNOWN_TOPIC_OR_PARTITION
          return {...base, errorCode: invalid, errorMessage: `Topic '${r.resourceName}' does not exist.`, configs: []}
        }
        configs = topicEntries(rt.metadata.brokerConfigs, rt.metadata.topic(r.resourceName)!.configs, includeSynonyms)
      } else if (r.resourceType === BROKER) {
        if (r.resourceName === '') configs = defaultBrokerEntries(rt.metadata.brokerConfigs, includeSynonyms)
        else if (!/^[-+]?\d+$/.test(r.resourceName)) {
          return {...base, errorCode: INVALID_REQUEST, errorMessage: `Broker id must be an integer, but it is: ${r.resourceName}`, configs: []}
        } else if (Number(r.resourceName) !== rt.config.brokerId) {
          return {...base, errorCode: INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${rt.config.brokerId} or empty string, but received ${r.resourceName}`, configs: []}
        } else configs = brokerEntries(rt.metadata.brokerConfigs, includeSynonyms)
      } else if (r.resourceType === BROKER_LOGGER) {
        configs = []
      } else {
        return {...base, errorCode: INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}`, configs: []}
      }
      if (r.configurationKeys !== null && r.configurationKeys.length > 0) {
        const keys = new Set(r.configurationKeys)
        configs = configs.filter((c) => keys.has(c.name!))
      }
      return {...base, errorCode: 0, errorMessage: null, configs}
    })
    return {throttleTimeMs: 0, results}
  },
})
