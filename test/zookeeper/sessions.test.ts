// Sessions: ephemerals go on close and on expiry (driven by an injected clock), reconnects move
// a session, a wrong password or an expired session gets timeout 0 like ZooKeeper gives; plus
// the ops only newer clients send (create2/TTL/container, getEphemerals, whoAmI, multiRead,
// getAllChildrenNumber).
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {ManualClock} from '../../src/common/clock.js'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {CreateMode, EventType} from '../../src/protocol/zookeeper/generated/constants.js'
import {Err} from '../../src/protocol/zookeeper/generated/errors.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {RawClient, worldAcl} from './raw-client.js'

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const create = (r: RawClient, path: string, flags = 0, type: number = OpCode.create, ttl?: bigint) =>
  r.request(type, (w) => {
    w.ustring(path).buffer(Buffer.from('d'))
    worldAcl(w)
    w.int(flags)
    if (ttl !== undefined) w.long(ttl)
  })
const exists = (r: RawClient, path: string, watch = false) => r.request(OpCode.exists, (w) => w.ustring(path).bool(watch))

describe('sessions with a manual clock', () => {
  let zk: StartedZooKeeper
  let clock: ManualClock
  beforeAll(async () => {
    clock = new ManualClock(Date.now())
    zk = await startZooKeeper({clock, tickTime: 1000, extendedTypesEnabled: true, containerCheckIntervalMs: 1000})
  })
  afterAll(async () => zk.stop())

  test('negotiated timeout is clamped to [2, 20] ticks', async () => {
    const lo = await RawClient.connect(zk.port, {timeout: 10})
    const hi = await RawClient.connect(zk.port, {timeout: 10_000_000})
    expect(lo.timeout).toBe(2000)
    expect(hi.timeout).toBe(20000)
    lo.close()
    hi.close()
  })

  test('a silent session expires after its timeout: ephemerals removed, watchers told', async () => {
    const owner = await RawClient.connect(zk.port, {timeout: 4000})
    const watcher = await RawClient.connect(zk.port, {timeout: 20000})
    expect((await create(owner, '/eph', CreateMode.EPHEMERAL)).err).toBe(0)
    await exists(watcher, '/eph', true)
    clock.advance(2000)
    await new Promise((r) => setTimeout(r, 50))
    expect((await exists(watcher, '/eph')).err).toBe(0)
    clock.advance(4000)
    await until(() => watcher.events.length > 0)
    expect(watcher.events[0]).toMatchObject({type: EventType.NodeDeleted, path: '/eph'})
    expect((await exists(watcher, '/eph')).err).toBe(Err.NONODE)
    await owner.whenClosed()
    // Coming back to an expired session: timeout 0, session 0, then the server closes.
    const back = await RawClient.open(zk.port)
    await back.handshake({sessionId: owner.sessionId, passwd: owner.passwd})
    expect(back.timeout).toBe(0)
    expect(back.sessionId).toBe(0n)
    await back.whenClosed()
    watcher.close()
  })

  test('a session that keeps talking does not expire', async () => {
    const s = await RawClient.connect(zk.port, {timeout: 4000})
    await create(s, '/alive', CreateMode.EPHEMERAL)
    for (let i = 0; i < 5; i++) {
      clock.advance(2000)
      await s.request(OpCode.ping, undefined, -2)
    }
    expect((await exists(s, '/alive')).err).toBe(0)
    s.close()
  })

  test('reconnect moves the session; a wrong password is refused', async () => {
    const first = await RawClient.connect(zk.port, {timeout: 10000})
    await create(first, '/moved', CreateMode.EPHEMERAL)
    const bad = await RawClient.open(zk.port)
    await bad.handshake({sessionId: first.sessionId, passwd: Buffer.alloc(16, 7)})
    expect(bad.timeout).toBe(0)
    const second = await RawClient.open(zk.port)
    await second.handshake({sessionId: first.sessionId, passwd: first.passwd, timeout: 10000})
    expect(second.sessionId).toBe(first.sessionId)
    expect(second.timeout).toBe(10000)
    await first.whenClosed()
    expect((await exists(second, '/moved')).err).toBe(0)
    const eph = await second.request(OpCode.getEphemerals, (w) => w.ustring('/'))
    expect(eph.body.vector((r) => r.ustring())).toEqual(['/moved'])
    // closeSession: reply, connection closed, ephemerals gone.
    const closed = await second.request(OpCode.closeSession)
    expect(closed.err).toBe(0)
    await second.whenClosed()
    const check = await RawClient.connect(zk.port)
    expect((await exists(check, '/moved')).err).toBe(Err.NONODE)
    check.close()
  })

  test('a client that has seen a newer zxid is refused', async () => {
    const c = await RawClient.open(zk.port)
    c.handshake({lastZxid: zk.server.tree.lastProcessedZxid + 100}).catch(() => {})
    await c.whenClosed()
  })

  test('container nodes go once their last child is gone; TTL nodes after their TTL', async () => {
    const s = await RawClient.connect(zk.port, {timeout: 20000})
    expect((await create(s, '/box', CreateMode.CONTAINER, OpCode.createContainer)).err).toBe(0)
    expect((await create(s, '/box/a')).err).toBe(0)
    expect((await create(s, '/ttl', CreateMode.PERSISTENT_WITH_TTL, OpCode.createTTL, 3000n)).err).toBe(0)
    const st = await exists(s, '/ttl')
    st.body.offset += 8 * 4 + 4 * 3
    expect(st.body.long()).toBe(0n) // clients see ephemeralOwner 0 for TTL nodes
    clock.advance(1000)
    await new Promise((r) => setTimeout(r, 50))
    expect((await exists(s, '/box')).err).toBe(0)
    await s.request(OpCode.delete, (w) => w.ustring('/box/a').int(-1))
    clock.advance(1000)
    await until(() => zk.server.tree.getNode('/box') === undefined)
    expect((await exists(s, '/ttl')).err).toBe(0)
    clock.advance(3000)
    await until(() => zk.server.tree.getNode('/ttl') === undefined)
    // Bad TTLs and TTL without the mode are BADARGUMENTS.
    expect((await create(s, '/ttl0', CreateMode.PERSISTENT_WITH_TTL, OpCode.createTTL, 0n)).err).toBe(Err.BADARGUMENTS)
    expect((await create(s, '/ttl1', CreateMode.PERSISTENT, OpCode.createTTL, 100n)).err).toBe(Err.BADARGUMENTS)
    s.close()
  })
})

