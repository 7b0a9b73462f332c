// Converters by the class names a worker or connector config names them.
import {ByteArrayConverter} from './byte-array-converter.js'
import type {Converter} from './converter.js'
import {JsonConverter} from './json-converter.js'
import {StringConverter} from './string-converter.js'

const CONVERTERS: Record<string, () => Converter> = {
  'org.apache.kafka.connect.storage.StringConverter': () => new StringConverter(),
  'org.apache.kafka.connect.json.JsonConverter': () => new JsonConverter(),
  'org.apache.kafka.connect.converters.ByteArrayConverter': () => new ByteArrayConverter(),
}

export const CONVERTER_CLASSES = Object.keys(CONVERTERS)

/** Creates a converter by class name (full or simple) and configures it from prefixed keys. */
export function createConverter(className: string, prefix: string, configs: Record<string, string>, isKey: boolean): Converter {
  const full = CONVERTER_CLASSES.find((c) => c === className || c.endsWith('.' + className))
  if (!full) throw new Error(`Class ${className} could not be found.`)
  const converter = CONVERTERS[full]!()
  const own: Record<string, string> = {}
  for (const [k, v] of Object.entries(configs)) if (k.startsWith(prefix + '.')) own[k.slice(prefix.length + 1)] = v
  converter.configure(own, isKey)
  return converter
}

export type {Converter, SchemaAndValue} from './converter.js'
