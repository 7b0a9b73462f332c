// The converter interface of Kafka Connect: Connect data <-> the bytes stored in Kafka.
import type {Schema} from '../data.js'

export interface SchemaAndValue {
  schema: Schema | null
  value: unknown
}

export interface Converter {
  /** Configured with the worker's or connector's `key.converter.*` / `value.converter.*` keys, prefix removed. */
  configure(configs: Record<string, string>, isKey: boolean): void
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue
}
