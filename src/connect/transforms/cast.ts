// org.apache.kafka.connect.transforms.Cast$Key / $Value: casts the whole key/value (spec = a type)
// or some of its fields (spec = field:type,...) to int8..int64, float32, float64, boolean, string.
import {Struct, schema, structSchema, type ConnectRecord, type Schema, type SchemaType} from '../data.js'
import {ConfigException, invalid, listConfig, mapEntries, operandSchema, operandValue, requireConfig, withOperand, type Operand, type Transformation} from './transformation.js'

const TARGETS = new Set<SchemaType>(['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'])
const WHOLE = ''

function castValue(value: unknown, to: SchemaType): unknown {
  if (value === null || value === undefined) return null
  if (to === 'string') return Buffer.isBuffer(value) ? value.toString('base64') : String(value)
  if (to === 'boolean') {
    if (typeof value === 'string') return value.trim().toLowerCase() === 'true'
    return typeof value === 'bigint' ? value !== 0n : Boolean(value)
  }
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'string' ? Number(value.trim()) : Number(value)
  if (Number.isNaN(n)) throw new Error(`Unexpected type in Cast transformation: ${typeof value}`)
  switch (to) {
    case 'int8': return (Math.trunc(n) << 24) >> 24
    case 'int16': return (Math.trunc(n) << 16) >> 16
    case 'int32': return Math.trunc(n) | 0
    case 'int64': return typeof value === 'bigint' ? value : BigInt.asIntN(64, BigInt(Math.trunc(n)))
    case 'float32': return Math.fround(n)
    default: return n
  }
}

export class Cast implements Transformation {
  private casts = new Map<string, SchemaType>()

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    const spec = requireConfig(props, 'spec')
    this.casts = new Map()
    for (const part of listConfig(props, 'spec')) {
      const [field, type] = part.includes(':') ? part.split(':').map((s) => s.trim()) : [WHOLE, part.trim()]
      if (!TARGETS.has(type as SchemaType)) throw invalid(spec, 'spec', `Invalid type found in casting spec: ${type}`)
      this.casts.set(field!, type as SchemaType)
    }
    if (this.casts.size === 0) throw invalid(spec, 'spec', 'Must specify at least one field to cast.')
    if (this.casts.has(WHOLE) && this.casts.size > 1) throw new ConfigException('Cast transformations that specify a type to cast to can only specify a single field type. The field name is only needed for casting fields.')
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    const whole = this.casts.get(WHOLE)
    if (whole) return withOperand(r, this.which, s ? schema(whole, s.optional) : null, castValue(v, whole))
    if (v === null) return r
    if (s === null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of mapEntries(v)) out[k] = this.casts.has(k) ? castValue(x, this.casts.get(k)!) : x
      return withOperand(r, this.which, null, out)
    }
    const fields = s.fields!.map((f) => ({name: f.name, schema: this.casts.has(f.name) ? schema(this.casts.get(f.name)!, f.schema.optional) : f.schema}))
    const newSchema: Schema = structSchema(fields, s.optional, s.name)
    const out = new Struct(newSchema)
    for (const f of s.fields!) {
      const x = (v as Struct).get(f.name)
      out.put(f.name, this.casts.has(f.name) ? castValue(x, this.casts.get(f.name)!) : x)
    }
    return withOperand(r, this.which, newSchema, out)
  }
}
