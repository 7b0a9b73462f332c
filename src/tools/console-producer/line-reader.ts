// kafka-console-producer's LineMessageReader (3.7, reference §3.2): one input line becomes one
// record, `<headers><headers.delimiter><key><key.separator><value>`, each part optional by
// property. Plain lines (neither parse.key nor parse.headers) take the fast path: the value is the
// line's bytes, sliced out of the input chunk without decoding.

import type {LineSpans} from './plain-batch.js'

export interface ReaderConfig {
  parseKey: boolean
  keySeparator: string
  parseHeaders: boolean
  headersDelimiter: string
  headersSeparator: string
  headersKeySeparator: string
  nullMarker: string | undefined
  ignoreError: boolean
}

export interface ProducerRecord {
  key: Buffer | null
  value: Buffer | null
  headers?: {key: string; value: Buffer | null}[]
}

/** A bad line or configuration: Kafka's KafkaException text. */
export class LineReaderError extends Error {
  override name = 'LineReaderError'
}

const truthy = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === 'true'

export function readerConfig(props: Map<string, string>): ReaderConfig {
  const c: ReaderConfig = {
    parseKey: truthy(props.get('parse.key')),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: truthy(props.get('parse.headers')),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    nullMarker: props.get('null.marker'),
    ignoreError: truthy(props.get('ignore.error')),
  }
  const differ = (a: string, av: string | undefined, b: string, bv: string | undefined) => {
    if (av !== undefined && av === bv) throw new LineReaderError(`${a} and ${b} may not be equal`)
  }
  if (c.parseHeaders) {
    differ('headers.delimiter', c.headersDelimiter, 'headers.separator', c.headersSeparator)
    differ('headers.delimiter', c.headersDelimiter, 'headers.key.separator', c.headersKeySeparator)
    differ('headers.separator', c.headersSeparator, 'headers.key.separator', c.headersKeySeparator)
  }
  if (c.nullMarker !== undefined) {
    if (c.parseKey) differ('null.marker', c.nullMarker, 'key.separator', c.keySeparator)
    if (c.parseHeaders) {
      differ('null.marker', c.nullMarker, 'headers.separator', c.headersSeparator)
      differ('null.marker', c.nullMarker, 'headers.delimiter', c.headersDelimiter)
      differ('null.marker', c.nullMarker, 'headers.key.separator', c.headersKeySeparator)
    }
  }
  return c
}

/** Java's String.split(regex): no match → [s]; otherwise trailing empty strings are dropped. */
export function javaSplit(s: string, regex: RegExp): string[] {
  const parts = s.split(regex)
  if (parts.length === 1) return parts
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

export class LineReader {
  private readonly headerSplit: RegExp
  readonly plain: boolean

  constructor(readonly config: ReaderConfig) {
    this.headerSplit = new RegExp(config.headersSeparator)
    this.plain = !config.parseKey && !config.parseHeaders && config.nullMarker === undefined
  }

  private bytes(s: string): Buffer | null {
    return this.config.nullMarker !== undefined && s === this.config.nullMarker ? null : Buffer.from(s, 'utf8')
  }

  /** Turns one line (without its terminator) into a record; `lineNumber` counts from 1. */
  parse(line: string, lineNumber: number): ProducerRecord {
    const c = this.config
    let pos = 0
    let headers: ProducerRecord['headers']
    if (c.parseHeaders) {
      const idx = line.indexOf(c.headersDelimiter)
      if (idx < 0) {
        if (!c.ignoreError) throw new LineReaderError(`No headers delimiter found on line number ${lineNumber}: '${line}'`)
      } else {
        headers = this.parseHeaders(line.slice(0, idx), lineNumber)
        pos = idx + c.headersDelimiter.length
      }
    }
    let key: Buffer | null = null
    if (c.parseKey) {
      const idx = line.indexOf(c.keySeparator, pos)
      if (idx < 0) {
        if (!c.ignoreError) throw new LineReaderError(`No key separator found on line number ${lineNumber}: '${line}'`)
      } else {
        key = this.bytes(line.slice(pos, idx))
        pos = idx + c.keySeparator.length
      }
    }
    const record: ProducerRecord = {key, value: this.bytes(line.slice(pos))}
    if (headers) record.headers = headers
    return record
  }

  private parseHeaders(block: string, lineNumber: number): {key: string; value: Buffer | null}[] {
    const c = this.config
    return javaSplit(block, this.headerSplit).map((pair) => {
      const idx = pair.indexOf(c.headersKeySeparator)
      if (idx < 0) {
        if (c.ignoreError) return {key: pair, value: null}
        throw new LineReaderError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`)
      }
      const key = pair.slice(0, idx)
      if (c.nullMarker !== undefined && key === c.nullMarker) {
        throw new LineReaderError(`Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`)
      }
      return {key, value: this.bytes(pair.slice(idx + c.headersKeySeparator.length))}
    })
  }
}

/**
 * Splits a stream of chunks into lines the way Java's readLine does for '\n' and '\r\n'.
 * Whole chunks are scanned with indexOf; a partial last line waits for the next chunk.
 */
export class LineSplitter {
  private carry: Buffer | null = null

  /** Calls `each` for every complete line in `chunk` (as a subarray, terminator removed). */
  push(chunk: Buffer, each: (line: Buffer) => void): void {
    let buf = chunk
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk])
      this.carry = null
    }
    let start = 0
    for (;;) {
      const nl = buf.indexOf(10, start)
      if (nl < 0) break
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl
      each(buf.subarray(start, end))
      start = nl + 1
    }
    if (start < buf.length) this.carry = Buffer.from(buf.subarray(start))
  }

  private starts = new Int32Array(1 << 16)
  private ends = new Int32Array(1 << 16)

  /**
   * Like push(), but returns the complete lines as positions in one buffer (the carry joined
   * with the chunk) instead of calling back per line: the fast path for plain lines.
   */
  pushSpans(chunk: Buffer): LineSpans {
    let buf = chunk
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk])
      this.carry = null
    }
    let n = 0
    let start = 0
    for (;;) {
      const nl = buf.indexOf(10, start)
      if (nl < 0) break
      if (n === this.starts.length) {
        const s = new Int32Array(n * 2)
        s.set(this.starts)
        this.starts = s
        const e = new Int32Array(n * 2)
        e.set(this.ends)
        this.ends = e
      }
      this.starts[n] = start
      this.ends[n] = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl
      n++
      start = nl + 1
    }
    if (start < buf.length) this.carry = Buffer.from(buf.subarray(start))
    // Fresh arrays per call: the spans stay valid while their batch is in flight.
    return {src: buf, starts: this.starts.slice(0, n), ends: this.ends.slice(0, n), from: 0, to: n}
  }

  /** The last line when the input did not end with a newline. */
  end(each: (line: Buffer) => void): void {
    if (this.carry && this.carry.length > 0) {
      const b = this.carry
      each(b[b.length - 1] === 13 ? b.subarray(0, b.length - 1) : b)
    }
    this.carry = null
  }
}
