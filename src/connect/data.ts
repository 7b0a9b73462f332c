// Kafka Connect's data model: schemas, structs and records, as converters and transforms see them.
// Values follow Connect's Java types: int8..int32 and float32/float64 are numbers, int64 is a
// bigint (a number is accepted on input), bytes are Buffers, maps are Map or plain objects
// (schemaless JSON), structs are Struct.

export type SchemaType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes'
  | 'array' | 'map' | 'struct'

export interface Field {
  name: string
  index: number
  schema: Schema
}

export interface Schema {
  type: SchemaType
  optional: boolean
  name?: string
  version?: number
  doc?: string
  parameters?: Record<string, string>
  defaultValue?: unknown
  valueSchema?: Schema // array items, map values
  keySchema?: Schema // map keys
  fields?: Field[] // struct
}

export function schema(type: SchemaType, optional = false, extra: Partial<Schema> = {}): Schema {
  return {type, optional, ...extra}
}

export const Schemas = {
  STRING: schema('string'),
  OPTIONAL_STRING: schema('string', true),
  BYTES: schema('bytes'),
  OPTIONAL_BYTES: schema('bytes', true),
  INT32: schema('int32'),
  OPTIONAL_INT32: schema('int32', true),
  INT64: schema('int64'),
  OPTIONAL_INT64: schema('int64', true),
} as const

/** Connect's logical Timestamp type: an int64 of epoch milliseconds. */
export const TIMESTAMP_LOGICAL = 'org.apache.kafka.connect.data.Timestamp'

export function structSchema(fields: {name: string; schema: Schema}[], optional = false, name?: string): Schema {
  return {type: 'struct', optional, name, fields: fields.map((f, index) => ({name: f.name, index, schema: f.schema}))}
}

export class DataException extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DataException'
  }
}

export class Struct {
  private readonly values: unknown[]

  constructor(readonly schema: Schema) {
    if (schema.type !== 'struct') throw new DataException('Not a struct schema: ' + schema.type)
    this.values = new Array(schema.fields!.length).fill(null)
  }

  field(name: string): Field {
    const f = this.schema.fields!.find((x) => x.name === name)
    if (!f) throw new DataException(`${name} is not a valid field name`)
    return f
  }

  get(name: string): unknown {
    const f = this.field(name)
    const v = this.values[f.index]
    return v === null && f.schema.defaultValue !== undefined ? f.schema.defaultValue : v
  }

  put(name: string, value: unknown): this {
    this.values[this.field(name).index] = value
    return this
  }

  /** Java's Struct.toString(): `Struct{a=1,b=x}`, null fields left out. */
  toString(): string {
    const parts: string[] = []
    for (const f of this.schema.fields!) {
      const v = this.values[f.index]
      if (v !== null && v !== undefined) parts.push(`${f.name}=${connectToString(v)}`)
    }
    return `Struct{${parts.join(',')}}`
  }
}

export interface ConnectHeader {
  key: string
  schema: Schema | null
  value: unknown
}

export interface ConnectRecord {
  topic: string
  kafkaPartition: number | null
  keySchema: Schema | null
  key: unknown
  valueSchema: Schema | null
  value: unknown
  timestamp: number | null
  headers: ConnectHeader[]
  /** Source records: where the record came from and how far the source has read. */
  sourcePartition?: Record<string, unknown>
  sourceOffset?: Record<string, unknown>
  /** Sink records: the Kafka offset the record was read at. */
  kafkaOffset?: bigint
}

/** Returns a copy of the record with some fields replaced (Java's ConnectRecord.newRecord). */
export function newRecord(r: ConnectRecord, changes: Partial<ConnectRecord>): ConnectRecord {
  return {...r, ...changes}
}

function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h >>> 0
}

/**
 * The string form Java gives a Connect value (String.valueOf): what FileStreamSink writes.
 * A map prints as `{k=v, k2=v2}`, a struct as `Struct{...}`, a byte[] as a JVM identity string.
 */
export function connectToString(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : javaDouble(v)
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  if (Buffer.isBuffer(v)) return `[B@${javaHash(v.toString('latin1')).toString(16)}`
  if (v instanceof Struct) return v.toString()
  if (Array.isArray(v)) return `[${v.map(connectToString).join(', ')}]`
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${connectToString(k)}=${connectToString(x)}`).join(', ')}}`
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${connectToString(x)}`).join(', ')}}`
  return String(v)
}

function javaDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  const s = String(v)
  return s.includes('e') ? s.replace('e+', 'E').replace('e', 'E') : s
}

/** Reads a field from a schemaless map value (plain object or Map). */
export function mapGet(value: unknown, key: string): unknown {
  if (value instanceof Map) return value.get(key)
  if (value !== null && typeof value === 'object') return (value as Record<string, unknown>)[key]
  return undefined
}

export function isMapValue(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || (value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Struct))
}
