// Watches: one-shot data/child/exist watches, persistent and persistent-recursive watches,
// events before the reply that reflects the change, removeWatches/checkWatches, setWatches.
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {EventType, WatcherType, AddWatchMode} from '../../src/protocol/zookeeper/generated/constants.js'
import {Err} from '../../src/protocol/zookeeper/generated/errors.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {call, closeClient, connectClient, type ZkClient} from './client.js'
import {RawClient, worldAcl} from './raw-client.js'

let zk: StartedZooKeeper
let c: ZkClient

beforeAll(async () => {
  zk = await startZooKeeper()
  c = await connectClient(zk.connectString)
})

afterAll(async () => {
  await closeClient(c)
  await zk.stop()
})

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

function create(r: RawClient, path: string, data = '', flags = 0) {
  return r.request(OpCode.create, (w) => {
    w.ustring(path).buffer(Buffer.from(data))
    worldAcl(w)
    w.int(flags)
  })
}
const setData = (r: RawClient, path: string, data: string) => r.request(OpCode.setData, (w) => w.ustring(path).buffer(Buffer.from(data)).int(-1))
const del = (r: RawClient, path: string) => r.request(OpCode.delete, (w) => w.ustring(path).int(-1))
const getData = (r: RawClient, path: string, watch: boolean) => r.request(OpCode.getData, (w) => w.ustring(path).bool(watch))
const exists = (r: RawClient, path: string, watch: boolean) => r.request(OpCode.exists, (w) => w.ustring(path).bool(watch))
const getChildren = (r: RawClient, path: string, watch: boolean) => r.request(OpCode.getChildren, (w) => w.ustring(path).bool(watch))

describe('standard watches (node-zookeeper-client)', () => {
  test('data, child and exist watches fire once', async () => {
    await call((cb) => c.create('/w', cb))
    const events: string[] = []
    await call((cb) => c.getData('/w', (e: any) => events.push(`data:${e.getName()}`), cb))
    await call((cb) => c.getChildren('/w', (e: any) => events.push(`kids:${e.getName()}`), cb))
    await call((cb) => c.exists('/w/new', (e: any) => events.push(`exists:${e.getName()}`), cb))
    const writer = await connectClient(zk.connectString)
    await call((cb) => writer.setData('/w', Buffer.from('1'), -1, cb))
    await call((cb) => writer.create('/w/new', cb))
    await call((cb) => writer.setData('/w', Buffer.from('2'), -1, cb))
    await until(() => events.length >= 3)
    await new Promise((r) => setTimeout(r, 100))
    expect(events.sort()).toEqual(['data:NODE_DATA_CHANGED', 'exists:NODE_CREATED', 'kids:NODE_CHILDREN_CHANGED'])
    await closeClient(writer)
  })
})

