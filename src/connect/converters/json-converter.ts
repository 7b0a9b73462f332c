// org.apache.kafka.connect.json.JsonConverter. With schemas.enable=true (the default) each message
// is the envelope {"schema":...,"payload":...} in compact JSON, schema keys in Kafka's order
// (type, items/keys/values/fields, optional, name, version, doc, parameters, default, field).
// With schemas.enable=false the bare JSON value. A null schema with a null value is no bytes.
// Schemaless integers decode as numbers, or as bigint beyond 2^53 (where Java would use a Long).
import {DataException, Struct, TIMESTAMP_LOGICAL, isMapValue, schema as makeSchema, type Schema, type SchemaType} from '../data.js'
import type {Converter, SchemaAndValue} from './converter.js'
import {parseJsonExact} from './json-parse.js'

const TO_JSON_TYPE: Record<SchemaType, string> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes', array: 'array', map: 'map', struct: 'struct',
}
const FROM_JSON_TYPE: Record<string, SchemaType> = Object.fromEntries(Object.entries(TO_JSON_TYPE).map(([k, v]) => [v, k as SchemaType]))

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.'

type Json = null | boolean | number | string | Json[] | {[k: string]: Json} | RawNumber

/** An int64 written as a JSON number without going through a double. */
class RawNumber {
  constructor(readonly text: string) {}
}

export function schemaToJson(s: Schema): {[k: string]: Json} {
  const out: {[k: string]: Json} = {type: TO_JSON_TYPE[s.type]}
  if (s.type === 'array') out.items = schemaToJson(s.valueSchema!)
  if (s.type === 'map') {
    out.keys = schemaToJson(s.keySchema!)
    out.values = schemaToJson(s.valueSchema!)
  }
  if (s.type === 'struct') out.fields = s.fields!.map((f) => ({...schemaToJson(f.schema), field: f.name}))
  out.optional = s.optional
  if (s.name !== undefined) out.name = s.name
  if (s.version !== undefined) out.version = s.version
  if (s.doc !== undefined) out.doc = s.doc
  if (s.parameters !== undefined) out.parameters = s.parameters
  if (s.defaultValue !== undefined && s.defaultValue !== null) out.default = valueToJson(s, s.defaultValue)
  return out
}

export function schemaFromJson(j: unknown): Schema | null {
  if (j === null || j === undefined) return null
  if (typeof j !== 'object' || Array.isArray(j)) throw new DataException('Schema must be an object: ' + JSON.stringify(j))
  const o = j as Record<string, unknown>
  const type = FROM_JSON_TYPE[String(o.type)]
  if (!type) throw new DataException('Unknown schema type: ' + String(o.type))
  const s = makeSchema(type, o.optional === true)
  if (typeof o.name === 'string') s.name = o.name
  if (typeof o.version === 'number') s.version = o.version
  if (typeof o.doc === 'string') s.doc = o.doc
  if (o.parameters && typeof o.parameters === 'object') s.parameters = o.parameters as Record<string, string>
  if (type === 'array') s.valueSchema = required(schemaFromJson(o.items), 'Array schema did not specify the element type')
  if (type === 'map') {
    s.keySchema = required(schemaFromJson(o.keys), 'Map schema did not specify the key type')
    s.valueSchema = required(schemaFromJson(o.values), 'Map schema did not specify the value type')
  }
  if (type === 'struct') {
    if (!Array.isArray(o.fields)) throw new DataException('Struct schema\'s "fields" argument is not an array.')
    s.fields = o.fields.map((f: Record<string, unknown>, index: number) => {
      if (typeof f.field !== 'string') throw new DataException('Struct schema\'s field name not specified properly')
      return {name: f.field, index, schema: schemaFromJson(f)!}
    })
  }
  if (o.default !== undefined && o.default !== null) s.defaultValue = valueFromJson(s, o.default)
  return s
}

function required(s: Schema | null, message: string): Schema {
  if (!s) throw new DataException(message)
  return s
}

export function valueToJson(s: Schema | null, v: unknown): Json {
  if (v === null || v === undefined) {
    if (s && !s.optional && s.defaultValue === undefined) throw new DataException('Conversion error: null value for field that is required and has no default value')
    return s?.defaultValue !== undefined ? valueToJson(s, s.defaultValue) : null
  }
  if (s === null) return inferJson(v)
  if (s.name === TIMESTAMP_LOGICAL && v instanceof Date) return new RawNumber(String(v.getTime()))
  switch (s.type) {
    case 'int8': case 'int16': case 'int32': case 'float32': case 'float64':
      return Number(v)
    case 'int64':
      return new RawNumber(String(typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))))
    case 'boolean':
      return Boolean(v)
    case 'string':
      return String(v)
    case 'bytes':
      return (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array)).toString('base64')
    case 'array':
      return (v as unknown[]).map((x) => valueToJson(s.valueSchema!, x))
    case 'map': {
      const entries: [unknown, unknown][] = v instanceof Map ? [...v] : Object.entries(v as object)
      if (s.keySchema!.type === 'string') return Object.fromEntries(entries.map(([k, x]) => [String(k), valueToJson(s.valueSchema!, x)]))
      return entries.map(([k, x]) => [valueToJson(s.keySchema!, k), valueToJson(s.valueSchema!, x)])
    }
    case 'struct': {
      if (!(v instanceof Struct)) throw new DataException('Invalid type for STRUCT: ' + typeof v)
      return Object.fromEntries(s.fields!.map((f) => [f.name, valueToJson(f.schema, v.get(f.name))]))
    }
  }
}

