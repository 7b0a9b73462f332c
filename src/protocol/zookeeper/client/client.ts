// A small ZooKeeper client on ktool's jute codec, with what the broker needs and nothing heavy to
// load: one session over one connection at a time; requests matched to replies by xid, in order;
// pings at a third of the negotiated timeout; one-shot watches; a connect string with several
// hosts and a chroot; on connection loss, the next host with the same session (watches re-armed
// with setWatches); expiry reported, never hidden.
//
// Session states (checked by transition()):
//   connecting -> connected | expired | closed
//   connected  -> connecting (connection lost: 'disconnected') | closed
//   expired    -> closed
//   closed     (final)
// Events: 'connected' ({readOnly}), 'disconnected', 'expired', 'watch' (every notification).
// Requests made while connecting wait for the connection; requests in flight when it drops fail
// with CONNECTIONLOSS (they may or may not have been applied), as in Java's client.
import {EventEmitter} from 'node:events'
import {connect as netConnect, type Socket} from 'node:net'
import {JuteReader, JuteWriter} from '../jute.js'
import {OpCode, Xid} from '../generated/opcodes.js'
import {Err} from '../generated/errors.js'
import {KeeperState} from '../generated/constants.js'
import * as R from '../generated/records.js'
import type {ACL, Stat} from '../generated/records.js'
import {parseConnectString, prependChroot, stripChroot, type HostPort} from './connect-string.js'
import {FrameSplitter} from './frame-splitter.js'
import {ZooKeeperError} from './zookeeper-error.js'
import {WatchRegistry, type WatchEvent, type Watcher} from './watches.js'
import * as O from './ops.js'

export type {Stat, ACL} from '../generated/records.js'
export type {Watcher, WatchEvent} from './watches.js'
export type {MultiOp, MultiResult, CreateModeName} from './ops.js'

export type ClientState = 'connecting' | 'connected' | 'expired' | 'closed'
const TRANSITIONS: Record<ClientState, ClientState[]> = {
  connecting: ['connected', 'expired', 'closed'],
  connected: ['connecting', 'closed'],
  expired: ['closed'],
  closed: [],
}

export interface ZooKeeperClientOptions {
  /** Requested session timeout; the server negotiates it within its min/max. */
  sessionTimeoutMs?: number
  /** Resume an existing session (its id and password) instead of creating one. */
  sessionId?: bigint
  sessionPassword?: Buffer
  /** Accept a read-only server (the readOnly flag of the handshake). */
  canBeReadOnly?: boolean
  /** Largest reply accepted (Java's jute.maxbuffer). */
  maxFrameBytes?: number
  /** Shuffle the hosts as Java does (default true); tests turn it off to pick the order. */
  shuffleHosts?: boolean
}

interface Pending {
  xid: number
  spec: O.OpSpec
  resolve(v: unknown): void
  reject(e: Error): void
  watcher?: Watcher
}

const PROTOCOL_VERSION = 0

export class ZooKeeperClient extends EventEmitter {
  private state: ClientState = 'connecting'
  readonly hosts: HostPort[]
  readonly chroot: string
  private hostIndex = 0
  private socket: Socket | null = null
  private handshakeDone = false
  private readonly splitter: FrameSplitter
  private readonly requestedTimeout: number
  private negotiated = 0
  private id: bigint
  private passwd: Buffer
  private lastZxid = 0n
  private nextXid = 1
  private readonly inflight: Pending[] = []
  private readonly waiting: Pending[] = []
  private readonly watches = new WatchRegistry()
  private pingTimer: NodeJS.Timeout | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  private lastSend = 0
  private lastRecv = 0
  private failedAttempts = 0
  private readOnlyServer = false
  private closing: Promise<void> | null = null

  constructor(connectString: string, private readonly opts: ZooKeeperClientOptions = {}) {
    super()
    const parsed = parseConnectString(connectString)
    this.hosts = parsed.hosts
    if (opts.shuffleHosts !== false) shuffle(this.hosts)
    this.chroot = parsed.chroot
    this.requestedTimeout = opts.sessionTimeoutMs ?? 30_000
    this.id = opts.sessionId ?? 0n
    this.passwd = opts.sessionPassword ?? Buffer.alloc(16)
    this.splitter = new FrameSplitter(opts.maxFrameBytes ?? 16 * 1024 * 1024)
  }

