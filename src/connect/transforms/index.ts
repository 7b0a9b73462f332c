// Builds a connector's transform chain from its config, under Kafka's class names:
//   transforms=route,mask
//   transforms.route.type=org.apache.kafka.connect.transforms.RegexRouter
//   transforms.route.regex=...            (the transform's own keys, prefix removed)
//   transforms.mask.predicate=isTombstone  transforms.mask.negate=true
//   predicates=isTombstone  predicates.isTombstone.type=...RecordIsTombstone
import type {ConnectRecord} from '../data.js'
import {Cast} from './cast.js'
import {ExtractField} from './extract-field.js'
import {Filter, HasHeaderKey, RecordIsTombstone, TopicNameMatches} from './filter.js'
import {HoistField} from './hoist-field.js'
import {InsertField} from './insert-field.js'
import {MaskField} from './mask-field.js'
import {ReplaceField} from './replace-field.js'
import {RegexRouter, TimestampRouter} from './routers.js'
import {ConfigException, listConfig, type Predicate, type Transformation} from './transformation.js'
import {ValueToKey} from './value-to-key.js'

const T = 'org.apache.kafka.connect.transforms.'
const TRANSFORMS: Record<string, () => Transformation> = {
  [`${T}InsertField$Key`]: () => new InsertField('key'),
  [`${T}InsertField$Value`]: () => new InsertField('value'),
  [`${T}ReplaceField$Key`]: () => new ReplaceField('key'),
  [`${T}ReplaceField$Value`]: () => new ReplaceField('value'),
  [`${T}MaskField$Key`]: () => new MaskField('key'),
  [`${T}MaskField$Value`]: () => new MaskField('value'),
  [`${T}ExtractField$Key`]: () => new ExtractField('key'),
  [`${T}ExtractField$Value`]: () => new ExtractField('value'),
  [`${T}HoistField$Key`]: () => new HoistField('key'),
  [`${T}HoistField$Value`]: () => new HoistField('value'),
  [`${T}Cast$Key`]: () => new Cast('key'),
  [`${T}Cast$Value`]: () => new Cast('value'),
  [`${T}ValueToKey`]: () => new ValueToKey(),
  [`${T}TimestampRouter`]: () => new TimestampRouter(),
  [`${T}RegexRouter`]: () => new RegexRouter(),
  [`${T}Filter`]: () => new Filter(),
}
const P = 'org.apache.kafka.connect.transforms.predicates.'
const PREDICATES: Record<string, () => Predicate> = {
  [`${P}TopicNameMatches`]: () => new TopicNameMatches(),
  [`${P}HasHeaderKey`]: () => new HasHeaderKey(),
  [`${P}RecordIsTombstone`]: () => new RecordIsTombstone(),
}

export const TRANSFORM_CLASSES = Object.keys(TRANSFORMS)
export const PREDICATE_CLASSES = Object.keys(PREDICATES)

/** Finds a class by its full name or its simple name (InsertField$Value, RegexRouter). */
function resolve<X>(registry: Record<string, () => X>, name: string, key: string): X {
  const full = Object.keys(registry).find((c) => c === name || c.slice(c.lastIndexOf('.') + 1) === name)
  if (!full) throw new ConfigException(`Invalid value ${name} for configuration ${key}: Class ${name} could not be found.`)
  return registry[full]!()
}

function prefixed(config: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}

interface Stage {
  alias: string
  transform: Transformation
  predicate: Predicate | null
  negate: boolean
}

export class TransformChain {
  constructor(private readonly stages: Stage[]) {}

  get size(): number {
    return this.stages.length
  }

  /** Runs the record through every stage; null means a stage dropped it. */
  apply(record: ConnectRecord): ConnectRecord | null {
    let r: ConnectRecord | null = record
    for (const s of this.stages) {
      if (r === null) return null
      if (s.predicate && s.predicate.test(r) === s.negate) continue
      r = s.transform.apply(r)
    }
    return r
  }
}

export function buildTransformChain(config: Record<string, string>): TransformChain {
  const predicates = new Map<string, Predicate>()
  for (const alias of listConfig(config, 'predicates')) {
    const own = prefixed(config, `predicates.${alias}.`)
    if (!own.type) throw new ConfigException(`Missing required configuration "predicates.${alias}.type" which has no default value.`)
    const p = resolve(PREDICATES, own.type, `predicates.${alias}.type`)
    p.configure(own)
    predicates.set(alias, p)
  }
  const stages: Stage[] = []
  for (const alias of listConfig(config, 'transforms')) {
    const own = prefixed(config, `transforms.${alias}.`)
    if (!own.type) throw new ConfigException(`Missing required configuration "transforms.${alias}.type" which has no default value.`)
    const transform = resolve(TRANSFORMS, own.type, `transforms.${alias}.type`)
    transform.configure(own)
    let predicate: Predicate | null = null
    if (own.predicate) {
      predicate = predicates.get(own.predicate) ?? null
      if (!predicate) throw new ConfigException(`Invalid value ${own.predicate} for configuration transforms.${alias}.predicate: undefined predicate`)
    }
    stages.push({alias, transform, predicate, negate: (own.negate ?? 'false').trim().toLowerCase() === 'true'})
  }
  return new TransformChain(stages)
}
