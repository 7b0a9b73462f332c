// The connector plugin API: what a connector written in JavaScript or TypeScript implements, and
// what the worker gives it. It mirrors Kafka Connect's Java API (Connector, SourceTask, SinkTask,
// ConfigDef) closely enough that a Java connector's logic ports one method at a time.
//
// A plugin is a module in a folder named by the worker's plugin.path. It exports `connectors`,
// an array of ConnectorPlugin (or a default export of one). See examples/connect-plugin/.
import type {ConnectRecord} from './data.js'

export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class'
export type Importance = 'high' | 'medium' | 'low'

export interface ConfigKey {
  type: ConfigType
  /** undefined: required (no default). null: optional with no value. */
  default?: string | number | boolean | null
  importance: Importance
  documentation: string
  /** Returns the reason a (trimmed, non-null) value is invalid, or null when it is fine. */
  validate?: (value: string) => string | null
  group?: string
  displayName?: string
}

export type ConfigDef = Record<string, ConfigKey>

/** Where a source partition's stored offset is read from (Kafka's OffsetStorageReader). */
export interface OffsetStorageReader {
  offset(partition: Record<string, unknown>): Record<string, unknown> | null
}

export interface SourceTaskContext {
  offsetStorageReader: OffsetStorageReader
  /** The worker's logger under the task's name. */
  log: (level: 'INFO' | 'WARN' | 'ERROR', message: string) => void
}

export interface SinkTaskContext {
  log: (level: 'INFO' | 'WARN' | 'ERROR', message: string) => void
}

/** A source task: poll() returns records (with sourcePartition/sourceOffset) or null/[] for none yet. */
export interface SourceTask {
  start(config: Record<string, string>, context: SourceTaskContext): void | Promise<void>
  poll(): Promise<ConnectRecord[] | null>
  /** Called after the records' offsets are flushed. */
  commit?(): void | Promise<void>
  stop(): void | Promise<void>
}

/** A sink task: put() receives converted records; flush() makes them durable before offsets commit. */
export interface SinkTask {
  start(config: Record<string, string>, context: SinkTaskContext): void | Promise<void>
  put(records: ConnectRecord[]): void | Promise<void>
  flush(): void | Promise<void>
  stop(): void | Promise<void>
}

export interface Connector {
  start(config: Record<string, string>): void | Promise<void>
  /** One config per task, at most maxTasks of them. */
  taskConfigs(maxTasks: number): Record<string, string>[]
  createTask(): SourceTask | SinkTask
  stop(): void | Promise<void>
  /**
   * Source connectors that support altering offsets (REST PATCH/DELETE .../offsets) check them
   * here and throw with the reason when they cannot be applied.
   */
  alterOffsets?(config: Record<string, string>, offsets: Map<Record<string, unknown>, Record<string, unknown> | null>): void
}

export interface ConnectorPlugin {
  /** The class name configs refer to, e.g. com.example.SequenceSourceConnector. */
  className: string
  type: 'source' | 'sink'
  version: string
  configDef: ConfigDef
  create(): Connector
}

/** Validation results for one key, as the REST validate endpoint reports them. */
export interface ConfigValueResult {
  name: string
  value: string | null
  errors: string[]
}

/** Checks a config against a ConfigDef the way Kafka's ConfigDef.validate does. */
export function validateConfig(def: ConfigDef, config: Record<string, string>): ConfigValueResult[] {
  const results: ConfigValueResult[] = []
  for (const [name, key] of Object.entries(def)) {
    const given = config[name]
    const value = given === undefined ? (key.default === undefined || key.default === null ? null : String(key.default)) : given
    const errors: string[] = []
    if (value === null) {
      if (key.default === undefined) errors.push(`Missing required configuration "${name}" which has no default value.`)
    } else {
      const trimmed = key.type === 'password' ? value : value.trim()
      const typeError = checkType(key.type, trimmed)
      if (typeError) errors.push(`Invalid value ${value} for configuration ${name}: ${typeError}`)
      else if (key.validate) {
        const reason = key.validate(trimmed)
        if (reason) errors.push(`Invalid value ${trimmed} for configuration ${name}: ${reason}`)
      }
    }
    results.push({name, value: given ?? (value === null ? null : value), errors})
  }
  return results
}

function checkType(type: ConfigType, v: string): string | null {
  switch (type) {
    case 'int':
      return /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 31 ? null : 'Not a number of type INT'
    case 'long':
      return /^-?\d+$/.test(v) ? null : 'Not a number of type LONG'
    case 'double':
      return v !== '' && !Number.isNaN(Number(v)) ? null : 'Not a number of type DOUBLE'
    case 'boolean':
      return v.toLowerCase() === 'true' || v.toLowerCase() === 'false' ? null : 'Expected value to be either true or false'
    default:
      return null
  }
}

export const nonEmptyString = (v: string): string | null => (v === '' ? 'String must be non-empty' : null)
