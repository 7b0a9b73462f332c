// AlterConfigs (the whole set at one level) and IncrementalAlterConfigs (SET, DELETE, APPEND,
// SUBTRACT) on BROKER resources, as Kafka's ZkAdminManager handles them: resource name "" is the
// cluster-wide default (/config/brokers/<default>), "<id>" this broker (/config/brokers/<id>).
// Config errors come back as INVALID_REQUEST "Invalid config value for resource ConfigResource(...): ..."
// like Kafka's; validateOnly checks everything and stores nothing.
import type {BrokerRuntime} from '../runtime.js'
import {applyListOp, type ConfigChangeResult, type Op} from '../topic-config-change.js'
import {DEFAULT_ENTITY} from './config-layers.js'
import {hasNoEffect, isListKey, listDefault, scalaSet, unsupportedHere, validateDynamicConfigs} from './dynamic-keys.js'

const INVALID_CONFIG = 40
const INVALID_REQUEST = 42

const fail = (errorCode: number, errorMessage: string): ConfigChangeResult => ({errorCode, errorMessage})

/** Kafka's getBrokerId: "" is the default; anything else must be this broker's id. */
export function brokerEntity(rt: BrokerRuntime, resourceName: string): {entity: string} | ConfigChangeResult {
  if (resourceName === '') return {entity: DEFAULT_ENTITY}
  if (!/^[-+]?\d+$/.test(resourceName)) return fail(INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`)
  if (Number(resourceName) !== rt.config.brokerId) return fail(INVALID_REQUEST, `Unexpected broker id, expected ${rt.config.brokerId}, but received ${resourceName}`)
  return {entity: String(rt.config.brokerId)}
}

export async function alterBrokerConfigs(rt: BrokerRuntime, resourceName: string, ops: Op[], replaceAll: boolean, validateOnly: boolean): Promise<ConfigChangeResult> {
  if (!replaceAll) {
    const names = ops.map((o) => o.name)
    const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))]
    if (duplicates.length > 0) return fail(INVALID_REQUEST, `Error due to duplicate config keys : ${duplicates.join(',')}`)
    const nulls = ops.filter((o) => o.value === null && o.op !== 'DELETE').map((o) => `${o.op}:${o.name}`)
    if (nulls.length > 0) return fail(INVALID_REQUEST, `Null value not supported for : ${nulls.join(',')}`)
  }
  const target = brokerEntity(rt, resourceName)
  if ('errorCode' in target) return target
  const perBroker = target.entity !== DEFAULT_ENTITY
  const layers = rt.metadata.brokerConfigs
  const next = replaceAll ? new Map<string, string>() : new Map(layers.level(perBroker ? 'broker' : 'default'))
  for (const o of ops) {
    switch (o.op) {
      case 'SET':
        if (o.value !== null) next.set(o.name, o.value)
        break
      case 'DELETE':
        next.delete(o.name)
        break
      case 'APPEND':
      case 'SUBTRACT': {
        const isList = isListKey(o.name)
        if (isList === undefined) return fail(INVALID_CONFIG, `Unknown topic config name: ${o.name}`)
        const list = applyListOp(o.op, o.name, isList, next.get(o.name) ?? listDefault(o.name), o.value)
        if ('errorCode' in list) return list
        next.set(o.name, list.value)
        break
      }
    }
  }
  const resource = `ConfigResource(type=BROKER, name='${resourceName}')`
  const error = validateDynamicConfigs(next, perBroker, (k) => layers.current(k))
  if (error) return fail(INVALID_REQUEST, `Invalid config value for resource ${resource}: ${error}`)
  // Kafka rebinds its listeners on a per-broker change; ktool's listeners are fixed at start-up.
  const unsupported = unsupportedHere(next).filter((k) => next.get(k) !== layers.level('broker').get(k))
  if (unsupported.length > 0) return fail(INVALID_REQUEST, `Invalid config value for resource ${resource}: ktool cannot reconfigure listeners while running: ${scalaSet(unsupported)}`)
  if (validateOnly) return {errorCode: 0, errorMessage: null}
  const previous = layers.level(perBroker ? 'broker' : 'default')
  const changed = [...next].filter(([k, v]) => previous.get(k) !== v).map(([k]) => k)
  const removed = [...previous.keys()].filter((k) => !next.has(k))
  await rt.metadata.setBrokerConfig(target.entity, next)
  const log = rt.logger
  if (changed.length + removed.length > 0) {
    log.info(`Updating ${perBroker ? `broker ${target.entity}` : 'cluster-wide default'} dynamic configs: set ${scalaSet(changed)}, removed ${scalaSet(removed)}`)
    const inert = changed.filter(hasNoEffect)
    if (inert.length > 0) log.info(`Dynamic configs ${scalaSet(inert)} are stored and described, but change nothing in a running ktool broker (only log configs are applied; ktool takes the others from server.properties alone)`)
  }
  return {errorCode: 0, errorMessage: null}
}
