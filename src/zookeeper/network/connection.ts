// One client connection (ZooKeeper's NIOServerCnxn): framing, the connect handshake, four-letter
// words, request decoding, and replies in request order.
//
// Connection states and transitions (checked in setState):
//   HANDSHAKE   waiting for the first frame: a ConnectRequest, or a four-letter word
//                                                          -> CONNECTING, CONNECTED, CLOSED
//   CONNECTING  a new session's createSession txn is in the pipeline; input is held
//                                                          -> CONNECTED, CLOSED
//   CONNECTED   requests flow                              -> CLOSED
//   CLOSED      the socket is gone; late replies and events are dropped (final)
//
// Ordering: writes go to prep as they arrive; a read runs when every earlier request of this
// connection has been answered, so a client never reads around its own pending writes. Watch
// events are written the moment the tree fires them, which is before the reply of the change.
// Bad input (a frame over jute.maxbuffer, malformed jute, an unknown op code, a non-connect first
// frame) closes the connection with a log line; nothing of it reaches the tree.
import type {Socket} from 'node:net'
import {JuteError, JuteReader, JuteWriter} from '../../protocol/zookeeper/jute.js'
import {OpCode, Xid} from '../../protocol/zookeeper/generated/opcodes.js'
import {KeeperState} from '../../protocol/zookeeper/generated/constants.js'
import type {Id} from '../../protocol/zookeeper/generated/records.js'
import {digest, normaliseIp} from '../acl.js'
import {Err} from '../errors.js'
import {sessionPassword} from '../java-random.js'
import type {Request, RequestOwner} from '../processors/request.js'
import type {ReadContext} from '../processors/final.js'
import type {Session} from '../sessions.js'
import {LatencyStats} from '../stats.js'
import {FOUR_LETTER_WORDS} from '../config.js'
import {replyFrame} from './frames.js'
import {OPS} from './ops.js'
import type {ZooKeeperServer} from '../server.js'

export type ConnState = 'HANDSHAKE' | 'CONNECTING' | 'CONNECTED' | 'CLOSED'
const ALLOWED: Record<ConnState, ConnState[]> = {
  HANDSHAKE: ['CONNECTING', 'CONNECTED', 'CLOSED'],
  CONNECTING: ['CONNECTED', 'CLOSED'],
  CONNECTED: ['CLOSED'],
  CLOSED: [],
}

const WRITE_HIGH_WATER = 4 * 1024 * 1024

export class Connection implements ReadContext, RequestOwner {
  state: ConnState = 'HANDSHAKE'
  sessionId = 0n
  session: Session | null = null
  timeout = 0
  readonly authInfo: Id[]
  readonly remoteIp: string
  readonly remotePort: number
  readonly established = Date.now()
  // counters for stat/cons
  recved = 0
  sent = 0
  lastOp = 'NA'
  lastCxid = -1
  lastZxid = -1
  lastResponseTime = 0
  lastLatency = 0
  readonly latency = new LatencyStats(false) // min/avg/max for cons; no percentile window

  private buf: Buffer = Buffer.alloc(0)
  private queue: Request[] = []
  private paused = false
  private readOnlyField = false
  private draining = false

