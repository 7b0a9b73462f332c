// A TCP listener (one per entry of `listeners`): accepts sockets and keeps the live connections so
// that stop() can drain them. Connection ids are unique across listeners for the broker's life.
import net from 'node:net'
import type {Logger} from '../../common/logger.js'
import type {Listener as ListenerConfig} from '../config.js'
import {Connection, type Dispatcher} from './connection.js'

let nextConnectionId = 0

export class ListenerError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message)
    this.name = 'ListenerError'
  }
}

export class SocketListener {
  private server: net.Server | undefined
  private readonly connections = new Set<Connection>()
  port = 0

  constructor(
    readonly config: ListenerConfig,
    private readonly dispatcher: Dispatcher,
    private readonly opts: {maxRequestBytes: number; idleMs: number; logger: Logger},
  ) {}

  get connectionCount(): number {
    return this.connections.size
  }

  async start(): Promise<void> {
    const server = net.createServer({noDelay: true}, (socket) => {
      const conn = new Connection(socket, nextConnectionId++, this.config.name, this.dispatcher, this.opts)
      this.connections.add(conn)
      conn.whenClosed(() => this.connections.delete(conn))
    })
    this.server = server
    // An empty host binds every interface, as Kafka does for `PLAINTEXT://:9092`.
    const host = this.config.host === '' ? undefined : this.config.host
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        const where = `${host ?? '0.0.0.0'}:${this.config.port}`
        const reason = error.code === 'EADDRINUSE' ? 'Address already in use' : error.code === 'EADDRNOTAVAIL' ? 'Cannot assign requested address' : error.message
        reject(new ListenerError(`Socket server failed to bind to ${where}: ${reason}.`, error.code))
      }
      server.once('error', onError)
      server.listen({port: this.config.port, host, backlog: 511}, () => {
        server.off('error', onError)
        resolve()
      })
    })
    server.on('error', (error) => this.opts.logger.error(`Listener ${this.config.name}: ${error.message}`))
    this.port = (server.address() as net.AddressInfo).port
  }

  /** Stops accepting; lets in-flight requests finish (up to timeoutMs), then closes every connection. */
  async stop(timeoutMs = 5000): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await Promise.all([...this.connections].map((c) => c.drain(timeoutMs)))
    for (const c of this.connections) c.destroy()
    await closed
  }
}
