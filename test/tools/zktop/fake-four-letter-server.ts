// A TCP server that answers four-letter words with fixed replies, for the tests that need servers
// which refuse words, vanish and come back, without starting a JVM. Unknown words get the
// connection closed with no reply, as ZooKeeper does.
import {createServer, type Server, type Socket} from 'node:net'

/** A reply that never comes: the connection stays open and silent. */
export const HANG = Symbol('hang')
export type Replies = Record<string, string | typeof HANG | (() => string)>

export class FakeFourLetterServer {
  private server?: Server
  private sockets = new Set<Socket>()
  readonly asked: string[] = []
  port = 0

  constructor(public replies: Replies) {}

  async start(port = 0): Promise<this> {
    const server = createServer({allowHalfOpen: true}, (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => {})
      let buf = ''
      socket.on('data', (d) => {
        buf += d.toString('latin1')
        if (buf.length < 4) return
        const word = buf.slice(0, 4)
        this.asked.push(word)
        const reply = this.replies[word]
        if (reply === undefined) return void socket.destroy()
        if (reply === HANG) return
        socket.end(typeof reply === 'function' ? reply() : reply)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.server = server
    this.port = (server.address() as {port: number}).port
    return this
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = undefined
  }
}

/** A stat/srvr body with the given figures, in ZooKeeper 3.8's layout. */
export function statReply(o: {received: number; sent?: number; clients?: string[]; mode?: string; nodes?: number; zxid?: string; avg?: string}): string {
  return 'Zookeeper version: 3.8.0-fake, built on 2024-12-29 17:54 UTC\nClients:\n' +
    (o.clients ?? []).map((c) => c + '\n').join('') + '\n' + srvrBody(o)
}

export function srvrReply(o: {received: number; sent?: number; mode?: string; nodes?: number; zxid?: string; avg?: string; connections?: number}): string {
  return 'Zookeeper version: 3.8.0-fake, built on 2024-12-29 17:54 UTC\n' + srvrBody(o)
}

function srvrBody(o: {received: number; sent?: number; clients?: string[]; mode?: string; nodes?: number; zxid?: string; avg?: string; connections?: number}): string {
  return `Latency min/avg/max: 0/${o.avg ?? '0.5'}/9\nReceived: ${o.received}\nSent: ${o.sent ?? o.received}\n` +
    `Connections: ${o.connections ?? o.clients?.length ?? 0}\nOutstanding: 0\nZxid: ${o.zxid ?? '0x10'}\nMode: ${o.mode ?? 'standalone'}\nNode count: ${o.nodes ?? 5}\n`
}

export const NOT_WHITELISTED = (word: string): string => `${word} is not executed because it is not in the whitelist.\n`