  /** Opens the connection; resolves once the session is established (or rejects on expiry/close). */
  connect(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      const ok = () => {
        cleanup()
        resolve()
      }
      const fail = (why: string) => () => {
        cleanup()
        reject(new ZooKeeperError(why === 'expired' ? Err.SESSIONEXPIRED : Err.CONNECTIONLOSS, 'connect', ''))
      }
      const onExpired = fail('expired')
      const onClosed = fail('closed')
      const cleanup = () => {
        this.off('connected', ok)
        this.off('expired', onExpired)
        this.off('closed', onClosed)
      }
      this.once('connected', ok)
      this.once('expired', onExpired)
      this.once('closed', onClosed)
    })
    this.openSocket()
    return ready
  }

  get sessionId(): bigint {
    return this.id
  }

  get sessionPassword(): Buffer {
    return this.passwd
  }

  /** The timeout the server granted (0 before the first connection). */
  get sessionTimeoutMs(): number {
    return this.negotiated
  }

  get currentState(): ClientState {
    return this.state
  }

  get readOnly(): boolean {
    return this.readOnlyServer
  }

  /** The server this client is connected (or connecting) to. */
  get currentHost(): HostPort | undefined {
    return this.hosts[(this.hostIndex - 1 + this.hosts.length) % this.hosts.length]
  }

  private transition(to: ClientState): void {
    if (!TRANSITIONS[this.state].includes(to)) throw new Error(`ZooKeeperClient: cannot go from ${this.state} to ${to}`)
    this.state = to
  }

  // ---- connection ----

  private openSocket(): void {
    const target = this.hosts[this.hostIndex++ % this.hosts.length]!
    this.handshakeDone = false
    this.splitter.reset()
    const socket = netConnect({host: target.host, port: target.port})
    this.socket = socket
    socket.setNoDelay(true)
    // Java gives each host sessionTimeout / hosts to connect.
    const attemptMs = Math.max(1000, Math.floor(this.requestedTimeout / this.hosts.length))
    socket.setTimeout(attemptMs)
    socket.on('timeout', () => socket.destroy(new Error(`connection to ${target.host}:${target.port} timed out`)))
    socket.on('connect', () => {
      const w = new JuteWriter(64, 4)
      R.encodeConnectRequest(w, {protocolVersion: PROTOCOL_VERSION, lastZxidSeen: this.lastZxid, timeOut: this.requestedTimeout, sessionId: this.id, passwd: this.passwd, readOnly: this.opts.canBeReadOnly ?? false})
      this.sendFrame(w)
    })
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return
      this.lastRecv = Date.now()
      try {
        this.splitter.push(chunk, (f) => this.onFrame(f))
      } catch (error) {
        socket.destroy(error as Error)
      }
    })
    socket.on('error', () => undefined) // 'close' follows and handles it
    socket.on('close', () => this.onSocketClosed(socket))
  }

  private sendFrame(w: JuteWriter): void {
    const b = w.finish()
    b.writeInt32BE(b.length - 4, 0)
    this.lastSend = Date.now()
    this.socket!.write(b)
  }

  private onSocketClosed(socket: Socket): void {
    if (this.socket !== socket) return
    this.socket = null
    this.stopPings()
    const wasConnected = this.state === 'connected'
    this.failInflight(Err.CONNECTIONLOSS)
    if (this.state === 'closed' || this.state === 'expired') return
    if (wasConnected) {
      this.transition('connecting')
      this.emit('disconnected')
      this.failedAttempts = 0
    } else {
      this.failedAttempts++
    }
    // Try the next host; back off once every host has failed in a row.
    const round = Math.floor(this.failedAttempts / this.hosts.length)
    const delay = wasConnected ? 50 + Math.floor(Math.random() * 100) : this.failedAttempts % this.hosts.length === 0 ? Math.min(1000, 100 * 2 ** Math.min(round, 4)) : 0
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      if (this.state === 'connecting') this.openSocket()
    }, delay)
  }

  private failInflight(code: number): void {
    for (const p of this.inflight.splice(0)) p.reject(new ZooKeeperError(code, p.spec.op, p.spec.path))
  }

  private failWaiting(code: number): void {
    for (const p of this.waiting.splice(0)) p.reject(new ZooKeeperError(code, p.spec.op, p.spec.path))
  }

  private onFrame(frame: Buffer): void {
    const r = new JuteReader(frame)
    if (!this.handshakeDone) return this.onConnectResponse(r)
    const h = R.decodeReplyHeader(r)
    if (h.zxid > 0n) this.lastZxid = h.zxid
    if (h.xid === Xid.NOTIFICATION_XID) return this.onNotification(r)
    if (h.xid === Xid.PING_XID || h.xid === Xid.SET_WATCHES_XID || h.xid === Xid.AUTHPACKET_XID) return
    const p = this.inflight.shift()
    if (!p || p.xid !== h.xid) {
      // Replies come in request order; anything else means the stream cannot be trusted.
      if (p) this.inflight.unshift(p)
      this.socket?.destroy(new Error(`Xid out of order. Got Xid ${h.xid} but expected ${p?.xid ?? 'none'}`))
      return
    }
    if (p.spec.watch && p.watcher) {
      const kind = h.err === Err.OK ? p.spec.watch.ok : h.err === Err.NONODE ? p.spec.watch.noNode : undefined
      if (kind) this.watches.add(kind, p.spec.watch.path, p.watcher)
    }
    if (h.err !== Err.OK) return p.reject(new ZooKeeperError(h.err, p.spec.op, p.spec.path))
    // (A multi that failed as a whole, e.g. on a server that puts the first error in the header,
    // lands here too; its per-op records are not needed then.)
    let value: unknown
    try {
      value = p.spec.read(r)
    } catch (error) {
      return p.reject(error as Error)
    }
    p.resolve(value)
  }

  private onConnectResponse(r: JuteReader): void {
    const res = {protocolVersion: r.int(), timeOut: r.int(), sessionId: r.long(), passwd: r.buffer()}
    const readOnly = r.remaining() > 0 ? r.bool() : false
    if (res.timeOut <= 0) {
      // The server no longer knows the session: it expired (or was closed elsewhere).
      this.transition('expired')
      this.socket?.destroy()
      this.socket = null
      this.failWaiting(Err.SESSIONEXPIRED)
      this.watches.clear()
      this.emit('expired')
      return
    }
    const reconnect = this.id !== 0n && this.id === res.sessionId
    this.handshakeDone = true
    this.negotiated = res.timeOut
    this.id = res.sessionId
    this.passwd = res.passwd ?? Buffer.alloc(16)
    this.readOnlyServer = readOnly
    this.failedAttempts = 0
    this.socket!.setTimeout(0)
    this.transition('connected')
    // Watches go first, so that nothing queued behind them can miss an event.
    if (reconnect && this.watches.size > 0) this.sendSetWatches()
    for (const p of this.waiting.splice(0)) this.send(p)
    this.startPings()
    this.emit('connected', {readOnly})
  }

  private sendSetWatches(): void {
    const w = new JuteWriter(256, 4)
    R.encodeRequestHeader(w, {xid: Xid.SET_WATCHES_XID, type: OpCode.setWatches})
    R.encodeSetWatches(w, {relativeZxid: this.lastZxid, dataWatches: this.watches.paths('data'), existWatches: this.watches.paths('exist'), childWatches: this.watches.paths('child')})
    this.sendFrame(w)
  }

  private onNotification(r: JuteReader): void {
    const e = R.decodeWatcherEvent(r)
    const path = stripChroot(this.chroot, e.path)
    const event: WatchEvent = {type: e.type, state: e.state, path, getType: () => e.type, getPath: () => path}
    for (const w of this.watches.take(e.type, e.path)) {
      try {
        w(event)
      } catch (error) {
        // A failing watcher must not take the connection down: report it to whoever listens.
        if (this.listenerCount('error') > 0) this.emit('error', error)
      }
    }
    this.emit('watch', event)
  }

  // ---- pings: a third of the negotiated timeout; silence for two thirds is a lost connection ----

  private startPings(): void {
    const every = Math.max(50, Math.floor(this.negotiated / 3))
    this.lastRecv = Date.now()
    this.pingTimer = setInterval(() => {
      const now = Date.now()
      if (now - this.lastRecv > (this.negotiated * 2) / 3) {
        this.socket?.destroy(new Error(`Client session timed out, have not heard from server in ${now - this.lastRecv}ms for session id 0x${this.id.toString(16)}`))
        return
      }
      if (now - this.lastSend >= every - 10) {
        const w = new JuteWriter(16, 4)
        R.encodeRequestHeader(w, {xid: Xid.PING_XID, type: OpCode.ping})
        this.sendFrame(w)
      }
    }, every)
    this.pingTimer.unref()
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer)
    this.pingTimer = null
  }

  // ---- requests ----

  private request<T>(spec: O.OpSpec<T>, watcher?: Watcher): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.state === 'closed' || this.state === 'expired') {
        reject(new ZooKeeperError(this.state === 'expired' ? Err.SESSIONEXPIRED : Err.CONNECTIONLOSS, spec.op, spec.path))
        return
      }
      const p: Pending = {xid: 0, spec: spec as O.OpSpec, resolve: resolve as (v: unknown) => void, reject, watcher}
      // A socket already being torn down cannot carry it: wait for the next connection.
      if (this.state === 'connected' && this.socket && !this.socket.destroyed) this.send(p)
      else this.waiting.push(p)
    })
  }

  private send(p: Pending): void {
    p.xid = this.nextXid++
    if (this.nextXid > 0x7fffffff) this.nextXid = 1
    const w = new JuteWriter(128, 4)
    R.encodeRequestHeader(w, {xid: p.xid, type: p.spec.type})
    p.spec.write(w)
    this.inflight.push(p)
    this.sendFrame(w)
  }

  private path(p: string): string {
    if (!p.startsWith('/') || (p.length > 1 && p.endsWith('/'))) throw new ZooKeeperError(Err.BADARGUMENTS, 'path', p)
    return prependChroot(this.chroot, p)
  }

  /** Creates a node; resolves with its path (the actual one for sequential nodes). */
  async create(path: string, data: Buffer | string | null = null, mode: O.CreateModeName = 'persistent', acl: ACL[] = O.OPEN_ACL_UNSAFE): Promise<string> {
    const created = await this.request(O.createOp(path, this.path(path), O.toBuffer(data), O.createFlags(mode), acl))
    return stripChroot(this.chroot, created)
  }

  delete(path: string, version = -1): Promise<void> {
    return this.request(O.deleteOp(path, this.path(path), version))
  }

  /** The node's Stat, or null when it does not exist; the watcher fires on its creation, change or deletion. */
  async exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    try {
      return await this.request(O.existsOp(path, this.path(path), !!watcher), watcher)
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === Err.NONODE) return null
      throw error
    }
  }

  getData(path: string, watcher?: Watcher): Promise<{data: Buffer | null; stat: Stat}> {
    return this.request(O.getDataOp(path, this.path(path), !!watcher), watcher)
  }

  setData(path: string, data: Buffer | string | null, version = -1): Promise<Stat> {
    return this.request(O.setDataOp(path, this.path(path), O.toBuffer(data), version))
  }

  getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    return this.request(O.getChildrenOp(path, this.path(path), !!watcher), watcher)
  }

  /**
   * A transaction: every op applies or none does. On failure, rejects with the first failing
   * op's error (its path named); `results` on the error lists each op's outcome.
   */
  async multi(ops: O.MultiOp[]): Promise<O.MultiResult[]> {
    for (const o of ops) this.path(o.path)
    // A failed transaction is answered with err 0 in the reply header and an error record per op
    // (the failing op's code; RUNTIMEINCONSISTENCY or OK for the others).
    const results = await this.request(O.multiOp(ops, (p) => prependChroot(this.chroot, p), (p) => stripChroot(this.chroot, p)))
    const i = results.findIndex((x) => x.type === 'error' && x.err !== Err.OK && x.err !== Err.RUNTIMEINCONSISTENCY)
    if (i >= 0) {
      const e = new ZooKeeperError((results[i] as {err: number}).err, `multi/${ops[i]!.type}`, ops[i]!.path) as ZooKeeperError & {results?: O.MultiResult[]}
      e.results = results
      throw e
    }
    return results
  }

  /** Closes the session (its ephemeral nodes go) and the connection. */
  close(timeoutMs = 2000): Promise<void> {
    if (this.closing) return this.closing
    this.closing = (async () => {
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
      this.reconnectTimer = null
      if (this.state === 'connected' && this.socket) {
        const socket = this.socket
        const sent = new Promise<void>((resolve) => {
          const p: Pending = {xid: 0, spec: {type: OpCode.closeSession, op: 'closeSession', path: '', write: () => undefined, read: () => undefined}, resolve: () => resolve(), reject: () => resolve()}
          this.send(p)
        })
        let timer: NodeJS.Timeout | undefined
        await Promise.race([sent, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
        clearTimeout(timer)
        socket.destroy()
      }
      this.stopPings()
      this.socket?.destroy()
      this.socket = null
      const wasExpired = this.state === 'expired'
      if (this.state !== 'closed') this.transition('closed')
      this.failInflight(wasExpired ? Err.SESSIONEXPIRED : Err.CONNECTIONLOSS)
      this.failWaiting(wasExpired ? Err.SESSIONEXPIRED : Err.CONNECTIONLOSS)
      this.watches.clear()
      this.emit('closed')
    })()
    return this.closing
  }
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
}

export {KeeperState}
