// org.apache.kafka.connect.converters.ByteArrayConverter: bytes pass through untouched.
import {DataException, Schemas, type Schema} from '../data.js'
import type {Converter, SchemaAndValue} from './converter.js'

function javaClassName(value: unknown): string {
  if (typeof value === 'string') return 'java.lang.String'
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Integer' : 'java.lang.Double'
  if (typeof value === 'bigint') return 'java.lang.Long'
  if (typeof value === 'boolean') return 'java.lang.Boolean'
  return 'java.lang.Object'
}

export class ByteArrayConverter implements Converter {
  configure(): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'bytes') throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type.toUpperCase()}`)
    if (value === null || value === undefined) return null
    if (!Buffer.isBuffer(value)) throw new DataException(`ByteArrayConverter is not compatible with objects of type ${javaClassName(value)}`)
    return value
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return {schema: Schemas.OPTIONAL_BYTES, value: bytes}
  }
}
