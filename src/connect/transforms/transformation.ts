// Single Message Transforms: the interface, and the Key/Value operand plumbing that Kafka's
// `$Key` and `$Value` variants share.
import {newRecord, type ConnectRecord, type Schema} from '../data.js'

export interface Transformation {
  configure(props: Record<string, string>): void
  /** Returns the transformed record, or null to drop it. */
  apply(record: ConnectRecord): ConnectRecord | null
}

export interface Predicate {
  configure(props: Record<string, string>): void
  test(record: ConnectRecord): boolean
}

export class ConfigException extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigException'
  }
}

export function invalid(value: unknown, key: string, reason: string): ConfigException {
  return new ConfigException(`Invalid value ${value} for configuration ${key}: ${reason}`)
}

export function requireConfig(props: Record<string, string>, key: string): string {
  const v = props[key]
  if (v === undefined) throw new ConfigException(`Missing required configuration "${key}" which has no default value.`)
  return v
}

export function listConfig(props: Record<string, string>, key: string): string[] {
  return (props[key] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}

export type Operand = 'key' | 'value'

export function operandSchema(r: ConnectRecord, which: Operand): Schema | null {
  return which === 'key' ? r.keySchema : r.valueSchema
}

export function operandValue(r: ConnectRecord, which: Operand): unknown {
  return which === 'key' ? r.key : r.value
}

export function withOperand(r: ConnectRecord, which: Operand, schema: Schema | null, value: unknown): ConnectRecord {
  return which === 'key' ? newRecord(r, {keySchema: schema, key: value}) : newRecord(r, {valueSchema: schema, value})
}

/** Kafka's transforms check the operand is a struct (with a schema) or a map (schemaless). */
export function requireStructOrMap(which: Operand, purpose: string, schema: Schema | null, value: unknown): void {
  if (schema !== null && schema.type !== 'struct') throw new Error(`Only Struct objects supported for [${purpose}], found: ${schema.type}`)
  if (schema === null && value !== null && (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value))) {
    throw new Error(`Only Map objects supported in absence of schema for [${purpose}], found: ${typeof value}`)
  }
  void which
}

/** A schemaless map value as a plain object copy (Map or object in, object out). */
export function mapEntries(value: unknown): [string, unknown][] {
  if (value instanceof Map) return [...value].map(([k, v]) => [String(k), v])
  return Object.entries((value ?? {}) as Record<string, unknown>)
}
