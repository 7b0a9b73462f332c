// The broker's ZooKeeper session, as Kafka's ZooKeeperClient keeps it, over ktool's own client
// (src/protocol/zookeeper/client: no third-party module to load at start-up). What it adds:
// - connect with a timeout (zookeeper.connection.timeout.ms), JSON helpers, put, mkdirp,
//   recursive remove, createAll in one multi;
// - session expiry: a new session is created (retrying until it works or the client is closed),
//   then every onNewSession handler runs (broker registration, controller election, watches).
//   Operations issued while the new session is being set up wait for it.
import {ZooKeeperClient, type Stat, type Watcher, type CreateModeName, type MultiOp, type MultiResult} from '../../protocol/zookeeper/client/client.js'
import {ZooKeeperError, Err} from '../../protocol/zookeeper/client/zookeeper-error.js'
import type {Logger} from '../../common/logger.js'

export type {Stat, Watcher, WatchEvent, MultiOp, MultiResult} from '../../protocol/zookeeper/client/client.js'

export class ZkTimeoutError extends Error {}

export function isNoNode(error: unknown): boolean {
  return error instanceof ZooKeeperError && error.code === Err.NONODE
}
export function isNodeExists(error: unknown): boolean {
  return error instanceof ZooKeeperError && error.code === Err.NODEEXISTS
}
export function isBadVersion(error: unknown): boolean {
  return error instanceof ZooKeeperError && error.code === Err.BADVERSION
}

type Handler = () => void | Promise<void>

async function open(connectString: string, sessionTimeoutMs: number, connectionTimeoutMs: number): Promise<ZooKeeperClient> {
  const client = new ZooKeeperClient(connectString, {sessionTimeoutMs})
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ZkTimeoutError('Timed out waiting for connection while in state: CONNECTING')), connectionTimeoutMs)
      }),
    ])
    return client
  } catch (error) {
    await client.close(0)
    throw error
  } finally {
    clearTimeout(timer)
  }
}

export class ZkClient {
  private readonly expiredHandlers: Handler[] = []
  private readonly newSessionHandlers: Handler[] = []
  private readonly events = new Map<string, (() => void)[]>()
  /** Resolves when a usable session is there (pending while a new one is being created). */
  private ready: Promise<void> = Promise.resolve()
  /** Resolves when the last re-initialisation, handlers included, is over. */
  private reinit: Promise<void> = Promise.resolve()
  private closed = false
  /** Sessions this process had before the current one (their ephemeral nodes are ours to wait out). */
  readonly previousSessions: bigint[] = []

  private constructor(
    private client: ZooKeeperClient,
    readonly connectString: string,
    private readonly sessionTimeoutMs: number,
    private readonly connectionTimeoutMs: number,
    private readonly logger: Logger | undefined,
  ) {
    this.attach(client)
  }

  static async connect(connectString: string, sessionTimeoutMs: number, connectionTimeoutMs: number, logger?: Logger): Promise<ZkClient> {
    return new ZkClient(await open(connectString, sessionTimeoutMs, connectionTimeoutMs), connectString, sessionTimeoutMs, connectionTimeoutMs, logger)
  }

  get sessionId(): bigint {
    return this.client.sessionId
  }

  get sessionPassword(): Buffer {
    return this.client.sessionPassword
  }

  get negotiatedTimeoutMs(): number {
    return this.client.sessionTimeoutMs
  }

  private attach(client: ZooKeeperClient): void {
    const cnxn = this.logger?.child('org.apache.zookeeper.ClientCnxn')
    // The initial connection is logged by the caller; reconnects of the same session here, in the
    // words of ZooKeeper's Java client.
    let lost = false
    client.on('connected', () => {
      if (lost) {
        const h = client.currentHost
        cnxn?.info(`Session establishment complete on server ${h?.host}:${h?.port}, session id = 0x${client.sessionId.toString(16)}, negotiated timeout = ${client.sessionTimeoutMs}`)
      }
      this.fire('connected')
    })
    client.on('disconnected', () => {
      lost = true
      cnxn?.info(`Unable to read additional data from server sessionid 0x${client.sessionId.toString(16)}, likely server has closed socket, closing socket connection and attempting reconnect`)
      this.fire('disconnected')
    })
    client.on('error', (error: Error) => this.logger?.error(`[ZooKeeperClient Kafka server] Watcher failed: ${error.message}`))
    client.on('expired', () => {
      if (this.client !== client || this.closed) return
      this.logger?.child('org.apache.zookeeper.ClientCnxn').warn(`Unable to reconnect to ZooKeeper service, session 0x${client.sessionId.toString(16)} has expired`)
      this.fire('expired')
      let sessionUp!: () => void
      this.ready = new Promise<void>((resolve) => (sessionUp = resolve))
      this.reinit = this.reinitialize(client, sessionUp)
    })
  }

  private fire(event: string): void {
    for (const fn of this.events.get(event) ?? []) fn()
  }

  on(event: 'expired' | 'disconnected' | 'connected', fn: () => void): void {
    const list = this.events.get(event) ?? []
    list.push(fn)
    this.events.set(event, list)
  }

  /** Runs when the session has expired, before a new one is created (Kafka: beforeInitializingSession). */
  onExpired(fn: Handler): void {
    this.expiredHandlers.push(fn)
  }

