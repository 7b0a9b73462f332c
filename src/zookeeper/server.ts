// ZooKeeperServer: a standalone ZooKeeper-compatible server as a library. It wires the request
// pipeline (network -> prep -> sync -> final), restores the tree from dataDir on start, expires
// sessions, cleans up containers and TTL nodes, purges old snapshots and answers four-letter
// words. `zookeeper-start` only constructs one; tests start it in-process on port 0.
import {mkdirSync, accessSync, constants as fsConstants} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {join} from 'node:path'
import {systemClock, type Clock} from '../common/clock.js'
import {Logger} from '../common/logger.js'
import {OpCode} from '../protocol/zookeeper/generated/opcodes.js'
import {defaultConfig, type ZooKeeperConfig} from './config.js'
import {DataTree, ttlOf} from './data-tree.js'
import {Connection} from './network/connection.js'
import {FinalProcessor} from './processors/final.js'
import {PrepProcessor} from './processors/prep.js'
import type {Request} from './processors/request.js'
import {SyncProcessor} from './processors/sync.js'
import type {ZkCore} from './processors/core.js'
import {VERSION_DIR, zxidHex} from './persistence/files.js'
import {purge} from './persistence/purge.js'
import {restore} from './persistence/restore.js'
import {writeSnapshot} from './persistence/snapshot.js'
import {TxnLog} from './persistence/txn-log.js'
import {SessionTracker, type Session} from './sessions.js'
import {ServerStats} from './stats.js'
import {fourLetterWord} from './four-letter/commands.js'

export {parseZooKeeperConfig, ConfigError, type ZooKeeperConfig} from './config.js'

/** Start-up failures carry QuorumPeerMain's exit codes (3: data dir, 4: admin server). */
export class ServerStartError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message)
    this.name = 'ServerStartError'
  }
}

// Server states and transitions (checked in setState):
//   NEW       constructed                                        -> STARTING, STOPPED
//   STARTING  restoring the data dir, binding the port           -> RUNNING, STOPPING, STOPPED
//   RUNNING   serving                                            -> STOPPING
//   STOPPING  draining the pipeline, closing, final snapshot     -> STOPPED
//   STOPPED   (final)
type ServerState = 'NEW' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED'
const SERVER_TRANSITIONS: Record<ServerState, ServerState[]> = {
  NEW: ['STARTING', 'STOPPED'],
  STARTING: ['RUNNING', 'STOPPING', 'STOPPED'],
  RUNNING: ['STOPPING'],
  STOPPING: ['STOPPED'],
  STOPPED: [],
}

export class ZooKeeperServer implements ZkCore {
  readonly config: ZooKeeperConfig
  readonly logger: Logger
  readonly clock: Clock
  tree: DataTree
  readonly sessions: SessionTracker
  readonly prep: PrepProcessor
  readonly sync: SyncProcessor
  readonly final: FinalProcessor
  readonly txnLog: TxnLog
  readonly stats = new ServerStats()
  readonly connections = new Set<Connection>()
  readonly snapDir: string
  readonly logDir: string
  state: ServerState = 'NEW'
  private stopping: Promise<void> | null = null

  private setState(next: ServerState): void {
    if (!SERVER_TRANSITIONS[this.state].includes(next)) throw new Error(`ZooKeeper server: illegal transition ${this.state} -> ${next}`)
    this.state = next
  }
  private listener: Server | null = null
  private zxid = 0
  private perIp = new Map<string, number>()
  private timers: {cancel(): void}[] = []
  private admin: {close(): Promise<void>; port: number} | null = null
  private fatalError: Error | null = null
  private startupSnapshot: Promise<void> = Promise.resolve()
  private lastSnapshotZxid = -1

  constructor(config: Partial<ZooKeeperConfig> = {}, logger?: Logger) {
    this.config = defaultConfig(config)
    this.logger = logger ?? new Logger('org.apache.zookeeper.server.ZooKeeperServer')
    this.clock = this.config.clock ?? systemClock
    this.snapDir = join(this.config.dataDir, VERSION_DIR)
    this.logDir = join(this.config.dataLogDir, VERSION_DIR)
    this.tree = new DataTree(this.config.extendedTypesEnabled)
    this.sessions = new SessionTracker(this.config.tickTime, this.clock, (s) => this.expire(s))
    this.prep = new PrepProcessor(this)
    this.sync = new SyncProcessor(this)
    this.final = new FinalProcessor(this)
    this.txnLog = new TxnLog(this.logDir, this.config.preAllocSize)
  }

  get port(): number {
    const a = this.listener?.address()
    return a && typeof a === 'object' ? a.port : this.config.clientPort
  }

  get adminPort(): number {
    return this.admin?.port ?? -1
  }

  nextZxid(): number {
    return ++this.zxid
  }

