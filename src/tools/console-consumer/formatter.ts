// kafka-console-consumer's message formatters (reference §4.3). DefaultMessageFormatter writes,
// in this fixed order and each only when enabled: timestamp, partition, offset, headers, key,
// value; a field is followed by key.separator when another enabled field follows, else by
// line.separator. Bytes are written raw. Output is produced as Buffer pieces so that a whole
// fetch can go to stdout in one write.

export interface ConsumedRecord {
  topic: string
  partition: number
  /** Numbers, not bigint: offsets and timestamps stay far below 2^53, and this is the hot path. */
  offset: number
  /** -1 with timestampType 'NO_TIMESTAMP' (magic 0 records). */
  timestamp: number
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NO_TIMESTAMP'
  key: Buffer | null
  value: Buffer | null
  headers: {key: string; value: Buffer | null}[]
}

export interface MessageFormatter {
  /** Appends the output for one record to `out`. Throws FormatError on a deserializer error. */
  format(r: ConsumedRecord, out: Buffer[]): void
}

export class FormatError extends Error {
  override name = 'SerializationException'
}

type Deserializer = (data: Buffer) => string

const HEX = '0123456789ABCDEF'

/** org.apache.kafka.common.utils.Bytes.toString: printable ASCII as is, the rest as \xNN. */
export function escapeBytes(b: Buffer): string {
  let s = ''
  for (const ch of b) s += ch >= 0x20 && ch <= 0x7e && ch !== 0x5c ? String.fromCharCode(ch) : `\\x${HEX[ch >> 4]}${HEX[ch & 15]}`
  return s
}

function fixed(name: string, size: number, read: (b: Buffer) => string): Deserializer {
  return (b) => {
    if (b.length !== size) throw new FormatError(`Size of data received by ${name} is not ${size}`)
    return read(b)
  }
}

function uuidString(b: Buffer): string {
  const s = b.toString('utf8')
  if (!/^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/.test(s)) {
    throw new FormatError('Error deserializing UUID. UUID string doesn\'t follow the format.')
  }
  return s.toLowerCase()
}

/** Java's Double/Float.toString for the common cases (integral values keep ".0"). */
function javaFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity'
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return `${v}.0`
  return String(v)
}

const DESERIALIZERS: Record<string, Deserializer | null> = {
  StringDeserializer: (b) => b.toString('utf8'),
  // Kafka prints a byte[]'s identity ("[B@1b2c3d"); raw bytes are what anyone wants to see.
  ByteArrayDeserializer: null,
  ByteBufferDeserializer: null,
  BytesDeserializer: escapeBytes,
  LongDeserializer: fixed('LongDeserializer', 8, (b) => b.readBigInt64BE(0).toString()),
  IntegerDeserializer: fixed('IntegerDeserializer', 4, (b) => String(b.readInt32BE(0))),
  ShortDeserializer: fixed('ShortDeserializer', 2, (b) => String(b.readInt16BE(0))),
  DoubleDeserializer: fixed('DoubleDeserializer', 8, (b) => javaFloat(b.readDoubleBE(0))),
  FloatDeserializer: fixed('FloatDeserializer', 4, (b) => javaFloat(b.readFloatBE(0))),
  UUIDDeserializer: uuidString,
  VoidDeserializer: (b) => {
    if (b.length !== 0) throw new FormatError('Data should be null for a VoidDeserializer.')
    return 'null'
  },
}

/** Resolves a deserializer class name (fully qualified or simple); undefined = raw bytes. */
export function deserializer(className: string | undefined): Deserializer | undefined {
  if (!className) return undefined
  const simple = className.trim().split('.').pop()!
  if (!(simple in DESERIALIZERS)) throw new Error(`Class ${className.trim()} cannot be found`)
  return DESERIALIZERS[simple] ?? undefined
}

const truthy = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v.trim().toLowerCase() === 'true')

export class DefaultMessageFormatter implements MessageFormatter {
  private readonly printTimestamp: boolean
  private readonly printPartition: boolean
  private readonly printOffset: boolean
  private readonly printHeaders: boolean
  private readonly printKey: boolean
  private readonly printValue: boolean
  private readonly keySeparator: Buffer
  private readonly lineSeparator: Buffer
  private readonly headersSeparator: Buffer
  private readonly nullLiteral: Buffer
  private readonly keyDeser?: Deserializer
  private readonly valueDeser?: Deserializer
  private readonly headersDeser?: Deserializer