describe('raw protocol', () => {
  let a: RawClient
  let b: RawClient
  beforeAll(async () => {
    a = await RawClient.connect(zk.port)
    b = await RawClient.connect(zk.port)
  })
  afterAll(() => {
    a.close()
    b.close()
  })

  test('the watch event reaches the watcher before the reply that reflects the change', async () => {
    await create(a, '/order')
    await getData(a, '/order', true)
    // a itself changes the node: its event must precede its own setData reply.
    const before = a.order.length
    const r = await setData(a, '/order', 'x')
    expect(r.err).toBe(0)
    expect(a.order.slice(before)).toEqual(['event:/order', `reply:${r.xid}`])
    const ev = a.events.at(-1)!
    expect(ev.type).toBe(EventType.NodeDataChanged)
    expect(ev.zxid).toBe(r.zxid)
  })

  test('delete fires one NodeDeleted per watcher plus NodeChildrenChanged on the parent', async () => {
    await create(a, '/del')
    await create(a, '/del/x')
    await getData(b, '/del/x', true)
    await getChildren(b, '/del/x', true)
    await getChildren(b, '/del', true)
    const n = b.events.length
    await del(a, '/del/x')
    await until(() => b.events.length >= n + 2)
    await new Promise((r) => setTimeout(r, 50))
    expect(b.events.slice(n).map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeDeleted, '/del/x'],
      [EventType.NodeChildrenChanged, '/del'],
    ])
  })

  test('exists on a missing node leaves a watch that fires on create', async () => {
    const r = await exists(b, '/later', true)
    expect(r.err).toBe(Err.NONODE)
    const n = b.events.length
    await create(a, '/later')
    await until(() => b.events.length > n)
    expect(b.events[n]).toMatchObject({type: EventType.NodeCreated, path: '/later'})
  })

  test('persistent watch fires on every change and stays; checkWatches/removeWatches', async () => {
    await create(a, '/p')
    const add = await b.request(OpCode.addWatch, (w) => w.ustring('/p').int(AddWatchMode.PERSISTENT))
    expect(add.err).toBe(0)
    const n = b.events.length
    await setData(a, '/p', '1')
    await setData(a, '/p', '2')
    await create(a, '/p/kid')
    await create(a, '/p/kid/grandkid') // not seen: persistent is not recursive
    await until(() => b.events.length >= n + 3)
    await new Promise((r) => setTimeout(r, 50))
    expect(b.events.slice(n).map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeDataChanged, '/p'],
      [EventType.NodeDataChanged, '/p'],
      [EventType.NodeChildrenChanged, '/p'],
    ])
    expect((await b.request(OpCode.checkWatches, (w) => w.ustring('/p').int(WatcherType.Any))).err).toBe(0)
    expect((await b.request(OpCode.removeWatches, (w) => w.ustring('/p').int(WatcherType.Any))).err).toBe(0)
    expect((await b.request(OpCode.checkWatches, (w) => w.ustring('/p').int(WatcherType.Any))).err).toBe(Err.NOWATCHER)
    expect((await b.request(OpCode.removeWatches, (w) => w.ustring('/p').int(WatcherType.Data))).err).toBe(Err.NOWATCHER)
  })

  test('persistent-recursive watch sees the whole subtree but no child events', async () => {
    await create(a, '/r')
    await b.request(OpCode.addWatch, (w) => w.ustring('/r').int(AddWatchMode.PERSISTENT_RECURSIVE))
    const n = b.events.length
    await create(a, '/r/a')
    await create(a, '/r/a/b')
    await setData(a, '/r/a/b', 'x')
    await del(a, '/r/a/b')
    await until(() => b.events.length >= n + 4)
    await new Promise((r) => setTimeout(r, 50))
    expect(b.events.slice(n).map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeCreated, '/r/a'],
      [EventType.NodeCreated, '/r/a/b'],
      [EventType.NodeDataChanged, '/r/a/b'],
      [EventType.NodeDeleted, '/r/a/b'],
    ])
  })

  test('setWatches on reconnect: changed nodes fire at once, others re-arm', async () => {
    await create(a, '/sw1')
    await create(a, '/sw2')
    const base = (await exists(a, '/sw2', false)).zxid
    await setData(a, '/sw1', 'changed')
    const c2 = await RawClient.connect(zk.port)
    const r = await c2.request(OpCode.setWatches, (w) => {
      w.longNum(base)
      w.vector(['/sw1', '/sw2', '/gone'], (w, p) => w.ustring(p))
      w.vector(['/sw2'], (w, p) => w.ustring(p))
      w.vector([], () => {})
    }, -8)
    expect(r.err).toBe(0)
    await until(() => c2.events.length >= 3)
    expect(c2.events.map((e) => [e.type, e.path]).sort()).toEqual([
      [EventType.NodeCreated, '/sw2'],
      [EventType.NodeDataChanged, '/sw1'],
      [EventType.NodeDeleted, '/gone'],
    ].sort())
    await setData(a, '/sw2', 'now')
    await until(() => c2.events.length >= 4)
    expect(c2.events[3]).toMatchObject({type: EventType.NodeDataChanged, path: '/sw2'})
    c2.close()
  })

  test('a closed connection loses its watches', async () => {
    await create(a, '/lost')
    const c3 = await RawClient.connect(zk.port)
    await getData(c3, '/lost', true)
    expect(zk.server.tree.dataWatches.has('/lost', [...zk.server.connections].find((x) => x.sessionId === c3.sessionId)!)).toBe(true)
    c3.close()
    await until(() => ![...zk.server.connections].some((x) => x.sessionId === c3.sessionId))
    expect([...zk.server.tree.dataWatches.byPathEntries()].some(([p]) => p === '/lost')).toBe(false)
  })
})
