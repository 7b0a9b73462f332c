// kafka-console-producer's settings (reference §3.1): each option-backed producer setting comes
// from the explicit flag, else --producer-property, else --producer.config, else the flag's
// default; --compression-codec always wins (Kafka's quirk), and bootstrap.servers always comes
// from --bootstrap-server/--broker-list.
import {parseKeyValues, type ParsedOptions} from '../../cli/kafka-options.js'
import {loadCommandConfig} from '../../cli/kafka-client.js'
import {ToolError} from '../../cli/kafka-command.js'

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type Codec = typeof CODECS[number]

export interface ProducerSettings {
  brokerList: string
  topic: string
  props: Map<string, string>
  acks: number
  compression: Codec
  batchSize: number
  lingerMs: number
  retries: number
  retryBackoffMs: number
  requestTimeoutMs: number
  maxBlockMs: number
  bufferMemory: number
  metadataMaxAgeMs: number
  idempotent: boolean
  sync: boolean
  readerProps: Map<string, string>
}

// flag → [producer config key, Kafka default]
const FLAG_KEYS: [string, string, string][] = [
  ['request-required-acks', 'acks', '-1'],
  ['batch-size', 'batch.size', '16384'],
  ['max-partition-memory-bytes', 'batch.size', '16384'],
  ['message-send-max-retries', 'retries', '3'],
  ['retry-backoff-ms', 'retry.backoff.ms', '100'],
  ['timeout', 'linger.ms', '1000'],
  ['request-timeout-ms', 'request.timeout.ms', '1500'],
  ['metadata-expiry-ms', 'metadata.max.age.ms', '300000'],
  ['max-block-ms', 'max.block.ms', '60000'],
  ['max-memory-bytes', 'buffer.memory', '33554432'],
  ['socket-buffer-size', 'send.buffer.bytes', '102400'],
]

function num(props: Map<string, string>, key: string): number {
  const v = props.get(key)!.trim()
  if (!/^-?\d+$/.test(v)) throw new ToolError(`Invalid value ${v} for configuration ${key}: Not a number of type ${key === 'acks' ? 'STRING' : 'LONG'}`)
  return Number(v)
}

export function producerSettings(p: ParsedOptions, brokerList: string): ProducerSettings {
  const props = loadCommandConfig(p.str('producer.config'))
  for (const [k, v] of parseKeyValues(p.list('producer-property'))) props.set(k, v)
  for (const [flag, key, dflt] of FLAG_KEYS) {
    const explicit = p.str(flag)
    if (explicit !== undefined) props.set(key, explicit)
    else if (!props.has(key)) props.set(key, dflt)
  }
  // --compression-codec: absent → none, present without a value → gzip; always overrides.
  const codecArg = p.values.get('compression-codec')
  const codec = codecArg === undefined ? 'none' : codecArg === true ? 'gzip' : String(codecArg)
  if (!(CODECS as readonly string[]).includes(codec)) {
    throw new ToolError(`Invalid value ${codec} for configuration compression.type: String must be one of: ${CODECS.join(', ')}`)
  }
  props.set('compression.type', codec)
  props.set('bootstrap.servers', brokerList)
  if (!props.has('client.id')) props.set('client.id', 'console-producer')
  const acksText = props.get('acks')!.trim().toLowerCase()
  const acks = acksText === 'all' ? -1 : Number(acksText)
  if (![-1, 0, 1].includes(acks)) throw new ToolError(`Invalid value ${acksText} for configuration acks: String must be one of: all, -1, 0, 1`)

  const readerProps = loadCommandConfig(p.str('reader-config'))
  for (const [k, v] of parseKeyValues(p.list('property'))) readerProps.set(k, v)

  return {
    brokerList,
    topic: p.str('topic')!,
    props,
    acks,
    compression: codec as Codec,
    batchSize: num(props, 'batch.size'),
    lingerMs: num(props, 'linger.ms'),
    retries: num(props, 'retries'),
    retryBackoffMs: num(props, 'retry.backoff.ms'),
    requestTimeoutMs: num(props, 'request.timeout.ms'),
    maxBlockMs: num(props, 'max.block.ms'),
    bufferMemory: num(props, 'buffer.memory'),
    metadataMaxAgeMs: num(props, 'metadata.max.age.ms'),
    idempotent: (props.get('enable.idempotence') ?? 'false').trim().toLowerCase() === 'true',
    sync: p.has('sync'),
    readerProps,
  }
}