  async start(): Promise<void> {
    if (this.state !== 'NEW') throw new Error(`cannot start a server that is ${this.state}`)
    this.setState('STARTING')
    const c = this.config
    this.logger.info(`Server environment:zookeeper.version=${(await import('./four-letter/version.js')).ZK_VERSION}`)
    for (const dir of [this.snapDir, this.logDir]) {
      try {
        mkdirSync(dir, {recursive: true})
        accessSync(dir, fsConstants.W_OK)
      } catch (e) {
        this.setState('STOPPED')
        throw new ServerStartError(`Unable to access datadir, exiting abnormally: ${dir}: ${(e as Error).message}`, 3)
      }
    }
    this.logger.info(`Created server with tickTime ${c.tickTime} ms minSessionTimeout ${c.minSessionTimeout} ms maxSessionTimeout ${c.maxSessionTimeout} ms clientPortListenBacklog ${c.clientPortListenBacklog} datadir ${this.logDir} snapdir ${this.snapDir}`)
    const started = Date.now()
    const res = await restore(this.snapDir, this.logDir, c.extendedTypesEnabled, this.logger)
    this.tree = res.tree
    this.tree.observer = this.stats
    this.stats.summaries.startup_snap_load_time.add(res.snapLoadMs)
    // FileTxnSnapLog.fastForwardFromEdits records these only when the log had transactions.
    if (res.replayed > 0) {
      this.stats.summaries.startup_txns_loaded.add(res.replayed)
      this.stats.summaries.startup_txns_load_time.add(res.replayMs)
    }
    this.zxid = this.tree.lastProcessedZxid
    // Restored sessions get a fresh deadline and expire normally if their clients do not return.
    for (const [id, timeout] of this.tree.sessions) this.sessions.add(id, timeout)
    this.stats.summaries.dbinittime.add(Date.now() - started)
    this.logger.info(`${this.tree.nodeCount()} znodes, ${res.replayed} transactions replayed, last zxid 0x${zxidHex(this.zxid)}, ${this.tree.sessions.size} sessions restored in ${Date.now() - started} ms`)
    // ZooKeeper snapshots the restored tree at start-up. Ours is written in the background: the
    // log already holds everything, so serving need not wait for it (start-up time matters).
    this.startupSnapshot = this.takeSnapshot().catch((e) => this.logger.error(`start-up snapshot failed: ${(e as Error).message}`))
    this.sessions.start()
    try {
      await this.listen()
    } catch (e) {
      // e.g. EADDRINUSE: leave nothing running, so the caller may retry on another port.
      this.sessions.stop()
      await this.startupSnapshot
      this.setState('STOPPED')
      throw e
    }
    this.scheduleContainerCheck()
    this.schedulePurge()
    if (c.adminEnableServer) {
      try {
        const {startAdminServer} = await import('./admin-server.js')
        const admin = await startAdminServer(this)
        this.admin = admin
        this.logger.info(`Started AdminServer on address ${c.adminServerAddress}, port ${admin.port} and command URL /commands`)
      } catch (e) {
        await this.stop()
        throw new ServerStartError(`Unable to start AdminServer, exiting abnormally: ${(e as Error).message}`, 4)
      }
    }
    this.setState('RUNNING')
  }

  private listen(): Promise<void> {
    const c = this.config
    const server = createServer({allowHalfOpen: false}, (socket) => this.accept(socket))
    this.listener = server
    return new Promise((resolve, reject) => {
      server.once('error', (e) => reject(e))
      const backlog = c.clientPortListenBacklog > 0 ? c.clientPortListenBacklog : undefined
      server.listen({port: c.clientPort, host: c.clientPortAddress, backlog}, () => {
        server.removeAllListeners('error')
        server.on('error', (e) => this.logger.error(`listener error: ${e.message}`))
        const wildcard = c.clientPortAddress === '0.0.0.0' || c.clientPortAddress === '::'
        this.logger.info(`binding to port ${wildcard ? '0.0.0.0/0.0.0.0' : '/' + c.clientPortAddress}:${this.port}`)
        resolve()
      })
    })
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? ''
    const n = (this.perIp.get(ip) ?? 0) + 1
    if (this.config.maxClientCnxns > 0 && n > this.config.maxClientCnxns) {
      this.stats.connectionRejected++
      this.logger.warn(`Too many connections from ${ip} - max is ${this.config.maxClientCnxns}`)
      socket.destroy()
      return
    }
    if (this.state !== 'RUNNING' && this.state !== 'STARTING') {
      socket.destroy()
      return
    }
    this.perIp.set(ip, n)
    const conn = new Connection(this, socket)
    ;(conn as {ipKey?: string}).ipKey = ip
    this.connections.add(conn)
  }

