// AlterConfigs (replace every override) and IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT
// per key) for topics. Broker resources (dynamic broker configs) are handled by
// dynamic-config/alter-broker-configs.ts.
import type {BrokerRuntime} from './runtime.js'
import {TOPIC_CONFIGS, validateTopicConfig} from './topic-configs.js'

export const TOPIC = 2
export const BROKER = 4
const UNKNOWN_TOPIC_OR_PARTITION = 3
const INVALID_CONFIG = 40
const INVALID_REQUEST = 42

export interface ConfigChangeResult {
  errorCode: number
  errorMessage: string | null
}

export type Op = {name: string; op: 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT'; value: string | null}

/**
 * IncrementalAlterConfigs APPEND / SUBTRACT on one key, for topics and brokers alike (Kafka's
 * prepareIncrementalConfigs): only LIST keys take them (INVALID_REQUEST otherwise); APPEND adds
 * the items not already there after the current ones, SUBTRACT removes them. `current` is the
 * key's value at this level, else its default.
 */
export function applyListOp(op: 'APPEND' | 'SUBTRACT', name: string, isList: boolean, current: string, value: string | null): {value: string} | ConfigChangeResult {
  if (!isList) return {errorCode: INVALID_REQUEST, errorMessage: `Config value ${op === 'APPEND' ? 'append' : 'subtract'} is not allowed for config key: ${name}`}
  const split = (list: string): string[] => list.split(',').map((s) => s.trim()).filter(Boolean)
  const items = split(value ?? '')
  const now = split(current)
  const updated = op === 'APPEND' ? [...now, ...items.filter((i) => !now.includes(i))] : now.filter((c) => !items.includes(c))
  return {value: updated.join(',')}
}

export async function changeConfigs(rt: BrokerRuntime, resourceType: number, resourceName: string, ops: Op[], replaceAll: boolean, validateOnly: boolean): Promise<ConfigChangeResult> {
  if (resourceType === BROKER) return (await import('./dynamic-config/alter-broker-configs.js')).alterBrokerConfigs(rt, resourceName, ops, replaceAll, validateOnly)
  if (resourceType !== TOPIC) return {errorCode: INVALID_REQUEST, errorMessage: `Unsupported resource type ${resourceType}`}
  const topic = rt.metadata.topic(resourceName)
  if (!topic) return {errorCode: UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${resourceName} does not exist`}
  const next = replaceAll ? new Map<string, string>() : new Map(topic.configs)
  const seen = new Set<string>()
  for (const o of ops) {
    if (seen.has(o.name)) return {errorCode: INVALID_REQUEST, errorMessage: `Error due to duplicate config keys`}
    seen.add(o.name)
    const def = TOPIC_CONFIGS[o.name]
    if (!def) return {errorCode: INVALID_CONFIG, errorMessage: `Unknown topic config name: ${o.name}`}
    switch (o.op) {
      case 'SET': {
        if (o.value === null) {
          if (replaceAll) continue
          return {errorCode: INVALID_REQUEST, errorMessage: `Null value not supported for : ${o.name}`}
        }
        const error = validateTopicConfig(o.name, o.value)
        if (error) return {errorCode: INVALID_CONFIG, errorMessage: error}
        next.set(o.name, o.value)
        break
      }
      case 'DELETE':
        next.delete(o.name)
        break
      case 'APPEND':
      case 'SUBTRACT': {
        const list = applyListOp(o.op, o.name, def.type === 'LIST', next.get(o.name) ?? def.default, o.value)
        if ('errorCode' in list) return list
        const error = validateTopicConfig(o.name, list.value)
        if (error) return {errorCode: INVALID_CONFIG, errorMessage: error}
        next.set(o.name, list.value)
        break
      }
    }
  }
  if (!validateOnly) await rt.metadata.setTopicConfig(resourceName, next)
  return {errorCode: 0, errorMessage: null}
}
