// ktool's ZooKeeper client against ktool's ZooKeeper server over real sockets: handshake and
// negotiated timeout, every operation with ZooKeeper's error codes, watches, chroot, multi,
// several hosts, reconnect with the same session (watches re-armed), expiry, pings.
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startZooKeeper, type StartedZooKeeper} from '../../../helpers/zookeeper.js'
import {waitFor} from '../../../helpers/wait.js'
import {ZooKeeperClient, ZooKeeperError, Err, EventType, parseConnectString, type WatchEvent} from '../../../../src/protocol/zookeeper/client/index.js'

let zk: StartedZooKeeper
const clients: ZooKeeperClient[] = []

async function client(connect = zk.connectString, opts: ConstructorParameters<typeof ZooKeeperClient>[1] = {}): Promise<ZooKeeperClient> {
  const c = new ZooKeeperClient(connect, {sessionTimeoutMs: 4000, ...opts})
  clients.push(c)
  await c.connect()
  return c
}

function nextEvent(c: ZooKeeperClient, name: string): Promise<unknown> {
  return new Promise((resolve) => c.once(name, resolve))
}

/** Drops the client's TCP connection as a network failure would (the session lives on). */
function dropConnection(c: ZooKeeperClient): void {
  ;(c as unknown as {socket: net.Socket}).socket.destroy()
}

async function closedPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

beforeAll(async () => {
  // tickTime 500: sessions between 1 s and 10 s.
  zk = await startZooKeeper({tickTime: 500})
})

afterAll(async () => {
  for (const c of clients) await c.close(500)
  await zk?.stop()
})

describe('connect string', () => {
  test('hosts, default port, IPv6 and chroot', () => {
    expect(parseConnectString('a:1,b,[::1]:3/kafka/x')).toEqual({hosts: [{host: 'a', port: 1}, {host: 'b', port: 2181}, {host: '::1', port: 3}], chroot: '/kafka/x'})
    expect(parseConnectString('a:1/').chroot).toBe('')
    expect(() => parseConnectString('a:x')).toThrow(/Invalid port/)
    expect(() => parseConnectString('a:1/k/')).toThrow(/Invalid chroot/)
  })
})