  connectionClosed(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    const ip = (conn as {ipKey?: string}).ipKey ?? ''
    const n = (this.perIp.get(ip) ?? 1) - 1
    if (n <= 0) this.perIp.delete(ip)
    else this.perIp.set(ip, n)
  }

  /** An internal write (session expiry, container cleanup): no connection waits for it. */
  private submitInternal(type: number, sessionId: bigint, record: unknown): void {
    if (this.state !== 'RUNNING') return
    const req: Request = {
      owner: null, sessionId, xid: 0, type, record, authInfo: [], receivedAt: Date.now(), kind: 'write',
      opName: type === OpCode.closeSession ? 'CLOS' : 'DELE', done: false,
    }
    this.prep.process(req)
  }

  private expire(s: Session): void {
    this.logger.info(`Expiring session 0x${s.id.toString(16)}, timeout of ${s.timeout}ms exceeded`)
    this.stats.sessionsExpired++
    this.submitInternal(OpCode.closeSession, s.id, null)
  }

  sessionClosed(sessionId: bigint): void {
    for (const conn of this.connections) {
      if (conn.sessionId === sessionId && conn.state !== 'CLOSED') conn.close('session closed')
    }
  }

  private scheduleContainerCheck(): void {
    const tick = () => {
      if (this.state !== 'RUNNING') return
      const now = this.clock.now()
      for (const path of this.tree.containers) {
        const n = this.tree.getNode(path)
        if (n && n.cversion > 0 && n.numChildren === 0) this.submitInternal(OpCode.deleteContainer, 0n, {path})
      }
      for (const path of this.tree.ttls) {
        const n = this.tree.getNode(path)
        if (n && n.numChildren === 0 && now - n.mtime > ttlOf(n.ephemeralOwner)) this.submitInternal(OpCode.deleteContainer, 0n, {path})
      }
      this.timers.push(this.clock.setTimeout(tick, this.config.containerCheckIntervalMs))
    }
    this.timers.push(this.clock.setTimeout(tick, this.config.containerCheckIntervalMs))
  }

  private schedulePurge(): void {
    const hours = this.config.autopurgePurgeInterval
    if (hours <= 0) {
      this.logger.info('Purge task is not scheduled.')
      return
    }
    const run = async () => {
      if (this.state !== 'RUNNING') return
      const removed = await purge(this.snapDir, this.logDir, this.config.autopurgeSnapRetainCount)
      this.logger.info(`Purge task completed: ${removed.length} files removed`)
      this.timers.push(this.clock.setTimeout(() => void run(), hours * 3600_000))
    }
    void run()
  }

  /** Writes snapshot.<last zxid> of the current tree. */
  async takeSnapshot(): Promise<void> {
    this.lastSnapshotZxid = this.tree.lastProcessedZxid
    const path = join(this.snapDir, `snapshot.${zxidHex(this.tree.lastProcessedZxid)}`)
    this.logger.info(`Snapshotting: 0x${zxidHex(this.tree.lastProcessedZxid)} to ${path}`)
    const t = Date.now()
    await writeSnapshot(this.snapDir, this.tree)
    this.stats.summaries.snapshottime.add(Date.now() - t)
  }

  /**
   * The log cannot be written: like ZooKeeper, stop serving (nothing more can be acknowledged).
   * `failed` resolves so that zookeeper-start exits non-zero.
   */
  fatal(e: Error): void {
    if (this.fatalError) return
    this.fatalError = e
    this.resolveFailed(e)
    void this.stop()
  }

  private resolveFailed: (e: Error) => void = () => {}
  /** Resolves with the error if the server stops because its log cannot be written. */
  readonly failed: Promise<Error> = new Promise((resolve) => (this.resolveFailed = resolve))

  fourLetterWord(word: string, conn: Connection): string {
    return fourLetterWord(this, word, conn)
  }

  /** Idempotent: concurrent callers (a signal, a log failure) share one shutdown. */
  stop(): Promise<void> {
    if (this.state === 'NEW') this.setState('STOPPED')
    if (this.state === 'STOPPED') return Promise.resolve()
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    this.setState('STOPPING')
    this.logger.info('shutting down')
    for (const t of this.timers) t.cancel()
    this.sessions.stop()
    const closing = this.listener ? new Promise<void>((res) => this.listener!.close(() => res())) : Promise.resolve()
    await this.sync.drain()
    for (const conn of [...this.connections]) conn.close('server shutting down')
    for (const conn of [...this.connections]) conn.socket.destroy()
    await closing
    await this.admin?.close()
    await this.txnLog.close()
    await this.startupSnapshot
    if (!this.fatalError && this.tree.lastProcessedZxid !== this.lastSnapshotZxid) await this.takeSnapshot().catch((e) => this.logger.error(`snapshot on shutdown failed: ${(e as Error).message}`))
    this.setState('STOPPED')
    this.logger.info('ZooKeeper server stopped')
  }
}
