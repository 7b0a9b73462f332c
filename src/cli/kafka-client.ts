// Client settings shared by the tools: the bootstrap list, Kafka's client property names mapped
// onto what kafkajs and ktool's own admin connection understand, and a kafkajs factory that
// stays silent (the tools print errors in Kafka's words themselves).
import {readPropertiesFile} from '../common/properties.js'
import {ToolError} from './kafka-command.js'

export interface ClientSettings {
  brokers: string[]
  clientId: string
  /** request.timeout.ms: also bounds how long an unreachable bootstrap server is tried. */
  requestTimeoutMs: number
  connectionTimeoutMs: number
  ssl?: boolean
  sasl?: {mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string}
  props: Map<string, string>
}

/** Splits and checks `host:port[,host:port]` as Kafka's ToolsUtils.validatePortOrDie does. */
export function parseBrokerList(list: string): string[] {
  const brokers = list.split(',').map((s) => s.trim()).filter(Boolean)
  for (const b of brokers) {
    const colon = b.lastIndexOf(':')
    if (colon <= 0 || !/^\d+$/.test(b.slice(colon + 1))) {
      throw new ToolError('Please provide valid host:port like host1:9091,host2:9092\n ')
    }
  }
  return brokers
}

export function loadCommandConfig(file: string | undefined): Map<string, string> {
  if (!file) return new Map()
  try {
    return readPropertiesFile(file)
  } catch (error) {
    throw new ToolError(`${(error as Error).message}`)
  }
}

function jaasCredentials(jaas: string | undefined): {username: string; password: string} | undefined {
  if (!jaas) return undefined
  const user = /username\s*=\s*"([^"]*)"/.exec(jaas)
  const pass = /password\s*=\s*"([^"]*)"/.exec(jaas)
  return user && pass ? {username: user[1]!, password: pass[1]!} : undefined
}

export function clientSettings(brokerList: string, props: Map<string, string>, defaults: {clientId: string; requestTimeoutMs?: number}): ClientSettings {
  const brokers = parseBrokerList(brokerList)
  const num = (key: string, dflt: number): number => {
    const v = props.get(key)
    return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : dflt
  }
  const protocol = (props.get('security.protocol') ?? 'PLAINTEXT').toUpperCase()
  const settings: ClientSettings = {
    brokers,
    clientId: props.get('client.id') ?? defaults.clientId,
    requestTimeoutMs: num('request.timeout.ms', defaults.requestTimeoutMs ?? 30_000),
    connectionTimeoutMs: num('socket.connection.setup.timeout.ms', 10_000),
    props,
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') settings.ssl = true
  if (protocol.startsWith('SASL')) {
    const mech = (props.get('sasl.mechanism') ?? 'GSSAPI').toLowerCase()
    const creds = jaasCredentials(props.get('sasl.jaas.config'))
    if ((mech === 'plain' || mech === 'scram-sha-256' || mech === 'scram-sha-512') && creds) {
      settings.sasl = {mechanism: mech, ...creds}
    } else {
      throw new ToolError(`Unsupported SASL configuration: sasl.mechanism=${mech} (ktool supports PLAIN and SCRAM with sasl.jaas.config)`)
    }
  }
  return settings
}

/** A kafkajs client with Kafka's timeouts, few retries (fail fast, not hang) and no logging. */
export async function createKafkajs(s: ClientSettings, opts: {retries?: number} = {}) {
  const {default: kafkajs} = await import('kafkajs')
  const {registerCodecs} = await import('./kafka-codecs.js')
  await registerCodecs()
  return new kafkajs.Kafka({
    clientId: s.clientId,
    brokers: s.brokers,
    ssl: s.ssl,
    sasl: s.sasl as never,
    connectionTimeout: Math.min(s.connectionTimeoutMs, s.requestTimeoutMs),
    requestTimeout: s.requestTimeoutMs,
    retry: {retries: opts.retries ?? 2, initialRetryTime: 100, maxRetryTime: 1000},
    logLevel: kafkajs.logLevel.NOTHING,
  })
}
