// Connector config validation: the keys every connector has (name, connector.class, tasks.max,
// converters, transforms, errors.*; topics/topics.regex for sinks) plus the plugin's own ConfigDef,
// reported in the ConfigInfos shape of PUT /connector-plugins/{plugin}/config/validate.
import {createConverter} from './converters/index.js'
import {validateConfig, type ConfigDef, type ConfigKey, type ConnectorPlugin} from './plugin-api.js'
import {buildTransformChain} from './transforms/index.js'

const COMMON: ConfigDef = {
  name: {type: 'string', importance: 'high', documentation: 'Globally unique name to use for this connector.', group: 'Common', validate: (v) => (v === '' ? 'String must be non-empty' : null)},
  'connector.class': {type: 'string', importance: 'high', documentation: 'Name or alias of the class for this connector.', group: 'Common'},
  'tasks.max': {type: 'int', default: 1, importance: 'high', documentation: 'Maximum number of tasks to use for this connector.', group: 'Common', validate: (v) => (Number(v) < 1 ? 'Value must be at least 1' : null)},
  'key.converter': {type: 'class', default: null, importance: 'low', documentation: 'Converter class for keys; overrides the worker\'s.', group: 'Common'},
  'value.converter': {type: 'class', default: null, importance: 'low', documentation: 'Converter class for values; overrides the worker\'s.', group: 'Common'},
  'header.converter': {type: 'class', default: null, importance: 'low', documentation: 'Converter class for headers.', group: 'Common'},
  transforms: {type: 'list', default: '', importance: 'low', documentation: 'Aliases for the transformations to apply to records.', group: 'Transforms'},
  predicates: {type: 'list', default: '', importance: 'low', documentation: 'Aliases for the predicates used by transformations.', group: 'Predicates'},
  'errors.tolerance': {type: 'string', default: 'none', importance: 'medium', documentation: 'none: an error fails the task; all: problematic records are skipped.', group: 'Error Handling', validate: (v) => (v === 'none' || v === 'all' ? null : 'String must be one of: none, all')},
  'errors.log.enable': {type: 'boolean', default: false, importance: 'medium', documentation: 'Log each error and the failed operation.', group: 'Error Handling'},
  'errors.log.include.messages': {type: 'boolean', default: false, importance: 'medium', documentation: 'Include the failed record in the error log.', group: 'Error Handling'},
}

const SINK: ConfigDef = {
  topics: {type: 'list', default: '', importance: 'high', documentation: 'List of topics to consume, separated by commas.', group: 'Common'},
  'topics.regex': {type: 'string', default: '', importance: 'high', documentation: 'Regular expression giving topics to consume.', group: 'Common'},
}

export interface ConfigInfos {
  name: string
  error_count: number
  groups: string[]
  configs: {
    definition: {name: string; type: string; required: boolean; default_value: string | null; importance: string; documentation: string; group: string | null; width: string; display_name: string; dependents: string[]; order: number}
    value: {name: string; value: string | null; recommended_values: string[]; errors: string[]; visible: boolean}
  }[]
}

function definition(name: string, key: ConfigKey, order: number): ConfigInfos['configs'][number]['definition'] {
  return {
    name, type: key.type.toUpperCase(), required: key.default === undefined,
    default_value: key.default === undefined || key.default === null ? null : String(key.default),
    importance: key.importance.toUpperCase(), documentation: key.documentation, group: key.group ?? null,
    width: 'NONE', display_name: key.displayName ?? name, dependents: [], order,
  }
}

/** Validates a connector config; errors are per key, as Kafka reports them. */
export function validateConnectorConfig(plugin: ConnectorPlugin | undefined, config: Record<string, string>): ConfigInfos {
  const def: ConfigDef = {...COMMON, ...(plugin?.type === 'sink' ? SINK : {}), ...(plugin?.configDef ?? {})}
  const results = validateConfig(def, config)
  const byName = new Map(results.map((r) => [r.name, r]))
  if (plugin?.type === 'sink') {
    const hasTopics = !!config.topics?.trim()
    const hasRegex = !!config['topics.regex']?.trim()
    if (hasTopics === hasRegex) {
      const msg = hasTopics ? 'topics and topics.regex are mutually exclusive options, but both are set.' : 'Must configure one of topics or topics.regex'
      byName.get('topics')!.errors.push(msg)
      byName.get('topics.regex')!.errors.push(msg)
    }
    if (hasRegex) {
      try {
        new RegExp(config['topics.regex']!)
      } catch (error) {
        byName.get('topics.regex')!.errors.push(`Invalid value ${config['topics.regex']} for configuration topics.regex: ${(error as Error).message}`)
      }
    }
  }
  for (const which of ['key.converter', 'value.converter'] as const) {
    if (config[which]?.trim()) {
      try {
        createConverter(config[which]!.trim(), which, config, which === 'key.converter')
      } catch (error) {
        byName.get(which)!.errors.push(`Invalid value ${config[which]} for configuration ${which}: ${(error as Error).message}`)
      }
    }
  }
  try {
    buildTransformChain(config)
  } catch (error) {
    byName.get('transforms')!.errors.push((error as Error).message)
  }
  const entries = Object.entries(def)
  return {
    name: plugin?.className ?? config['connector.class'] ?? '',
    error_count: results.reduce((n, r) => n + r.errors.length, 0),
    groups: [...new Set(entries.map(([, k]) => k.group ?? 'Common'))],
    configs: entries.map(([name, key], i) => ({
      definition: definition(name, key, i + 1),
      value: {name, value: byName.get(name)!.value, recommended_values: [], errors: byName.get(name)!.errors, visible: true},
    })),
  }
}

/** The message Kafka gives when a connector is created with an invalid config. */
export function invalidConfigMessage(infos: ConfigInfos): string {
  const errors = infos.configs.flatMap((c) => c.value.errors)
  return `Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}\n` +
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`'
}
