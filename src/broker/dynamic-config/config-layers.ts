// The broker's config in layers, as Kafka's DynamicBrokerConfig keeps it: per-broker dynamic
// (/config/brokers/<id>) over cluster-wide dynamic defaults (/config/brokers/<default>) over the
// static server.properties over Kafka's defaults.
//
// The broker's properties map is the one the log manager reads every topic's defaults from, so the
// merged view is written into that same map (in place): a dynamic log.retention.ms reaches every log
// through the path topic config changes already take. The static values are kept aside first.
import {TOPIC_CONFIGS} from '../topic-configs.js'

export const DEFAULT_ENTITY = '<default>'

/** Broker keys that give topics their defaults (log.retention.ms, message.max.bytes, ...). */
const TOPIC_DEFAULT_KEYS = new Set(Object.values(TOPIC_CONFIGS).flatMap((d) => d.synonyms.map((s) => s.key)))

/** Whether a change to this broker key can change some topic's effective config. */
export function affectsTopics(key: string): boolean {
  return TOPIC_DEFAULT_KEYS.has(key) || key.startsWith('log.')
}

export type Level = 'default' | 'broker'

export class ConfigLayers {
  private props: Map<string, string> = new Map()
  private staticProps: ReadonlyMap<string, string> = new Map()
  readonly dynamicDefault = new Map<string, string>()
  readonly dynamicBroker = new Map<string, string>()
  private bound = false

  /** Takes over the broker's properties map (once, before any dynamic value is applied). */
  bind(props: Map<string, string>): void {
    if (this.bound) return
    this.bound = true
    this.staticProps = new Map(props)
    this.props = props
    this.merge(new Set([...this.dynamicDefault.keys(), ...this.dynamicBroker.keys()]))
  }

  get static(): ReadonlyMap<string, string> {
    return this.staticProps
  }

  /** The value in force (per-broker, default, static), undefined when only Kafka's default applies. */
  current(key: string): string | undefined {
    return this.dynamicBroker.get(key) ?? this.dynamicDefault.get(key) ?? this.staticProps.get(key)
  }

  level(level: Level): Map<string, string> {
    return level === 'default' ? this.dynamicDefault : this.dynamicBroker
  }

  /** Replaces one level; returns the keys whose value in force changed. */
  apply(level: Level, configs: Map<string, string>): string[] {
    const target = this.level(level)
    const touched = new Set([...target.keys(), ...configs.keys()])
    const before = new Map([...touched].map((k) => [k, this.current(k)]))
    target.clear()
    for (const [k, v] of configs) target.set(k, v)
    const changed = [...touched].filter((k) => before.get(k) !== this.current(k))
    this.merge(new Set(changed))
    return changed
  }

  private merge(keys: Set<string>): void {
    if (!this.bound) return
    for (const k of keys) {
      const v = this.current(k)
      if (v === undefined) this.props.delete(k)
      else this.props.set(k, v)
    }
  }
}
