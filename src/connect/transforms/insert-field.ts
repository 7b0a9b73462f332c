// org.apache.kafka.connect.transforms.InsertField$Key / $Value: adds the record's topic,
// partition, offset, timestamp, or a static value as fields. A field name ending in `!` is
// required, `?` (or nothing) optional.
import {Struct, TIMESTAMP_LOGICAL, schema, structSchema, type ConnectRecord, type Schema} from '../data.js'
import {mapEntries, operandSchema, operandValue, requireStructOrMap, withOperand, type Operand, type Transformation} from './transformation.js'

interface InsertSpec {
  name: string
  optional: boolean
}

function parseSpec(text: string | undefined): InsertSpec | null {
  if (!text) return null
  if (text.endsWith('!')) return {name: text.slice(0, -1), optional: false}
  if (text.endsWith('?')) return {name: text.slice(0, -1), optional: true}
  return {name: text, optional: true}
}

export class InsertField implements Transformation {
  private topic: InsertSpec | null = null
  private partition: InsertSpec | null = null
  private offset: InsertSpec | null = null
  private timestamp: InsertSpec | null = null
  private static: InsertSpec | null = null
  private staticValue: string | undefined

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    this.topic = parseSpec(props['topic.field'])
    this.partition = parseSpec(props['partition.field'])
    this.offset = parseSpec(props['offset.field'])
    this.timestamp = parseSpec(props['timestamp.field'])
    this.static = parseSpec(props['static.field'])
    this.staticValue = props['static.value']
  }

  private additions(r: ConnectRecord): {spec: InsertSpec; schema: Schema; value: unknown}[] {
    const out: {spec: InsertSpec; schema: Schema; value: unknown}[] = []
    if (this.topic) out.push({spec: this.topic, schema: schema('string', this.topic.optional), value: r.topic})
    if (this.partition) out.push({spec: this.partition, schema: schema('int32', this.partition.optional), value: r.kafkaPartition})
    if (this.offset) {
      if (r.kafkaOffset === undefined && !this.offset.optional) throw new Error(`Only SinkRecord supported for [field insertion], found: SourceRecord`)
      out.push({spec: this.offset, schema: schema('int64', this.offset.optional), value: r.kafkaOffset ?? null})
    }
    if (this.timestamp) {
      out.push({spec: this.timestamp, schema: schema('int64', this.timestamp.optional, {name: TIMESTAMP_LOGICAL, version: 1}), value: r.timestamp === null ? null : new Date(r.timestamp)})
    }
    if (this.static) out.push({spec: this.static, schema: schema('string', this.static.optional), value: this.staticValue ?? null})
    return out
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    if (v === null && s === null) return r // tombstones pass through
    requireStructOrMap(this.which, 'field insertion', s, v)
    const adds = this.additions(r)
    if (s === null) {
      const out: Record<string, unknown> = Object.fromEntries(mapEntries(v))
      for (const a of adds) out[a.spec.name] = a.value instanceof Date ? a.value.getTime() : a.value
      return withOperand(r, this.which, null, out)
    }
    const newSchema = structSchema([...s.fields!.map((f) => ({name: f.name, schema: f.schema})), ...adds.map((a) => ({name: a.spec.name, schema: a.schema}))], s.optional, s.name)
    if (v === null) return withOperand(r, this.which, newSchema, null)
    const out = new Struct(newSchema)
    for (const f of s.fields!) out.put(f.name, (v as Struct).get(f.name))
    for (const a of adds) out.put(a.spec.name, a.value)
    return withOperand(r, this.which, newSchema, out)
  }
}
