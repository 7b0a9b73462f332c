// One client TCP connection: 4-byte size-prefixed frames in, responses out in request order.
//
// Requests are handed to the dispatcher as soon as their frame is complete, so a handler that waits
// (long-poll Fetch, acks=all, JoinGroup) does not hold up the requests behind it; responses still
// leave in request order, because each request takes a slot in `slots` and only a run of finished
// slots at the head is written. Reading pauses when too many requests are in flight or the socket's
// send buffer is full, so a client that never reads cannot make us buffer without bound.
//
// States: open -> closing (socket ended or destroyed; late results are dropped) -> closed.
import type {Socket} from 'node:net'
import type {Logger} from '../../common/logger.js'
import type {ConnectionInfo} from '../handlers/context.js'

/** Thrown by a dispatcher for a frame that cannot be a valid request: the connection closes. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

export interface Dispatcher {
  /**
   * Handles one request frame (header + body, without the size prefix). Returns the response as
   * buffers to write (size prefix included), or null when the request gets no response.
   */
  dispatch(frame: Buffer, conn: ConnectionInfo): Promise<Buffer[] | null> | Buffer[] | null
}

export interface ConnectionOptions {
  maxRequestBytes: number
  idleMs: number
  maxInFlight?: number
  logger: Logger
}

interface Slot {
  done: boolean
  chunks: Buffer[] | null
}

const MAX_BUFFERED_WRITES = 64 * 1024 * 1024

export class Connection {
  readonly info: ConnectionInfo
  private readonly abort = new AbortController()
  private chunks: Buffer[] = []
  private buffered = 0
  private slots: Slot[] = []
  private state: 'open' | 'closing' | 'closed' = 'open'
  private paused = false
  private readonly maxInFlight: number
  private onClosed: (() => void) | undefined
  private drained: (() => void) | undefined

  constructor(
    private readonly socket: Socket,
    id: number,
    listenerName: string,
    private readonly dispatcher: Dispatcher,
    private readonly opts: ConnectionOptions,
  ) {
    this.maxInFlight = opts.maxInFlight ?? 128
    this.info = {
      id,
      listenerName,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? 0,
      signal: this.abort.signal,
    }
    socket.setNoDelay(true)
    if (opts.idleMs > 0) socket.setTimeout(opts.idleMs)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('timeout', () => this.onIdle())
    socket.on('drain', () => this.maybeResume())
    socket.on('error', () => this.close())
    socket.on('close', () => this.close())
  }

  /** Called once when the connection is gone (the listener forgets it). */
  whenClosed(fn: () => void): void {
    this.onClosed = fn
  }

  get inFlight(): number {
    return this.slots.length
  }

  private describe(): string {
    return `${this.info.remoteAddress}:${this.info.remotePort}-${this.info.localAddress}:${this.info.localPort}-${this.info.id}`
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'open') return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    this.parseFrames()
  }

  private parseFrames(): void {
    while (this.state === 'open' && this.buffered >= 4) {
      const first = this.chunks[0]!
      let size: number
      if (first.length >= 4) size = first.readInt32BE(0)
      else size = this.peekBytes(4).readInt32BE(0)
      if (size < 0 || size > this.opts.maxRequestBytes) {
        // Kafka: InvalidReceiveException, logged once by the Selector, connection closed.
        this.opts.logger.warn(`Unexpected error from /${this.info.remoteAddress} (channelId=${this.describe()}); closing connection: Invalid receive (size = ${size} larger than ${this.opts.maxRequestBytes})`)
        this.destroy()
        return
      }
      if (this.buffered < 4 + size) return
      let frame: Buffer
      if (first.length >= 4 + size) {
        // The common case: the whole frame sits in one chunk, so no copy.
        frame = first.subarray(4, 4 + size)
        if (first.length === 4 + size) this.chunks.shift()
        else this.chunks[0] = first.subarray(4 + size)
        this.buffered -= 4 + size
      } else {
        frame = this.takeBytes(4 + size).subarray(4)
      }
      this.handleFrame(frame)
    }
    if (this.buffered === 0) this.chunks = []
  }

  private peekBytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    let pos = 0
    for (const c of this.chunks) {
      const take = Math.min(n - pos, c.length)
      c.copy(out, pos, 0, take)
      pos += take
      if (pos === n) break
    }
    return out
  }

  /** Removes exactly n bytes from the front of the chunk list, as one buffer (one copy). */
  private takeBytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    let pos = 0
    while (pos < n) {
      const c = this.chunks[0]!
      const take = Math.min(n - pos, c.length)
      c.copy(out, pos, 0, take)
      pos += take
      if (take === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(take)
    }
    this.buffered -= n
    return out
  }

  private handleFrame(frame: Buffer): void {
    const slot: Slot = {done: false, chunks: null}
    this.slots.push(slot)
    let result: Promise<Buffer[] | null> | Buffer[] | null
    try {
      result = this.dispatcher.dispatch(frame, this.info)
    } catch (error) {
      this.failed(error)
      return
    }
    if (result instanceof Promise) {
      result.then(
        (chunks) => this.complete(slot, chunks),
        (error) => this.failed(error),
      )
    } else {
      this.complete(slot, result)
    }
    if (this.slots.length >= this.maxInFlight) this.pause()
  }

  private failed(error: unknown): void {
    if (this.state !== 'open') return
    if (error instanceof FrameError) {
      this.opts.logger.info(`Closing connection ${this.describe()}: ${error.message}`)
    } else {
      this.opts.logger.error(`Error processing request from ${this.describe()}, closing connection: ${(error as Error)?.stack ?? String(error)}`)
    }
    this.destroy()
  }

  private complete(slot: Slot, chunks: Buffer[] | null): void {
    slot.done = true
    slot.chunks = chunks
    if (this.state !== 'open') return
    if (this.slots[0] !== slot) return
    this.socket.cork()
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const s = this.slots.shift()!
      if (s.chunks) for (const c of s.chunks) this.socket.write(c)
    }
    this.socket.uncork()
    this.maybeResume()
    if (this.slots.length === 0 && this.drained) this.drained()
  }

  private pause(): void {
    if (this.paused) return
    this.paused = true
    this.socket.pause()
  }

  private maybeResume(): void {
    if (!this.paused || this.state !== 'open') return
    if (this.slots.length < this.maxInFlight && this.socket.writableLength < MAX_BUFFERED_WRITES) {
      this.paused = false
      this.socket.resume()
    }
  }

  private onIdle(): void {
    // A connection waiting on a long poll is not idle: its response will come.
    if (this.slots.length > 0) return
    this.opts.logger.debug(`Closing idle connection ${this.describe()} after connections.max.idle.ms=${this.opts.idleMs}`)
    this.destroy()
  }

  /** Stops reading new requests; the in-flight ones finish and are written, then the socket ends. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.state !== 'open') return
    this.socket.pause()
    if (this.slots.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs)
        this.drained = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
    if (this.state !== 'open') return
    this.socket.end()
    this.state = 'closing'
    setTimeout(() => this.destroy(), 200).unref()
  }

  destroy(): void {
    if (this.state === 'closed') return
    this.socket.destroy()
    this.close()
  }

  private close(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    this.slots = []
    this.chunks = []
    this.buffered = 0
    this.abort.abort()
    this.drained?.()
    this.onClosed?.()
  }
}
