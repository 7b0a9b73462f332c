// The broker's ZooKeeper session wrapper against ktool's ZooKeeper server: reads survive a lost
// connection; an expired session is replaced, its handlers run in order, and operations issued
// meanwhile wait for the new session.
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startZooKeeper, type StartedZooKeeper} from '../../helpers/zookeeper.js'
import {memoryLogger} from '../../../src/common/logger.js'
import {ZkClient} from '../../../src/broker/cluster/zk-client.js'
import {expireSession} from './expire-session.js'

/** Lets `op` go out on the wire, keeps its reply unread, then drops the connection under it. */
async function dropUnder<T>(zk: ZkClient, op: () => Promise<T>): Promise<Promise<T>> {
  const inner = (zk as unknown as {client: {socket: net.Socket; inflight: unknown[]}}).client
  inner.socket.pause()
  const pending = op()
  while (inner.inflight.length === 0) await new Promise((r) => setImmediate(r))
  inner.socket.destroy()
  return pending
}

describe('ZkClient', () => {
  let zk: StartedZooKeeper
  const clients: ZkClient[] = []
  beforeAll(async () => {
    zk = await startZooKeeper({tickTime: 500})
  })
  afterAll(async () => {
    for (const c of clients) await c.close()
    await zk?.stop()
  })

  it('sends a read again when the connection drops under it', async () => {
    const {logger, lines} = memoryLogger()
    const c = await ZkClient.connect(zk.connectString, 6000, 5000, logger)
    clients.push(c)
    await c.put('/r/a/b', '"v"')
    const disconnected = new Promise<void>((r) => c.on('disconnected', r))
    expect(await (await dropUnder(c, () => c.getJson<string>('/r/a/b')))).toBe('v')
    await disconnected
    expect(await (await dropUnder(c, () => c.getChildren('/r')))).toEqual(['a'])
    const text = lines.join('\n')
    expect(text).toMatch(/INFO Unable to read additional data from server sessionid 0x[0-9a-f]+, likely server has closed socket, closing socket connection and attempting reconnect \(org\.apache\.zookeeper\.ClientCnxn\)/)
    expect(text).toMatch(/INFO Session establishment complete on server 127\.0\.0\.1:\d+, session id = 0x[0-9a-f]+, negotiated timeout = 6000/)
  })

  it('replaces an expired session: handlers run in order, and operations issued meanwhile wait for it', async () => {
    const {logger, lines} = memoryLogger()
    const c = await ZkClient.connect(`${zk.connectString}`, 6000, 5000, logger)
    clients.push(c)
    const order: string[] = []
    c.onExpired(() => void order.push('expired'))
    c.onNewSession(async () => {
      order.push(`new session ${c.sessionId === first ? 'same' : 'fresh'}`)
      await c.create('/handler-ran', null, 'ephemeral')
    })
    const first = c.sessionId
    const expired = new Promise<void>((r) => c.on('expired', r))
    await expireSession(zk.connectString, c)
    await expired
    // Issued while the new session is being created: it waits for it instead of failing.
    expect(await c.exists('/')).toBe(true)
    await c.whenReady()
    expect(order).toEqual(['expired', 'new session fresh'])
    expect(c.previousSessions).toEqual([first])
    expect(await c.exists('/handler-ran')).toBe(true)
    expect(lines.join('\n')).toMatch(/Session expired\.[\s\S]*Initializing a new session to 127\.0\.0\.1:\d+\.[\s\S]*Connected\./)
  })
})
