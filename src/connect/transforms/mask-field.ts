// org.apache.kafka.connect.transforms.MaskField$Key / $Value: replaces the named fields with the
// type's empty value (0, false, "", empty bytes/array/map) or with `replacement` when given.
import {Struct, type ConnectRecord, type SchemaType} from '../data.js'
import {invalid, listConfig, mapEntries, operandSchema, operandValue, requireConfig, requireStructOrMap, withOperand, type Operand, type Transformation} from './transformation.js'

function emptyValueOf(type: SchemaType | null, value: unknown): unknown {
  if (type === 'int64' || typeof value === 'bigint') return 0n
  if (type === 'int8' || type === 'int16' || type === 'int32' || type === 'float32' || type === 'float64' || typeof value === 'number') return 0
  if (type === 'boolean' || typeof value === 'boolean') return false
  if (type === 'string' || typeof value === 'string') return ''
  if (type === 'bytes' || Buffer.isBuffer(value)) return Buffer.alloc(0)
  if (type === 'array' || Array.isArray(value)) return []
  if (type === 'map' || value instanceof Map) return new Map()
  throw new Error(`Cannot mask value of type ${type ?? typeof value}`)
}

function replacementOf(type: SchemaType | null, value: unknown, replacement: string): unknown {
  const t = type ?? (typeof value === 'bigint' ? 'int64' : typeof value === 'number' ? 'float64' : typeof value === 'string' ? 'string' : null)
  switch (t) {
    case 'string': return replacement
    case 'int8': case 'int16': case 'int32': return parseInt(replacement, 10)
    case 'int64': return BigInt(replacement)
    case 'float32': case 'float64': return Number(replacement)
    default: throw new Error(`Cannot mask value of type ${t} with custom replacement`)
  }
}

export class MaskField implements Transformation {
  private fields = new Set<string>()
  private replacement: string | undefined

  constructor(private readonly which: Operand) {}

  configure(props: Record<string, string>): void {
    requireConfig(props, 'fields')
    this.fields = new Set(listConfig(props, 'fields'))
    if (this.fields.size === 0) throw invalid(props.fields, 'fields', 'Empty list')
    this.replacement = props.replacement
    if (this.replacement === '') throw invalid('', 'replacement', 'String must be non-empty')
  }

  private mask(type: SchemaType | null, value: unknown): unknown {
    if (value === null || value === undefined) return value ?? null
    return this.replacement === undefined ? emptyValueOf(type, value) : replacementOf(type, value, this.replacement)
  }

  apply(r: ConnectRecord): ConnectRecord | null {
    const s = operandSchema(r, this.which)
    const v = operandValue(r, this.which)
    if (v === null) return r
    requireStructOrMap(this.which, 'masking fields', s, v)
    if (s === null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of mapEntries(v)) out[k] = this.fields.has(k) ? this.mask(null, x) : x
      return withOperand(r, this.which, null, out)
    }
    const out = new Struct(s)
    for (const f of s.fields!) {
      const x = (v as Struct).get(f.name)
      out.put(f.name, this.fields.has(f.name) ? this.mask(f.schema.type, x) : x)
    }
    return withOperand(r, this.which, s, out)
  }
}