  constructor(private readonly server: ZooKeeperServer, readonly socket: Socket) {
    this.remoteIp = normaliseIp(socket.remoteAddress)
    this.remotePort = socket.remotePort ?? 0
    this.authInfo = [{scheme: 'ip', id: this.remoteIp}]
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => {})
    // The client closed first (ZooKeeper's failed read: connection_drop_count).
    socket.on('end', () => {
      if (this.state !== 'CLOSED') server.stats.connectionDrops++
    })
    socket.on('close', () => this.closed())
    socket.on('drain', () => this.maybeResume())
    // A connection that never completes its handshake is closed, as ZooKeeper expires
    // sessionless connections, so idle sockets cannot pile up.
    this.handshakeTimer = setTimeout(() => {
      if (this.state !== 'HANDSHAKE') return
      server.stats.sessionlessConnectionsExpired++
      this.drop('no connect request within the session timeout')
    }, server.config.maxSessionTimeout)
    this.handshakeTimer.unref()
  }

  private handshakeTimer: NodeJS.Timeout

  private setState(next: ConnState): void {
    if (!ALLOWED[this.state].includes(next)) throw new Error(`connection ${this.remote()}: illegal transition ${this.state} -> ${next}`)
    this.state = next
    if (next !== 'HANDSHAKE') clearTimeout(this.handshakeTimer)
  }

  remote(): string {
    return `/${this.remoteIp}:${this.remotePort}`
  }

  get outstanding(): number {
    return this.queue.length
  }

  /** Interest ops as NIO reports them: 1 (read) while reading, 0 when paused or not serving. */
  interestOps(): number {
    return this.state === 'CONNECTED' && !this.paused ? 1 : 0
  }

  private onData(chunk: Buffer): void {
    this.server.stats.bytesReceived += chunk.length
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    this.parse()
  }

  private parsing = false

  private parse(): void {
    // Re-entrant calls (a handshake that completes inside frame()) just let the loop go on.
    if (this.parsing) return
    this.parsing = true
    try {
      while (this.state !== 'CLOSED' && this.state !== 'CONNECTING' && !this.paused) {
        const buf = this.buf
        if (buf.length < 4) break
        if (this.state === 'HANDSHAKE') {
          const word = buf.toString('latin1', 0, 4)
          if ((FOUR_LETTER_WORDS as readonly string[]).includes(word)) {
            this.recved++
            this.server.stats.packetsReceived++
            this.buf = Buffer.alloc(0)
            this.fourLetter(word)
            return
          }
        }
        const len = buf.readInt32BE(0)
        if (len < 0 || len > this.server.config.juteMaxBuffer) {
          this.server.stats.largeRequestsRejected++
          this.drop(`Len error ${len}`)
          return
        }
        if (buf.length - 4 < len) break
        const frame = buf.subarray(4, 4 + len)
        this.buf = buf.length === 4 + len ? Buffer.alloc(0) : buf.subarray(4 + len)
        try {
          this.frame(frame)
        } catch (e) {
          if (e instanceof JuteError) {
            this.drop(`malformed request: ${e.message}`)
            return
          }
          throw e
        }
      }
    } finally {
      this.parsing = false
    }
  }

  private frame(frame: Buffer): void {
    this.recved++
    this.server.stats.packetsReceived++
    if (this.state === 'HANDSHAKE') return this.connect(new JuteReader(frame))
    const r = new JuteReader(frame)
    const xid = r.int()
    const type = r.int()
    if (this.session) this.server.sessions.touch(this.session)
    if (type === OpCode.auth) return this.auth(r)
    if (type === OpCode.sasl) return this.drop('SASL is not supported by this server')
    const op = OPS[type]
    if (!op) return this.drop(`Unknown op code ${type}`)
    const record = op.decode(r)
    const req: Request = {
      owner: this, sessionId: this.sessionId, xid, type, record, authInfo: this.authInfo, receivedAt: Date.now(),
      kind: op.kind, opName: op.name, done: false,
    }
    if (xid !== Xid.PING_XID && xid !== Xid.SET_WATCHES_XID) this.lastCxid = xid
    if (type === OpCode.closeSession) req.closeAfter = true
    this.queue.push(req)
    if (op.kind !== 'write') this.server.stats.readQueued(this.server.sync.pending())
    if (op.kind === 'write') this.server.prep.process(req)
    else if (this.queue.length === 1) this.drain()
    if (this.queue.length >= this.server.config.maxOutstandingPerConnection) this.pause()
  }

  // ---- handshake ----

  private connect(r: JuteReader): void {
    // ZooKeeper counts connect requests, and takes a token from its connection throttle for
    // each (ours has none: never short of tokens).
    this.server.stats.connectionRequests++
    this.server.stats.summaries.connection_token_deficit.add(0)
    r.int() // protocolVersion
    const lastZxidSeen = r.longNum()
    let timeout = r.int()
    const sessionId = r.long()
    const passwd = r.buffer()
    if (r.remaining() > 0) {
      r.bool()
      this.readOnlyField = true
    }
    const tree = this.server.tree
    if (lastZxidSeen > tree.lastProcessedZxid) {
      return this.drop(`Refusing session request for client ${this.remote()} as it has seen zxid 0x${lastZxidSeen.toString(16)} our last zxid is 0x${tree.lastProcessedZxid.toString(16)} client must try another server`)
    }
    const cfg = this.server.config
    timeout = Math.min(Math.max(timeout, cfg.minSessionTimeout), cfg.maxSessionTimeout)
    this.timeout = timeout
    if (sessionId === 0n) {
      const id = this.server.sessions.createSessionId()
      this.sessionId = id
      this.setState('CONNECTING')
      const req: Request = {
        owner: this, sessionId: id, xid: 0, type: OpCode.createSession, record: null, authInfo: this.authInfo,
        receivedAt: Date.now(), kind: 'write', opName: 'SESS', done: false, connect: {timeout, readOnlyField: this.readOnlyField},
      }
      this.server.prep.process(req)
      return
    }
    const session = this.server.sessions.get(sessionId)
    const ok = session && session.state === 'OPEN' && passwd !== null && passwd.equals(sessionPassword(sessionId))
    if (!ok) {
      this.server.logger.info(`Invalid session 0x${sessionId.toString(16)} for client ${this.remote()}, probably expired`)
      this.sendConnectResponse(0, 0n)
      this.socket.end()
      this.setState('CLOSED')
      return
    }
    // Reconnect: the session moves to this connection.
    const old = session.conn as Connection | null
    if (old && old !== this) old.close('session moved to a new connection')
    this.sessionId = sessionId
    this.attach(session, timeout)
  }

  private attach(session: Session, timeout: number): void {
    this.session = session
    session.conn = this
    this.server.sessions.touch(session, timeout)
    this.setState('CONNECTED')
    this.sendConnectResponse(timeout, this.sessionId)
    this.server.logger.info(`Established session 0x${this.sessionId.toString(16)} with negotiated timeout ${timeout} for client ${this.remote()}`)
    this.parse()
  }

  private sendConnectResponse(timeout: number, sessionId: bigint): void {
    const w = new JuteWriter(64, 4)
    w.int(0).int(timeout).long(sessionId).buffer(sessionId === 0n ? Buffer.alloc(16) : sessionPassword(sessionId))
    if (this.readOnlyField) w.bool(false)
    const b = w.finish()
    b.writeInt32BE(b.length - 4, 0)
    this.write(b)
  }

  private auth(r: JuteReader): void {
    r.int() // type
    const scheme = r.ustring()
    const data = r.buffer() ?? Buffer.alloc(0)
    let id: Id | null = null
    if (scheme === 'digest') {
      const text = data.toString('utf8')
      if (text.includes(':')) id = {scheme: 'digest', id: digest(text)}
      // The configured superDigest makes this identity a superuser (every ACL passes).
      if (id && this.server.config.superDigest && id.id === this.server.config.superDigest) {
        if (!this.authInfo.some((a) => a.scheme === 'super')) this.authInfo.push({scheme: 'super', id: id.id.split(':')[0]!})
      }
    } else if (scheme === 'ip') {
      id = {scheme: 'ip', id: this.remoteIp}
    }
    if (!id) {
      this.server.stats.authFailed++
      this.server.logger.warn(scheme === 'digest' ? `Authentication failed for scheme: ${scheme}` : `No authentication provider for scheme: ${scheme} has ${['ip', 'digest']}`)
      this.write(replyFrame(Xid.AUTHPACKET_XID, 0, Err.AUTHFAILED))
      this.socket.end()
      this.setState('CLOSED')
      return
    }
    if (!this.authInfo.some((a) => a.scheme === id!.scheme && a.id === id!.id)) this.authInfo.push(id)
    this.write(replyFrame(Xid.AUTHPACKET_XID, 0, 0))
  }

  // ---- replies ----

  /** From final: a write this connection sent is applied (or its session is created). */
  complete(req: Request): void {
    if (req.type === OpCode.createSession) {
      if (this.state !== 'CONNECTING') return
      const session = this.server.sessions.get(req.sessionId)
      if (!session) return this.drop('session creation failed')
      this.finish(req) // latency and last op (SESS) as for any request; the reply is the ConnectResponse
      this.attach(session, req.connect!.timeout)
      return
    }
    this.drain()
  }

  private drain(): void {
    if (this.draining) return
    this.draining = true
    this.socket.cork()
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!
        if (!head.done) {
          if (head.kind !== 'read') break
          head.reply = this.state === 'CLOSED' ? null : this.server.final.read(head, this)
          head.done = true
        }
        this.queue.shift()
        this.finish(head)
        if (head.closeAfter) {
          this.socket.uncork()
          this.close('closeSession')
          return
        }
      }
    } finally {
      this.draining = false
      if (this.state !== 'CLOSED') this.socket.uncork()
    }
    this.maybeResume()
  }

  private finish(req: Request): void {
    const now = Date.now()
    const lat = now - req.receivedAt
    this.server.stats.latency.add(lat)
    // As ServerStats.updateLatency: transactions are updates, everything else (pings too) reads.
    if (req.kind === 'write') this.server.stats.summaries.updatelatency.add(lat)
    else this.server.stats.summaries.readlatency.add(lat)
    this.latency.add(lat)
    this.lastLatency = lat
    this.lastResponseTime = now
    this.lastOp = req.opName
    this.lastZxid = this.server.tree.lastProcessedZxid
    if (req.reply) {
      this.server.stats.responseSize(req.reply.length - 4) // without the length prefix, as ZooKeeper counts
      this.write(req.reply)
    }
  }

  /** A watch fired for this connection: WatcherEvent with xid -1. */
  process(type: number, path: string, zxid: number): void {
    if (this.state !== 'CONNECTED') return
    const b = replyFrame(Xid.NOTIFICATION_XID, zxid, 0, (w) => w.int(type).int(KeeperState.SyncConnected).ustring(path))
    this.server.stats.watchBytes += b.length - 4
    this.write(b)
  }

  private write(b: Buffer): void {
    if (this.socket.destroyed) return
    this.sent++
    this.server.stats.packetsSent++
    this.server.stats.responseBytes += b.length - 4
    this.socket.write(b)
    if (this.socket.writableLength > WRITE_HIGH_WATER) this.pause()
  }

  private pause(): void {
    if (this.paused) return
    this.paused = true
    this.socket.pause()
  }

  private maybeResume(): void {
    if (!this.paused || this.state === 'CLOSED') return
    if (this.queue.length >= this.server.config.maxOutstandingPerConnection / 2) return
    if (this.socket.writableLength > WRITE_HIGH_WATER / 2) return
    this.paused = false
    this.socket.resume()
    if (this.buf.length > 0) this.parse()
  }

  private fourLetter(word: string): void {
    let text: string
    if (!this.server.config.fourLetterWords.has(word)) {
      text = `${word} is not executed because it is not in the whitelist.\n`
    } else {
      text = this.server.fourLetterWord(word, this)
    }
    this.server.logger.debug(`Processing ${word} command from ${this.remote()}`)
    if (!this.socket.destroyed) this.socket.end(text)
    if (this.state !== 'CLOSED') this.setState('CLOSED')
  }

  /** Closes after logging why (bad input). */
  drop(reason: string): void {
    this.server.logger.warn(`Closing connection to ${this.remote()}${this.sessionId ? ` (session 0x${this.sessionId.toString(16)})` : ''}: ${reason}`)
    this.close(reason)
  }

  close(_reason: string): void {
    if (this.state !== 'CLOSED') this.setState('CLOSED')
    if (!this.socket.destroyed) this.socket.end()
    setTimeout(() => this.socket.destroy(), 1000).unref()
    this.closed()
  }

  closeForSession(reason: string): void {
    this.close(reason)
  }

  private cleaned = false
  private closed(): void {
    if (this.state !== 'CLOSED') this.setState('CLOSED')
    if (this.cleaned) return
    this.cleaned = true
    this.server.tree.removeWatcher(this)
    if (this.session && this.session.conn === this) this.session.conn = null
    this.queue = []
    this.server.connectionClosed(this)
  }
}