function inferJson(v: unknown): Json {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return new RawNumber(String(v))
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v
  if (Buffer.isBuffer(v)) return v.toString('base64')
  if (Array.isArray(v)) return v.map(inferJson)
  if (v instanceof Struct) return valueToJson(v.schema, v)
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), inferJson(x)]))
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inferJson(x)]))
  throw new DataException('Couldn\'t convert ' + String(v) + ' to JSON.')
}

export function valueFromJson(s: Schema | null, j: unknown): unknown {
  if (j === null || j === undefined) {
    if (s && s.defaultValue !== undefined) return s.defaultValue
    if (s && !s.optional) throw new DataException('Invalid null value for required ' + s.type.toUpperCase() + ' field')
    return null
  }
  if (s === null) return j
  switch (s.type) {
    case 'int8': case 'int16': case 'int32': case 'float32': case 'float64':
      if (typeof j !== 'number') throw new DataException(`Invalid type for ${s.type.toUpperCase()}: ${typeof j}`)
      return j
    case 'int64':
      if (typeof j !== 'number' && typeof j !== 'bigint') throw new DataException(`Invalid type for INT64: ${typeof j}`)
      return BigInt(j)
    case 'boolean':
      if (typeof j !== 'boolean') throw new DataException(`Invalid type for BOOLEAN: ${typeof j}`)
      return j
    case 'string':
      if (typeof j !== 'string') throw new DataException(`Invalid type for STRING: ${typeof j}`)
      return j
    case 'bytes':
      if (typeof j !== 'string') throw new DataException(`Invalid type for BYTES: ${typeof j}`)
      return Buffer.from(j, 'base64')
    case 'array':
      if (!Array.isArray(j)) throw new DataException('Array value is not an array')
      return j.map((x) => valueFromJson(s.valueSchema!, x))
    case 'map': {
      if (s.keySchema!.type === 'string') {
        if (!isMapValue(j)) throw new DataException('Map value is not an object')
        return new Map(Object.entries(j).map(([k, x]) => [k, valueFromJson(s.valueSchema!, x)]))
      }
      if (!Array.isArray(j)) throw new DataException('Maps with non-string fields should be encoded as JSON array of tuples')
      return new Map(j.map((pair: unknown[]) => [valueFromJson(s.keySchema!, pair[0]), valueFromJson(s.valueSchema!, pair[1])]))
    }
    case 'struct': {
      if (!isMapValue(j)) throw new DataException('Struct value is not an object')
      const st = new Struct(s)
      for (const f of s.fields!) st.put(f.name, valueFromJson(f.schema, (j as Record<string, unknown>)[f.name]))
      return st
    }
  }
}

function stringify(j: Json): string {
  if (j instanceof RawNumber) return j.text
  if (j === null || typeof j !== 'object') return JSON.stringify(j)
  if (Array.isArray(j)) return `[${j.map(stringify).join(',')}]`
  return `{${Object.entries(j).map(([k, v]) => `${JSON.stringify(k)}:${stringify(v)}`).join(',')}}`
}

export class JsonConverter implements Converter {
  private schemasEnabled = true

  configure(configs: Record<string, string>): void {
    const v = configs['schemas.enable']
    if (v !== undefined) {
      const t = v.trim().toLowerCase()
      if (t !== 'true' && t !== 'false') throw new DataException(`Invalid value ${v} for configuration schemas.enable: Expected value to be either true or false`)
      this.schemasEnabled = t === 'true'
    }
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null
    const payload = valueToJson(schema, value)
    const json = this.schemasEnabled ? {schema: schema ? schemaToJson(schema) : null, payload} : payload
    return Buffer.from(stringify(json as Json))
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null || bytes.length === 0) return {schema: null, value: null}
    let j: unknown
    try {
      j = parseJsonExact(bytes.toString('utf8'))
    } catch (error) {
      throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ' + (error as Error).message)
    }
    if (!this.schemasEnabled) return {schema: null, value: j}
    if (!isMapValue(j) || Object.keys(j).length !== 2 || !('schema' in j) || !('payload' in j)) throw new DataException(ENVELOPE_ERROR)
    const env = j as {schema: unknown; payload: unknown}
    const s = schemaFromJson(env.schema)
    return {schema: s, value: valueFromJson(s, env.payload)}
  }
}
