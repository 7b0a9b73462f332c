// One client connection to a Kafka broker, speaking through ktool's generated codec. The tools use
// it where kafkajs cannot say what Kafka's admin client says (topic ids, broker error messages,
// config sources, group states, offset deletion). Requests are pipelined; responses are matched
// by correlation id. Every request has a deadline, so an unreachable or silent broker ends in an
// error instead of a hang.
import {connect as netConnect, type Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import {Reader} from '../../protocol/kafka/reader.js'
import {Writer} from '../../protocol/kafka/writer.js'
import {apiSpec} from '../../protocol/kafka/generated/index.js'

export class ConnectionError extends Error {
  override name = 'ConnectionError'
}

interface Pending {
  apiKey: number
  version: number
  resolve: (body: unknown) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export interface ConnectOptions {
  clientId: string
  requestTimeoutMs: number
  connectionTimeoutMs: number
  ssl?: boolean
}

const API_VERSIONS = 18

export class KafkaConnection {
  private correlationId = 0
  private readonly pending = new Map<number, Pending>()
  private chunks: Buffer[] = []
  private buffered = 0
  private closed = false
  /** Broker's supported version ranges by API key (from ApiVersions). */
  readonly versions = new Map<number, {min: number; max: number}>()

  private constructor(private readonly socket: Socket, private readonly opts: ConnectOptions, readonly address: string) {
    socket.on('data', (d: Buffer) => this.onData(d))
    socket.on('error', (e) => this.failAll(new ConnectionError(`Connection to ${address} failed: ${e.message}`)))
    socket.on('close', () => this.failAll(new ConnectionError(`Connection to ${address} was closed`)))
  }

  static async open(host: string, port: number, opts: ConnectOptions): Promise<KafkaConnection> {
    const address = `${host}:${port}`
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = opts.ssl ? tlsConnect({host, port, servername: host}) : netConnect({host, port})
      const timer = setTimeout(() => {
        s.destroy()
        reject(new ConnectionError(`Connection to ${address} timed out after ${opts.connectionTimeoutMs} ms`))
      }, opts.connectionTimeoutMs)
      s.once(opts.ssl ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        s.removeAllListeners('error')
        resolve(s)
      })
      s.once('error', (e) => {
        clearTimeout(timer)
        reject(new ConnectionError(`Connection to ${address} failed: ${e.message}`))
      })
    })
    socket.setNoDelay(true)
    const conn = new KafkaConnection(socket, opts, address)
    // ApiVersions v0 is understood by every broker and tells us what else is.
    const res = (await conn.send(API_VERSIONS, 0, {})) as {errorCode: number; apiKeys: {apiKey: number; minVersion: number; maxVersion: number}[]}
    for (const k of res.apiKeys) conn.versions.set(k.apiKey, {min: k.minVersion, max: k.maxVersion})
    return conn
  }

  /** The highest version both sides speak, capped at `max`; undefined when there is none. */
  version(apiKey: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const theirs = this.versions.get(apiKey)
    const spec = apiSpec(apiKey)
    if (!theirs || !spec) return undefined
    const v = Math.min(theirs.max, spec.maxVersion, max)
    return v >= Math.max(theirs.min, spec.minVersion) ? v : undefined
  }

  /** Sends a request at the best common version (capped at `max`) and returns the decoded body. */
  async request<T>(apiKey: number, body: object, max?: number): Promise<T> {
    const v = this.version(apiKey, max)
    if (v === undefined) throw new ConnectionError(`The broker at ${this.address} does not support API key ${apiKey}`)
    return (await this.send(apiKey, v, body)) as T
  }

  /** Like request(), for requests the broker does not answer (Produce with acks=0). */
  async requestOneWay(apiKey: number, body: object, max?: number): Promise<void> {
    const v = this.version(apiKey, max)
    if (v === undefined) throw new ConnectionError(`The broker at ${this.address} does not support API key ${apiKey}`)
    await this.send(apiKey, v, body, true)
  }

  /** Resolves once written when `oneWay`; otherwise with the decoded response. */
  send(apiKey: number, version: number, body: object, oneWay = false): Promise<unknown> {
    if (this.closed) return Promise.reject(new ConnectionError(`Connection to ${this.address} is closed`))
    const spec = apiSpec(apiKey)
    if (!spec) return Promise.reject(new ConnectionError(`Unknown API key ${apiKey}`))
    const correlationId = ++this.correlationId
    const w = new Writer(256)
    const size = w.reserveInt32()
    w.int16(apiKey).int16(version).int32(correlationId).nullableString(this.opts.clientId)
    const flexible = spec.requestFlexibleMin >= 0 && version >= spec.requestFlexibleMin
    if (flexible) w.uvarint(0)
    spec.encodeRequest(w, body as never, version)
    const frame = w.finish()
    frame.writeInt32BE(frame.length - 4, size)
    if (oneWay) {
      return new Promise((resolve, reject) => this.socket.write(frame, (e) => (e ? reject(new ConnectionError(e.message)) : resolve(undefined))))
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId)
        reject(new ConnectionError(`Timed out waiting for a response from ${this.address} after ${this.opts.requestTimeoutMs} ms`))
      }, this.opts.requestTimeoutMs)
      this.pending.set(correlationId, {apiKey, version, resolve, reject, timer})
      this.socket.write(frame)
    })
  }

  close(): void {
    this.closed = true
    this.socket.destroy()
    this.failAll(new ConnectionError('closed'))
  }

  private failAll(error: Error): void {
    this.closed = true
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      this.pending.delete(id)
      p.reject(error)
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    for (;;) {
      if (this.buffered < 4) return
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)]
      const size = this.chunks[0]!.readInt32BE(0)
      // Join the chunks only once the whole frame is here (large fetch responses arrive in many).
      if (this.buffered < 4 + size) return
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
      const frame = buf.subarray(4, 4 + size)
      const rest = buf.subarray(4 + size)
      this.chunks = rest.length ? [rest] : []
      this.buffered = rest.length
      this.onFrame(frame)
    }
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame)
    const correlationId = r.int32()
    const p = this.pending.get(correlationId)
    if (!p) return
    this.pending.delete(correlationId)
    clearTimeout(p.timer)
    try {
      const spec = apiSpec(p.apiKey)!
      // ApiVersions responses always use header v0; others v1 (tagged fields) when flexible.
      if (p.apiKey !== API_VERSIONS && spec.responseFlexibleMin >= 0 && p.version >= spec.responseFlexibleMin) {
        const n = r.uvarint()
        for (let i = 0; i < n; i++) {
          r.uvarint()
          const len = r.uvarint()
          r.offset += len
        }
      }
      p.resolve(spec.decodeResponse(r, p.version))
    } catch (error) {
      p.reject(new ConnectionError(`Could not decode the response from ${this.address}: ${(error as Error).message}`))
    }
  }
}
