// A minimal Kafka client over a raw socket, using the generated codecs, for tests that need
// control kafkajs does not give: pipelining, hand-made sequences, malformed frames.
import net from 'node:net'
import {Reader} from '../../src/protocol/kafka/reader.js'
import {Writer} from '../../src/protocol/kafka/writer.js'
import {encodeRequestFrame} from '../../src/protocol/kafka/frame.js'
import {apiSpec} from '../../src/protocol/kafka/generated/index.js'
import {decodeResponseHeader, responseHeaderVersion} from '../../src/protocol/kafka/generated/response-header.js'

export class WireClient {
  private buf = Buffer.alloc(0)
  private waiting: {resolve: (b: Buffer) => void; reject: (e: Error) => void}[] = []
  private nextCorrelation = 1
  closed = false
  private closeWaiters: (() => void)[] = []

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d])
      while (this.buf.length >= 4) {
        const size = this.buf.readInt32BE(0)
        if (this.buf.length < 4 + size) break
        const frame = this.buf.subarray(4, 4 + size)
        this.buf = this.buf.subarray(4 + size)
        this.waiting.shift()?.resolve(frame)
      }
    })
    socket.on('close', () => {
      this.closed = true
      for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed'))
      for (const c of this.closeWaiters.splice(0)) c()
    })
    socket.on('error', () => undefined)
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new WireClient(s)))
      s.once('error', reject)
    })
  }

  /** Sends raw bytes; the promise resolves with the next response frame (header + body). */
  sendRaw(bytes: Buffer, expectResponse = true): Promise<Buffer> {
    const p = expectResponse ? new Promise<Buffer>((resolve, reject) => this.waiting.push({resolve, reject})) : Promise.resolve(Buffer.alloc(0))
    this.socket.write(bytes)
    return p
  }

  frame(apiKey: number, version: number, body: unknown): {bytes: Buffer; correlationId: number} {
    const spec = apiSpec(apiKey)!
    const correlationId = this.nextCorrelation++
    const bytes = encodeRequestFrame(apiKey, version, correlationId, 'wire-test', (w: Writer) => spec.encodeRequest(w, body as never, version))
    return {bytes, correlationId}
  }

  /** Sends one request and decodes its response. */
  async request<T = any>(apiKey: number, version: number, body: unknown): Promise<{correlationId: number; body: T}> {
    const {bytes} = this.frame(apiKey, version, body)
    return this.decode<T>(apiKey, version, await this.sendRaw(bytes))
  }

  decode<T>(apiKey: number, version: number, frame: Buffer): {correlationId: number; body: T} {
    const r = new Reader(frame)
    const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, version))
    return {correlationId: header.correlationId, body: apiSpec(apiKey)!.decodeResponse(r, version) as T}
  }

  whenClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true)
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs)
      this.closeWaiters.push(() => {
        clearTimeout(t)
        resolve(true)
      })
    })
  }

  close(): void {
    this.socket.destroy()
  }
}
