// A minimal ZooKeeper wire client for the tests: the ops node-zookeeper-client lacks (addWatch,
// createTTL, createContainer, getEphemerals, whoAmI, multiRead, removeWatches ...), exact control
// over the bytes (bad input), and no pings (so that session expiry can be driven by a clock).
import net from 'node:net'
import {JuteReader, JuteWriter} from '../../src/protocol/zookeeper/jute.js'

export interface Reply {
  xid: number
  zxid: number
  err: number
  body: JuteReader
}

export interface WatchEvent {
  type: number
  state: number
  path: string
  zxid: number
}

export class RawClient {
  sessionId = 0n
  passwd: Buffer = Buffer.alloc(16)
  timeout = 0
  readonly events: WatchEvent[] = []
  /** Every frame in arrival order: 'event:<path>' or 'reply:<xid>' (ordering checks). */
  readonly order: string[] = []
  private buf = Buffer.alloc(0)
  private xid = 1
  private waiting = new Map<number, (r: Reply) => void>()
  private connectWaiter: ((b: JuteReader) => void) | null = null
  closed = false
  private closeWaiters: (() => void)[] = []

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => this.onData(d))
    socket.on('close', () => {
      this.closed = true
      for (const w of this.closeWaiters) w()
    })
    socket.on('error', () => {})
  }

  static async open(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1')
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res())
      socket.once('error', rej)
    })
    return new RawClient(socket)
  }

  static async connect(port: number, opts: {timeout?: number; sessionId?: bigint; passwd?: Buffer; lastZxid?: number} = {}): Promise<RawClient> {
    const c = await RawClient.open(port)
    await c.handshake(opts)
    return c
  }

  async handshake(opts: {timeout?: number; sessionId?: bigint; passwd?: Buffer; lastZxid?: number} = {}): Promise<void> {
    const w = new JuteWriter(64)
    w.int(0).longNum(opts.lastZxid ?? 0).int(opts.timeout ?? 10000).long(opts.sessionId ?? 0n).buffer(opts.passwd ?? Buffer.alloc(16)).bool(false)
    const body = await new Promise<JuteReader>((res) => {
      this.connectWaiter = res
      this.sendFrame(w.finish())
    })
    body.int()
    this.timeout = body.int()
    this.sessionId = body.long()
    this.passwd = Buffer.from(body.buffer() ?? Buffer.alloc(0))
  }

  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((res) => this.closeWaiters.push(res))
  }

  sendFrame(payload: Buffer): void {
    const len = Buffer.alloc(4)
    len.writeInt32BE(payload.length)
    this.socket.write(Buffer.concat([len, payload]))
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d])
    while (this.buf.length >= 4) {
      const len = this.buf.readInt32BE(0)
      if (this.buf.length < 4 + len) break
      const frame = this.buf.subarray(4, 4 + len)
      this.buf = this.buf.subarray(4 + len)
      if (this.connectWaiter) {
        const w = this.connectWaiter
        this.connectWaiter = null
        w(new JuteReader(frame))
        continue
      }
      const r = new JuteReader(frame)
      const xid = r.int()
      const zxid = r.longNum()
      const err = r.int()
      if (xid === -1) {
        const ev = {type: r.int(), state: r.int(), path: r.ustring(), zxid}
        this.events.push(ev)
        this.order.push(`event:${ev.path}`)
        continue
      }
      this.order.push(`reply:${xid}`)
      const waiter = this.waiting.get(xid)
      this.waiting.delete(xid)
      waiter?.({xid, zxid, err, body: r})
    }
  }

  /** Sends a request; resolves with its reply. */
  request(type: number, body?: (w: JuteWriter) => void, xid?: number): Promise<Reply> {
    const id = xid ?? this.xid++
    const w = new JuteWriter(64)
    w.int(id).int(type)
    body?.(w)
    return new Promise((res) => {
      this.waiting.set(id, res)
      this.sendFrame(w.finish())
    })
  }

  close(): void {
    this.socket.destroy()
  }
}

export function worldAcl(w: JuteWriter, perms = 31): void {
  w.int(1).int(perms).ustring('world').ustring('anyone')
}
