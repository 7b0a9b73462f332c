// DescribeConfigs v0-4 for topics (every topic config with its effective value, source and, when
// asked, synonyms: the topic override, then the server.properties keys, then Kafka's default) and
// for this broker (its server.properties keys and defaults, all read-only: nothing here is
// dynamically updatable yet). Broker loggers (type 8) are not supported: an empty result.
import {decodeDescribeConfigsRequest} from '../../protocol/kafka/generated/describe-configs-request.js'
import {encodeDescribeConfigsResponse} from '../../protocol/kafka/generated/describe-configs-response.js'
import type {DescribeConfigsRequest} from '../../protocol/kafka/generated/describe-configs-request.js'
import type {DescribeConfigsResponse, DescribeConfigsResponseDescribeConfigsResult as DescribeConfigsResult, DescribeConfigsResponseDescribeConfigsResourceResult as DescribeConfigsResourceResult} from '../../protocol/kafka/generated/describe-configs-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime, type BrokerRuntime} from '../runtime.js'
import {CONFIG_TYPE_CODE, ConfigSource, resolveTopicConfigs, type ConfigType} from '../topic-configs.js'
import {BROKER_KEYS} from '../config.js'

const TOPIC = 2
const BROKER = 4
const BROKER_LOGGER = 8
const UNKNOWN_TOPIC_OR_PARTITION = 3
const INVALID_REQUEST = 42
const INVALID_TOPIC_EXCEPTION = 17

const BROKER_TYPES: Record<string, ConfigType> = {int: 'INT', long: 'LONG', bool: 'BOOLEAN', string: 'STRING', list: 'LIST', double: 'DOUBLE', password: 'PASSWORD', class: 'CLASS'}

type Entry = Loose<DescribeConfigsResourceResult>

function topicConfigs(rt: BrokerRuntime, name: string, includeSynonyms: boolean, version: number): Entry[] {
  const topic = rt.metadata.topic(name)!
  return resolveTopicConfigs(rt.config, topic.configs).map((c) => ({
    name: c.name,
    value: c.value,
    readOnly: false,
    isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
    configSource: c.source,
    isSensitive: false,
    synonyms: version >= 1 && includeSynonyms ? c.synonyms.map((s) => ({name: s.name, value: s.value, source: s.source})) : [],
    configType: CONFIG_TYPE_CODE[c.type],
    documentation: null,
  }))
}

function brokerConfigs(rt: BrokerRuntime, includeSynonyms: boolean, version: number): Entry[] {
  const out: Entry[] = []
  for (const [name, def] of Object.entries(BROKER_KEYS)) {
    if (name.startsWith('ktool.')) continue
    const set = rt.config.props.get(name)
    const sensitive = def.kind === 'password'
    const value = sensitive ? null : set !== undefined ? set.trim() : def.default
    const source = set !== undefined ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG
    const synonyms = []
    if (set !== undefined) synonyms.push({name, value, source: ConfigSource.STATIC_BROKER_CONFIG})
    if (def.default !== null || set === undefined) synonyms.push({name, value: sensitive ? null : def.default, source: ConfigSource.DEFAULT_CONFIG})
    out.push({
      name,
      value,
      readOnly: true,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: sensitive,
      synonyms: version >= 1 && includeSynonyms ? synonyms : [],
      configType: CONFIG_TYPE_CODE[BROKER_TYPES[def.kind]!],
      documentation: null,
    })
  }
  return out
}

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
        configs = topicConfigs(rt, r.resourceName, includeSynonyms, version)
      } else if (r.resourceType === BROKER) {
        if (r.resourceName === '') configs = [] // cluster-wide dynamic defaults: none are set
        else if (r.resourceName !== String(rt.config.brokerId)) {
          return {...base, errorCode: INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${rt.config.brokerId} or empty string, but received ${r.resourceName}`, configs: []}
        } else configs = brokerConfigs(rt, includeSynonyms, version)
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