describe('ZooKeeperClient', () => {
  test('handshake: a session id, its password and a timeout negotiated within the server bounds', async () => {
    const c = await client(zk.connectString, {sessionTimeoutMs: 60_000})
    expect(c.sessionId).not.toBe(0n)
    expect(c.sessionPassword.length).toBe(16)
    expect(c.sessionTimeoutMs).toBe(10_000) // maxSessionTimeout = 20 ticks
    expect(c.currentState).toBe('connected')
    expect(c.readOnly).toBe(false)
  })

  test('create, getData, setData, exists, getChildren, delete; errors carry code, name, op and path', async () => {
    const c = await client()
    expect(await c.create('/ops', 'root')).toBe('/ops')
    const seq = await c.create('/ops/s-', 'x', 'persistent_sequential')
    expect(seq).toMatch(/^\/ops\/s-\d{10}$/)
    await c.create('/ops/e', Buffer.from([1, 2, 3]), 'ephemeral')
    const {data, stat} = await c.getData('/ops/e')
    expect(data).toEqual(Buffer.from([1, 2, 3]))
    expect(stat.ephemeralOwner).toBe(c.sessionId)
    expect((await c.setData('/ops', 'v1', 0)).version).toBe(1)
    const bad = await c.setData('/ops', 'v2', 0).catch((e) => e)
    expect(bad).toBeInstanceOf(ZooKeeperError)
    expect(bad).toMatchObject({code: Err.BADVERSION, codeName: 'BADVERSION', op: 'setData', path: '/ops'})
    expect(bad.message).toBe('KeeperErrorCode = BadVersion for /ops (setData)')
    expect((await c.getChildren('/ops')).sort()).toEqual(['e', seq.slice('/ops/'.length)].sort())
    expect(await c.exists('/nope')).toBeNull()
    expect((await c.exists('/ops'))?.numChildren).toBe(2)
    await expect(c.getData('/nope')).rejects.toMatchObject({code: Err.NONODE, codeName: 'NONODE', op: 'getData', path: '/nope'})
    await expect(c.create('/ops', null)).rejects.toMatchObject({code: Err.NODEEXISTS, op: 'create'})
    await expect(c.delete('/ops')).rejects.toMatchObject({code: Err.NOTEMPTY, codeName: 'NOTEMPTY'})
    await c.delete('/ops/e')
    expect(await c.exists('/ops/e')).toBeNull()
  })

  test('watches fire once with the event type and path: data, child and exists', async () => {
    const c = await client()
    const other = await client()
    await c.create('/w', 'a')
    const events: WatchEvent[] = []
    await c.getData('/w', (e) => events.push(e))
    await c.getChildren('/w', (e) => events.push(e))
    expect(await c.exists('/w/later', (e) => events.push(e))).toBeNull()
    await other.setData('/w', 'b')
    await other.setData('/w', 'c') // one-shot: no second data event
    await other.create('/w/later', null)
    await waitFor(() => events.length >= 3, 5000, 'three events')
    expect(events).toHaveLength(3)
    expect(new Set(events.map((e) => `${e.type} ${e.path}`))).toEqual(new Set([`${EventType.NodeDataChanged} /w`, `${EventType.NodeCreated} /w/later`, `${EventType.NodeChildrenChanged} /w`]))
  })

  test('a chroot is applied to every path sent and stripped from paths received', async () => {
    const root = await client()
    await root.create('/app', null)
    const c = await client(`${zk.connectString}/app`)
    expect(await c.create('/n-', 'x', 'persistent_sequential')).toMatch(/^\/n-\d{10}$/)
    expect((await root.getChildren('/app'))[0]).toMatch(/^n-/)
    expect(await c.getChildren('/')).toHaveLength(1)
    const seen = new Promise<WatchEvent>((resolve) => void c.exists('/late', resolve))
    await root.create('/app/late', null)
    expect((await seen).path).toBe('/late')
    await expect(c.getData('/missing')).rejects.toMatchObject({path: '/missing'})
  })

  test('multi applies all or nothing; a failure names the op and path that failed', async () => {
    const c = await client()
    const r = await c.multi([{type: 'create', path: '/m', data: 'x'}, {type: 'create', path: '/m/a'}, {type: 'setData', path: '/m', data: 'y', version: 0}, {type: 'check', path: '/m', version: 1}])
    expect(r.map((x) => x.type)).toEqual(['create', 'create', 'setData', 'check'])
    expect(r[0]).toEqual({type: 'create', path: '/m'})
    const e = await c.multi([{type: 'create', path: '/m/b'}, {type: 'delete', path: '/m/nope'}]).catch((x) => x)
    expect(e).toMatchObject({code: Err.NONODE, op: 'multi/delete', path: '/m/nope'})
    expect(await c.exists('/m/b')).toBeNull() // rolled back
  })

  test('several hosts: an unreachable one is skipped', async () => {
    const dead = await closedPort()
    const c = await client(`127.0.0.1:${dead},${zk.connectString}`, {shuffleHosts: false})
    expect(c.currentHost).toEqual({host: '127.0.0.1', port: zk.port})
    expect(await c.exists('/')).not.toBeNull()
  })

  test('a lost connection reconnects with the same session and re-arms its watches', async () => {
    const c = await client()
    const other = await client()
    await c.create('/rw', 'a')
    await c.create('/rw-e', null, 'ephemeral')
    const fired: WatchEvent[] = []
    await c.getData('/rw', (e) => fired.push(e))
    const id = c.sessionId
    const disconnected = nextEvent(c, 'disconnected')
    const connected = nextEvent(c, 'connected')
    dropConnection(c)
    await disconnected
    // A change made while disconnected is reported on reconnect (setWatches with the last zxid).
    await other.setData('/rw', 'b')
    await connected
    expect(c.sessionId).toBe(id)
    await waitFor(() => fired.length === 1, 5000, 'the data watch')
    expect(fired[0]!.type).toBe(EventType.NodeDataChanged)
    expect(await other.exists('/rw-e')).not.toBeNull() // same session: the ephemeral stayed
    // Requests made while disconnected wait for the connection.
    await c.getData('/rw', (e) => fired.push(e))
    dropConnection(c)
    expect((await c.getData('/rw')).data?.toString()).toBe('b')
    await other.setData('/rw', 'c')
    await waitFor(() => fired.length === 2, 5000, 'the re-armed watch')
  })

  test('on connection loss, the next host of the connect string takes the session over', async () => {
    // Two TCP proxies in front of the one server stand for two servers of an ensemble.
    const sockets: net.Socket[] = []
    const proxy = async () => {
      const server = net.createServer((inbound) => {
        const outbound = net.connect(zk.port, '127.0.0.1')
        sockets.push(inbound, outbound)
        inbound.pipe(outbound).pipe(inbound)
        const close = () => (inbound.destroy(), outbound.destroy())
        inbound.on('error', close).on('close', close)
        outbound.on('error', close).on('close', close)
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      return server
    }
    const a = await proxy()
    const b = await proxy()
    const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port
    try {
      const c = await client(`127.0.0.1:${portOf(a)},127.0.0.1:${portOf(b)}`, {shuffleHosts: false})
      expect(c.currentHost?.port).toBe(portOf(a))
      await c.create('/hop', null, 'ephemeral')
      const id = c.sessionId
      // Host a goes away for good: the client moves to b with the same session.
      a.close()
      const connected = nextEvent(c, 'connected')
      for (const s of sockets.splice(0)) s.destroy()
      await connected
      expect(c.currentHost?.port).toBe(portOf(b))
      expect(c.sessionId).toBe(id)
      expect((await c.exists('/hop'))?.ephemeralOwner).toBe(id)
      await c.close()
    } finally {
      a.close()
      b.close()
      for (const s of sockets) s.destroy()
    }
  })

  test('session expiry: the session closed elsewhere is reported as expired, its ephemerals gone', async () => {
    const c = await client()
    const other = await client()
    await c.create('/exp-e', null, 'ephemeral')
    const expired = nextEvent(c, 'expired')
    // A second connection resumes the session with its id and password, then closes it.
    const thief = new ZooKeeperClient(zk.connectString, {sessionId: c.sessionId, sessionPassword: c.sessionPassword, sessionTimeoutMs: 4000})
    await thief.connect()
    await thief.close()
    await expired
    expect(c.currentState).toBe('expired')
    await expect(c.getData('/')).rejects.toMatchObject({code: Err.SESSIONEXPIRED, codeName: 'SESSIONEXPIRED'})
    expect(await other.exists('/exp-e')).toBeNull()
  })

  test('pings keep an idle session alive past its timeout', async () => {
    const c = await client(zk.connectString, {sessionTimeoutMs: 1000})
    const other = await client()
    expect(c.sessionTimeoutMs).toBe(1000)
    await c.create('/ping-e', null, 'ephemeral')
    await new Promise((r) => setTimeout(r, 2500))
    expect(c.currentState).toBe('connected')
    expect(await other.exists('/ping-e')).not.toBeNull()
  })

  test('close ends the session: its ephemerals go and later calls fail', async () => {
    const c = await client()
    const other = await client()
    await c.create('/close-e', null, 'ephemeral')
    await c.close()
    expect(await other.exists('/close-e')).toBeNull()
    await expect(c.exists('/')).rejects.toMatchObject({code: Err.CONNECTIONLOSS})
  })
})