describe('newer ops', () => {
  let zk: StartedZooKeeper
  let s: RawClient
  beforeAll(async () => {
    zk = await startZooKeeper()
    s = await RawClient.connect(zk.port)
  })
  afterAll(async () => {
    s.close()
    await zk.stop()
  })

  test('create2 returns the stat; TTL is UNIMPLEMENTED without extendedTypesEnabled', async () => {
    const r = await create(s, '/c2', 0, OpCode.create2)
    expect(r.err).toBe(0)
    expect(r.body.ustring()).toBe('/c2')
    const czxid = r.body.longNum()
    expect(czxid).toBe(r.zxid)
    expect((await create(s, '/t', CreateMode.PERSISTENT_WITH_TTL, OpCode.createTTL, 1000n)).err).toBe(Err.UNIMPLEMENTED)
  })

  test('getAllChildrenNumber counts descendants', async () => {
    await create(s, '/n')
    await create(s, '/n/a')
    await create(s, '/n/a/b')
    await create(s, '/n/c')
    const r = await s.request(OpCode.getAllChildrenNumber, (w) => w.ustring('/n'))
    expect(r.body.int()).toBe(3)
  })

  test('whoAmI lists ip and digest identities', async () => {
    const auth = await s.request(OpCode.auth, (w) => w.int(0).ustring('digest').buffer(Buffer.from('carol:pw')), -4)
    expect(auth.err).toBe(0)
    const r = await s.request(OpCode.whoAmI)
    const ids = r.body.vector((x) => [x.ustring(), x.ustring()])
    expect(ids).toEqual([['ip', '127.0.0.1'], ['digest', 'carol']])
  })

  test('multiRead answers each op, errors per op', async () => {
    await create(s, '/mr')
    const r = await s.request(OpCode.multiRead, (w) => {
      w.int(OpCode.getData).bool(false).int(-1).ustring('/mr').bool(false)
      w.int(OpCode.getChildren).bool(false).int(-1).ustring('/missing').bool(false)
      w.int(OpCode.getChildren).bool(false).int(-1).ustring('/n').bool(false)
      w.int(-1).bool(true).int(-1)
    })
    expect(r.err).toBe(0)
    const b = r.body
    expect([b.int(), b.bool(), b.int()]).toEqual([OpCode.getData, false, 0])
    expect(b.buffer()!.toString()).toBe('d')
    b.offset += 68
    expect([b.int(), b.bool(), b.int(), b.int()]).toEqual([-1, false, Err.NONODE, Err.NONODE])
    expect([b.int(), b.bool(), b.int()]).toEqual([OpCode.getChildren, false, 0])
    expect(b.vector((x) => x.ustring()).sort()).toEqual(['a', 'c'])
  })

  test('unknown auth scheme: AUTHFAILED and the connection closes', async () => {
    const c = await RawClient.connect(zk.port)
    const r = await c.request(OpCode.auth, (w) => w.int(0).ustring('kerberos').buffer(Buffer.from('x')), -4)
    expect(r.err).toBe(Err.AUTHFAILED)
    await c.whenClosed()
  })

  test('reconfig is refused as disabled', async () => {
    const r = await s.request(OpCode.reconfig, (w) => w.ustring('').ustring('').ustring('').long(-1n))
    expect(r.err).toBe(Err.RECONFIGDISABLED)
  })

  test('ephemerals are removed when the client closes its session', async () => {
    const c = await RawClient.connect(zk.port)
    await create(c, '/bye', CreateMode.EPHEMERAL)
    await c.request(OpCode.closeSession)
    await c.whenClosed()
    expect((await exists(s, '/bye')).err).toBe(Err.NONODE)
  })
})
