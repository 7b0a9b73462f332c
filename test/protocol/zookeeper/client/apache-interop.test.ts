// ktool's ZooKeeper client against Apache ZooKeeper 3.8: the same behaviour as against ktool's
// server (negotiated timeout, error codes, a failed multi naming its op, watches re-armed after a
// lost connection, expiry).
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {requirePeers} from '../../../helpers/peers.js'
import {waitFor} from '../../../helpers/wait.js'
import {startApacheZk, type ApacheZk} from '../../../interop/zookeeper-apache.js'
import {ZooKeeperClient, Err, EventType, type WatchEvent} from '../../../../src/protocol/zookeeper/client/index.js'

describe.skipIf(!requirePeers('zookeeper', 'java'))('ZooKeeperClient against Apache ZooKeeper 3.8', () => {
  let zk: ApacheZk
  const clients: ZooKeeperClient[] = []
  const client = async (opts: ConstructorParameters<typeof ZooKeeperClient>[1] = {}) => {
    const c = new ZooKeeperClient(`127.0.0.1:${zk.port}`, {sessionTimeoutMs: 4000, ...opts})
    clients.push(c)
    await c.connect()
    return c
  }
  beforeAll(async () => {
    zk = await startApacheZk() // tickTime 500: sessions of 1 s to 10 s
  }, 60_000)
  afterAll(async () => {
    for (const c of clients) await c.close(500)
    await zk?.stop()
  })

  test('negotiates the timeout and reports errors with their codes', async () => {
    const c = await client({sessionTimeoutMs: 60_000})
    expect(c.sessionTimeoutMs).toBe(10_000)
    await c.create('/a', 'x')
    await expect(c.create('/a', 'y')).rejects.toMatchObject({code: Err.NODEEXISTS, codeName: 'NODEEXISTS', op: 'create', path: '/a'})
    await expect(c.setData('/a', 'y', 7)).rejects.toMatchObject({code: Err.BADVERSION})
    expect(await c.exists('/missing')).toBeNull()
  })

  test('a multi applies all or nothing and a failure names the failing op', async () => {
    const c = await client()
    expect(await c.multi([{type: 'create', path: '/m'}, {type: 'create', path: '/m/1', data: 'd'}])).toEqual([{type: 'create', path: '/m'}, {type: 'create', path: '/m/1'}])
    await expect(c.multi([{type: 'create', path: '/m/2'}, {type: 'check', path: '/m', version: 5}])).rejects.toMatchObject({code: Err.BADVERSION, op: 'multi/check', path: '/m'})
    expect(await c.exists('/m/2')).toBeNull()
  })

  test('watches survive a lost connection (setWatches) and fire for a change made meanwhile', async () => {
    const c = await client()
    const other = await client()
    await c.create('/w', 'a')
    const events: WatchEvent[] = []
    await c.getData('/w', (e) => events.push(e))
    await c.getChildren('/w', (e) => events.push(e))
    const id = c.sessionId
    const back = new Promise((r) => c.once('connected', r))
    ;(c as unknown as {socket: net.Socket}).socket.destroy()
    await other.setData('/w', 'b')
    await back
    expect(c.sessionId).toBe(id)
    await waitFor(() => events.length === 1, 5000, 'the data event')
    await other.create('/w/kid', null)
    await waitFor(() => events.length === 2, 5000, 'the child event')
    expect(events.map((e) => e.type)).toEqual([EventType.NodeDataChanged, EventType.NodeChildrenChanged])
  })

  test('a session closed from a second connection is reported as expired', async () => {
    const c = await client()
    const expired = new Promise((r) => c.once('expired', r))
    const thief = new ZooKeeperClient(`127.0.0.1:${zk.port}`, {sessionId: c.sessionId, sessionPassword: c.sessionPassword, sessionTimeoutMs: 4000})
    await thief.connect()
    await thief.close()
    await expired
    await expect(c.exists('/')).rejects.toMatchObject({code: Err.SESSIONEXPIRED})
  })
})