  constructor(props: Map<string, string>) {
    this.printTimestamp = truthy(props.get('print.timestamp'), false)
    this.printPartition = truthy(props.get('print.partition'), false)
    this.printOffset = truthy(props.get('print.offset'), false)
    this.printHeaders = truthy(props.get('print.headers'), false)
    this.printKey = truthy(props.get('print.key'), false)
    this.printValue = truthy(props.get('print.value'), true)
    this.keySeparator = Buffer.from(props.get('key.separator') ?? '\t')
    this.lineSeparator = Buffer.from(props.get('line.separator') ?? '\n')
    this.headersSeparator = Buffer.from(props.get('headers.separator') ?? ',')
    this.nullLiteral = Buffer.from(props.get('null.literal') ?? 'null')
    this.keyDeser = deserializer(props.get('key.deserializer'))
    this.valueDeser = deserializer(props.get('value.deserializer'))
    this.headersDeser = deserializer(props.get('headers.deserializer'))
  }

  private bytes(data: Buffer | null, deser: Deserializer | undefined): Buffer {
    // Kafka hands the null literal's bytes to the deserializer when the data is null.
    const nonNull = data ?? this.nullLiteral
    return deser ? Buffer.from(deser(nonNull)) : nonNull
  }

  format(r: ConsumedRecord, out: Buffer[]): void {
    const fields: (() => void)[] = []
    if (this.printTimestamp) {
      fields.push(() => out.push(Buffer.from(r.timestampType === 'NO_TIMESTAMP' ? 'NO_TIMESTAMP' : `${r.timestampType}:${r.timestamp}`)))
    }
    if (this.printPartition) fields.push(() => out.push(Buffer.from(`Partition:${r.partition}`)))
    if (this.printOffset) fields.push(() => out.push(Buffer.from(`Offset:${r.offset}`)))
    if (this.printHeaders) {
      fields.push(() => {
        if (r.headers.length === 0) return void out.push(Buffer.from('NO_HEADERS'))
        r.headers.forEach((h, i) => {
          out.push(Buffer.from(`${h.key}:`), this.bytes(h.value, this.headersDeser))
          if (i < r.headers.length - 1) out.push(this.headersSeparator)
        })
      })
    }
    if (this.printKey) fields.push(() => out.push(this.bytes(r.key, this.keyDeser)))
    if (this.printValue) fields.push(() => out.push(this.bytes(r.value, this.valueDeser)))
    for (let i = 0; i < fields.length; i++) {
      fields[i]!()
      out.push(i < fields.length - 1 ? this.keySeparator : this.lineSeparator)
    }
  }
}

/** The fast path of the default settings: the value and a newline. */
export class ValueOnlyFormatter implements MessageFormatter {
  private static readonly NL = Buffer.from('\n')
  private static readonly NULL = Buffer.from('null')
  format(r: ConsumedRecord, out: Buffer[]): void {
    out.push(r.value ?? ValueOnlyFormatter.NULL, ValueOnlyFormatter.NL)
  }
}

export class NoOpMessageFormatter implements MessageFormatter {
  format(): void {}
}

const FORMATTERS = new Set([
  'kafka.tools.DefaultMessageFormatter', 'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
  'kafka.tools.LoggingMessageFormatter', 'org.apache.kafka.tools.consumer.LoggingMessageFormatter',
  'kafka.tools.NoOpMessageFormatter', 'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
])

/** Builds the formatter named by --formatter with its properties. */
export function createFormatter(className: string, props: Map<string, string>): MessageFormatter {
  if (!FORMATTERS.has(className)) throw new Error(`Class ${className} cannot be found`)
  if (className.endsWith('NoOpMessageFormatter')) return new NoOpMessageFormatter()
  // LoggingMessageFormatter also logs each record at INFO, which Kafka's tools logging hides.
  const plainKeys = [...props.keys()].filter((k) => !['print.value'].includes(k) || props.get(k)!.trim().toLowerCase() !== 'true')
  if (plainKeys.length === 0) return new ValueOnlyFormatter()
  return new DefaultMessageFormatter(props)
}
