// DescribeConfigs entries with Kafka's sources and synonyms once dynamic broker configs exist
// (ZkAdminManager.createTopicConfigEntry / createBrokerConfigEntry / configSynonyms):
// synonyms are listed level by level (DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG,
// STATIC_BROKER_CONFIG, DEFAULT_CONFIG), each level in synonym order (log.retention.ms before
// .minutes before .hours); an entry's source is its first synonym's.
import {BROKER_KEYS} from '../config.js'
import {CONFIG_TYPE_CODE, ConfigSource, TOPIC_CONFIGS, type ConfigType} from '../topic-configs.js'
import type {ConfigLayers} from './config-layers.js'
import {brokerSynonyms, isDynamic} from './dynamic-keys.js'

export interface Synonym {
  name: string
  value: string | null
  source: number
}

export interface Entry {
  name: string
  value: string | null
  readOnly: boolean
  isDefault: boolean
  configSource: number
  isSensitive: boolean
  synonyms: Synonym[]
  configType: number
  documentation: null
}

const BROKER_TYPES: Record<string, ConfigType> = {int: 'INT', long: 'LONG', bool: 'BOOLEAN', string: 'STRING', list: 'LIST', double: 'DOUBLE', password: 'PASSWORD', class: 'CLASS'}
const UNKNOWN_TYPE = 0

/** Kafka's defaults of the broker keys (KafkaConfig.defaultValues). */
const KAFKA_DEFAULTS: ReadonlyMap<string, string> = new Map(Object.entries(BROKER_KEYS).filter(([, d]) => d.default !== null).map(([k, d]) => [k, d.default!]))

function levels(layers: ConfigLayers): [ReadonlyMap<string, string>, number][] {
  return [
    [layers.dynamicBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [layers.dynamicDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [layers.static, ConfigSource.STATIC_BROKER_CONFIG],
    [KAFKA_DEFAULTS, ConfigSource.DEFAULT_CONFIG],
  ]
}

function configSynonyms(layers: ConfigLayers, names: string[], sensitive: boolean, convert?: (name: string, v: string) => string): Synonym[] {
  const out: Synonym[] = []
  for (const [map, source] of levels(layers)) {
    for (const name of names) {
      const v = map.get(name)
      if (v !== undefined) out.push({name, value: sensitive ? null : convert ? convert(name, v.trim()) : v.trim(), source})
    }
  }
  return out
}

/**
 * Every topic config of a topic with these overrides: value, source and synonyms. The value is the
 * one the log uses (override, else the first broker synonym set at any level in synonym order, else
 * the default). The synonyms are Kafka's: level by level, then cut before the first broker key's
 * own name, so that retention.ms on a broker with only log.retention.hours set lists none and
 * reports DEFAULT_CONFIG, exactly as Kafka's ZkAdminManager answers.
 */
export function topicEntries(layers: ConfigLayers, overrides: Map<string, string>, includeSynonyms: boolean): Entry[] {
  return Object.entries(TOPIC_CONFIGS).map(([name, def]) => {
    const keys = def.synonyms.map((s) => s.key)
    // Broker values in the topic's unit (log.retention.hours=1 is retention.ms=3600000).
    const convert = (key: string, v: string): string => {
      const s = def.synonyms.find((x) => x.key === key)
      if (!s?.toTopic) return v
      try {
        return s.toTopic(v)
      } catch {
        return v
      }
    }
    let synonyms: Synonym[] = []
    if (keys.length > 0) {
      synonyms = configSynonyms(layers, keys, false, convert)
      const own = synonyms.findIndex((s) => s.name === keys[0])
      synonyms = own < 0 ? [] : synonyms.slice(own)
      // A broker key ktool has no default for: the topic's default stands in (Kafka lists its own).
      if (!(keys[0]! in BROKER_KEYS) && !synonyms.some((s) => s.source === ConfigSource.DEFAULT_CONFIG)) synonyms.push({name: keys[0]!, value: def.default, source: ConfigSource.DEFAULT_CONFIG})
    }
    const override = overrides.get(name)
    if (override !== undefined) synonyms = [{name, value: override, source: ConfigSource.TOPIC_CONFIG}, ...synonyms]
    const brokerKey = keys.find((k) => layers.current(k) !== undefined)
    const value = override ?? (brokerKey ? convert(brokerKey, layers.current(brokerKey)!.trim()) : def.default)
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG
    return {
      name,
      value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: false,
      synonyms: includeSynonyms ? synonyms : [],
      configType: CONFIG_TYPE_CODE[def.type],
      documentation: null,
    }
  })
}

function brokerEntry(layers: ConfigLayers, name: string, value: string | null, perBroker: boolean, includeSynonyms: boolean): Entry {
  const def = BROKER_KEYS[name]
  const sensitive = def?.kind === 'password'
  let synonyms = configSynonyms(layers, brokerSynonyms(name), sensitive)
  // Kafka drops the synonyms before the key's own name: log.retention.hours does not show a
  // log.retention.ms set elsewhere (that one is described under its own name).
  const own = synonyms.findIndex((s) => s.name === name)
  synonyms = own < 0 ? [] : synonyms.slice(own)
  if (!perBroker) synonyms = synonyms.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
  const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG
  return {
    name,
    value: sensitive ? null : value,
    readOnly: !isDynamic(name),
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    configSource: source,
    isSensitive: sensitive,
    synonyms: includeSynonyms ? synonyms : [],
    configType: def ? CONFIG_TYPE_CODE[BROKER_TYPES[def.kind]!] : UNKNOWN_TYPE,
    documentation: null,
  }
}

/** Resource name "": the cluster-wide dynamic defaults only (what kafka-configs --entity-default reads). */
export function defaultBrokerEntries(layers: ConfigLayers, includeSynonyms: boolean): Entry[] {
  return [...layers.dynamicDefault].map(([name, value]) => brokerEntry(layers, name, value, false, includeSynonyms))
}

/** This broker: every known key with the value in force, plus any dynamic key it does not list. */
export function brokerEntries(layers: ConfigLayers, includeSynonyms: boolean): Entry[] {
  const names = Object.keys(BROKER_KEYS).filter((n) => !n.startsWith('ktool.'))
  for (const k of [...layers.dynamicDefault.keys(), ...layers.dynamicBroker.keys()]) if (!names.includes(k) && isDynamic(k)) names.push(k)
  return names.map((name) => brokerEntry(layers, name, (layers.current(name) ?? BROKER_KEYS[name]?.default ?? null)?.trim() ?? null, true, includeSynonyms))
}