  /** Runs once a new session replaces an expired one (Kafka: afterInitializingSession). */
  onNewSession(fn: Handler): void {
    this.newSessionHandlers.push(fn)
  }

  /** Resolves once the session in use was set up and its handlers have run (tests, tools). */
  whenReady(): Promise<void> {
    return this.reinit
  }

  private async reinitialize(expired: ZooKeeperClient, sessionUp: () => void): Promise<void> {
    const log = this.logger
    log?.info('[ZooKeeperClient Kafka server] Session expired.')
    for (const fn of this.expiredHandlers) await runHandler(fn, log)
    this.previousSessions.push(expired.sessionId)
    await expired.close(0)
    // Retry until a session is there (Kafka retries forever), unless we are being closed.
    for (let attempt = 0; !this.closed; attempt++) {
      log?.info(`[ZooKeeperClient Kafka server] Initializing a new session to ${this.connectString}.`)
      try {
        this.client = await open(this.connectString, this.sessionTimeoutMs, this.connectionTimeoutMs)
        if (this.closed) break
        this.attach(this.client)
        log?.info('[ZooKeeperClient Kafka server] Connected.')
        break
      } catch (error) {
        log?.warn(`[ZooKeeperClient Kafka server] Could not create a new session: ${(error as Error).message}`)
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 4))))
      }
    }
    // Operations waiting for the session go ahead (after close(), they fail on the closed client).
    sessionUp()
    if (this.closed) {
      await this.client.close()
      return
    }
    for (const fn of this.newSessionHandlers) await runHandler(fn, log)
  }

  async close(): Promise<void> {
    this.closed = true
    await this.client.close()
  }

  private async c(): Promise<ZooKeeperClient> {
    await this.ready
    return this.client
  }

  /**
   * A read lost with the connection is sent again (the client holds it until it has reconnected),
   * as Kafka's ZooKeeperClient retries until connected. Writes are not: one may have been applied.
   */
  private async read<T>(op: (c: ZooKeeperClient) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.c()
      try {
        return await op(client)
      } catch (error) {
        if (!(error instanceof ZooKeeperError && error.code === Err.CONNECTIONLOSS) || this.closed || attempt >= 5) throw error
      }
    }
  }

  async create(path: string, data: Buffer | string | null, mode: CreateModeName = 'persistent'): Promise<string> {
    return (await this.c()).create(path, data, mode)
  }

  /** A transaction: every op or none. */
  async multi(ops: MultiOp[]): Promise<MultiResult[]> {
    return (await this.c()).multi(ops)
  }

  /** Creates persistent empty nodes in one multi-op (all or none). */
  async createAll(paths: string[]): Promise<void> {
    await (await this.c()).multi(paths.map((path) => ({type: 'create' as const, path})))
  }

  /** Creates the path and its parents when missing. */
  async mkdirp(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean)
    let current = ''
    for (const part of parts) {
      current += '/' + part
      try {
        await this.create(current, null)
      } catch (error) {
        if (!isNodeExists(error)) throw error
      }
    }
  }

  /** Creates a node (parents included) or overwrites its data. */
  async put(path: string, data: string): Promise<void> {
    try {
      await this.setData(path, data)
    } catch (error) {
      if (!isNoNode(error)) throw error
      const parent = path.slice(0, path.lastIndexOf('/'))
      if (parent) await this.mkdirp(parent)
      try {
        await this.create(path, data)
      } catch (e) {
        if (!isNodeExists(e)) throw e
        await this.setData(path, data)
      }
    }
  }

  getData(path: string, watcher?: Watcher): Promise<{data: Buffer | null; stat: Stat}> {
    return this.read((c) => c.getData(path, watcher))
  }

  async getJson<T>(path: string, watcher?: Watcher): Promise<T | null> {
    try {
      const {data} = await this.getData(path, watcher)
      return data && data.length ? (JSON.parse(data.toString('utf8')) as T) : null
    } catch (error) {
      if (isNoNode(error)) return null
      throw error
    }
  }

  async setData(path: string, data: string | Buffer, version = -1): Promise<Stat> {
    return (await this.c()).setData(path, data, version)
  }

  getChildren(path: string, watcher?: Watcher): Promise<string[]> {
    return this.read((c) => c.getChildren(path, watcher))
  }

  async exists(path: string): Promise<boolean> {
    return (await this.read((c) => c.exists(path))) !== null
  }

  /** The node's Stat or null; with a watcher, it fires on creation, change or deletion. */
  stat(path: string, watcher?: Watcher): Promise<Stat | null> {
    return this.read((c) => c.exists(path, watcher))
  }

  /** Deletes a node; a missing one is not an error. */
  async remove(path: string): Promise<void> {
    try {
      await (await this.c()).delete(path, -1)
    } catch (error) {
      if (!isNoNode(error)) throw error
    }
  }

  async removeRecursive(path: string): Promise<void> {
    let children: string[]
    try {
      children = await this.getChildren(path)
    } catch (error) {
      if (isNoNode(error)) return
      throw error
    }
    for (const c of children) await this.removeRecursive(`${path}/${c}`)
    await this.remove(path)
  }
}

async function runHandler(fn: Handler, log: Logger | undefined): Promise<void> {
  try {
    await fn()
  } catch (error) {
    log?.error(`[ZooKeeperClient Kafka server] Session handler failed: ${(error as Error).message}`)
  }
}
