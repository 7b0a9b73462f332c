// Connector configs from the command line: a JSON object of configs, a JSON create request
// {"name", "config", "initial_state"}, or a Java properties file, tried in that order (Kafka 3.7).
import {readFileSync} from 'node:fs'
import {parseProperties} from '../common/properties.js'

export type TargetState = 'RUNNING' | 'PAUSED' | 'STOPPED'

export interface ConnectorRequest {
  name: string
  config: Record<string, string>
  initialState: TargetState
}

const stringify = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]))

export function readConnectorFile(file: string): ConnectorRequest {
  const text = readFileSync(file, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>
    if (o.config && typeof o.config === 'object') {
      const config = stringify(o.config as Record<string, unknown>)
      const name = typeof o.name === 'string' ? o.name : config.name
      if (!name) throw new Error(`Connector configuration at '${file}' is missing the mandatory 'name' configuration`)
      if (config.name !== undefined && config.name !== name) throw new Error(`Connector name configuration in 'config' doesn't match the one specified in 'name' at '${file}'`)
      const state = String(o.initial_state ?? 'RUNNING').toUpperCase()
      if (state !== 'RUNNING' && state !== 'PAUSED' && state !== 'STOPPED') throw new Error(`Invalid initial_state ${state} at '${file}'`)
      return {name, config: {...config, name}, initialState: state}
    }
    const config = stringify(o)
    if (!config.name) throw new Error(`Connector configuration at '${file}' is missing the mandatory 'name' configuration`)
    return {name: config.name, config, initialState: 'RUNNING'}
  }
  const config = Object.fromEntries(parseProperties(text, file))
  if (!config.name) throw new Error(`Connector configuration at '${file}' is missing the mandatory 'name' configuration`)
  return {name: config.name, config, initialState: 'RUNNING'}
}
