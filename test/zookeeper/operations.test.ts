// Every operation node-zookeeper-client sends, against the in-process server.
import fs from 'node:fs'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {call, closeClient, code, connectClient, zookeeper, type ZkClient} from './client.js'

const {ACL, Id, Permission, CreateMode, Exception} = zookeeper
let zk: StartedZooKeeper
let c: ZkClient
let other: ZkClient

const long = (b: Buffer) => b.readBigInt64BE(0)

beforeAll(async () => {
  zk = await startZooKeeper()
  c = await connectClient(zk.connectString)
  other = await connectClient(zk.connectString)
})

afterAll(async () => {
  await closeClient(c)
  await closeClient(other)
  await zk.stop()
})

describe('znodes', () => {
  test('create, getData, exists, setData, delete with full stats', async () => {
    const path = await call<string>((cb) => c.create('/ops', Buffer.from('hello'), cb))
    expect(path).toBe('/ops')
    const [data, stat] = await call<[Buffer, any]>((cb) => c.getData('/ops', cb))
    expect(data.toString()).toBe('hello')
    expect(stat.version).toBe(0)
    expect(stat.dataLength).toBe(5)
    expect(stat.numChildren).toBe(0)
    expect(long(stat.czxid)).toBe(long(stat.mzxid))
    expect(long(stat.ctime)).toBeGreaterThan(1_600_000_000_000n)
    const s2 = await call<any>((cb) => c.setData('/ops', Buffer.from('bye'), 0, cb))
    expect(s2.version).toBe(1)
    expect(long(s2.mzxid)).toBeGreaterThan(long(s2.czxid))
    expect(await code(call((cb) => c.setData('/ops', Buffer.from('x'), 0, cb)))).toBe(Exception.BAD_VERSION)
    const ex = await call<any>((cb) => c.exists('/ops', cb))
    expect(ex.version).toBe(1)
    expect(await call((cb) => c.exists('/nope', cb))).toBeNull()
    expect(await code(call((cb) => c.getData('/nope', cb)))).toBe(Exception.NO_NODE)
    expect(await code(call((cb) => c.remove('/ops', 5, cb)))).toBe(Exception.BAD_VERSION)
    await call((cb) => c.remove('/ops', 1, cb))
    expect(await code(call((cb) => c.remove('/ops', -1, cb)))).toBe(Exception.NO_NODE)
  })

  test('create errors: exists, no parent, bad path, ephemeral parent, special paths', async () => {
    await call((cb) => c.create('/errs', cb))
    expect(await code(call((cb) => c.create('/errs', cb)))).toBe(Exception.NODE_EXISTS)
    expect(await code(call((cb) => c.create('/errs/a/b', cb)))).toBe(Exception.NO_NODE)
    await call((cb) => c.create('/errs/eph', null, ACL.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, cb))
    expect(await code(call((cb) => c.create('/errs/eph/kid', cb)))).toBe(Exception.NO_CHILDREN_FOR_EPHEMERALS)
    expect(await code(call((cb) => c.remove('/zookeeper', -1, cb)))).toBe(Exception.BAD_ARGUMENTS)
    await call((cb) => c.create('/errs/full', cb))
    await call((cb) => c.create('/errs/full/kid', cb))
    expect(await code(call((cb) => c.remove('/errs/full', -1, cb)))).toBe(Exception.NOT_EMPTY)
  })

  test('sequential nodes take a 10-digit counter from the parent cversion', async () => {
    await call((cb) => c.create('/seq', cb))
    const a = await call<string>((cb) => c.create('/seq/n-', null, ACL.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, cb))
    const b = await call<string>((cb) => c.create('/seq/n-', null, ACL.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL, cb))
    expect(a).toBe('/seq/n-0000000000')
    expect(b).toBe('/seq/n-0000000001')
    await call((cb) => c.remove(a, -1, cb))
    const d = await call<string>((cb) => c.create('/seq/m', null, ACL.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, cb))
    expect(d).toBe('/seq/m0000000002')
    const [, stat] = await call<[string[], any]>((cb) => c.getChildren('/seq', cb))
    // cversion as clients see it counts creates and deletes: 3 creates + 1 delete.
    expect(stat.cversion).toBe(4)
  })

  test('getChildren lists children; root lists /zookeeper', async () => {
    await call((cb) => c.create('/kids', cb))
    for (const k of ['a', 'b', 'c']) await call((cb) => c.create(`/kids/${k}`, cb))
    const [kids, stat] = await call<[string[], any]>((cb) => c.getChildren('/kids', cb))
    expect(kids.sort()).toEqual(['a', 'b', 'c'])
    expect(stat.numChildren).toBe(3)
    const [root] = await call<[string[]]>((cb) => c.getChildren('/', cb))
    expect(root).toContain('zookeeper')
    const [zkKids] = await call<[string[]]>((cb) => c.getChildren('/zookeeper', cb))
    expect(zkKids.sort()).toEqual(['config', 'quota'])
  })

  test('mkdirp and null data', async () => {
    await call((cb) => c.mkdirp('/deep/er/still', cb))
    const [data, stat] = await call<[Buffer | null, any]>((cb) => c.getData('/deep/er/still', cb))
    expect(data == null || data.length === 0).toBe(true)
    expect(stat.dataLength).toBe(0)
  })
})

describe('multi', () => {
  test('a successful transaction applies every op', async () => {
    const results = await call<any[]>((cb) =>
      c.transaction().create('/tx').create('/tx/a', Buffer.from('1')).setData('/tx/a', Buffer.from('2'), 0).check('/tx', 0).remove('/tx/a', 1).commit(cb),
    )
    expect(results.map((r) => r.type)).toEqual([1, 1, 5, 13, 2])
    expect(results[0].path).toBe('/tx')
    expect(await call((cb) => c.exists('/tx/a', cb))).toBeNull()
  })

  test('a failing transaction applies nothing and reports per-op errors', async () => {
    const err = await call((cb) => c.transaction().create('/tx2').setData('/tx2', Buffer.from('x'), 7).create('/tx3').commit(cb)).then(
      () => null,
      (e) => e,
    )
    expect(err).not.toBeNull()
    expect(await call((cb) => c.exists('/tx2', cb))).toBeNull()
    expect(await call((cb) => c.exists('/tx3', cb))).toBeNull()
  })
})

describe('ACLs', () => {
  test('digest ACL denies others and admits the authenticated', async () => {
    const acl = [new ACL(Permission.ALL, new Id('digest', 'bob:' + require_digest('bob:pw').split(':')[1]))]
    await call((cb) => c.create('/secret', Buffer.from('s'), acl, CreateMode.PERSISTENT, cb))
    expect(await code(call((cb) => other.getData('/secret', cb)))).toBe(Exception.NO_AUTH)
    expect(await code(call((cb) => other.setData('/secret', Buffer.from('x'), -1, cb)))).toBe(Exception.NO_AUTH)
    const authed = await connectClient(zk.connectString)
    authed.addAuthInfo('digest', Buffer.from('bob:pw'))
    const [data] = await call<[Buffer]>((cb) => authed.getData('/secret', cb))
    expect(data.toString()).toBe('s')
    const [acls] = await call<[any[]]>((cb) => authed.getACL('/secret', cb))
    expect(acls[0].id.id).toBe(acl[0]!.id.id)
    await closeClient(authed)
  })

  test('read-only ACL: READ works, CREATE/WRITE denied; setACL needs ADMIN', async () => {
    await call((cb) => c.create('/ro', null, ACL.READ_ACL_UNSAFE, CreateMode.PERSISTENT, cb))
    await call((cb) => other.getData('/ro', cb))
    expect(await code(call((cb) => other.create('/ro/x', cb)))).toBe(Exception.NO_AUTH)
    expect(await code(call((cb) => other.setData('/ro', Buffer.from('x'), -1, cb)))).toBe(Exception.NO_AUTH)
    expect(await code(call((cb) => other.setACL('/ro', ACL.OPEN_ACL_UNSAFE, -1, cb)))).toBe(Exception.NO_AUTH)
    await call((cb) => c.create('/open', cb))
    const both = [...ACL.OPEN_ACL_UNSAFE, new ACL(Permission.READ, new Id('ip', '127.0.0.1'))]
    const stat = await call<any>((cb) => c.setACL('/open', both, 0, cb))
    expect(stat.aversion).toBe(1)
    expect(await code(call((cb) => c.setACL('/open', ACL.OPEN_ACL_UNSAFE, 0, cb)))).toBe(Exception.BAD_VERSION)
  })

  test('auth scheme without credentials is an invalid ACL; unknown scheme too', async () => {
    const auth = [new ACL(Permission.ALL, new Id('auth', ''))]
    expect(await code(call((cb) => other.create('/authless', null, auth, CreateMode.PERSISTENT, cb)))).toBe(Exception.INVALID_ACL)
    const bogus = [new ACL(Permission.ALL, new Id('bogus', 'x'))]
    expect(await code(call((cb) => other.create('/bogus', null, bogus, CreateMode.PERSISTENT, cb)))).toBe(Exception.INVALID_ACL)
  })

  test('ip ACL matches the connection address and CIDR ranges', async () => {
    await call((cb) => c.create('/iplocal', null, [new ACL(Permission.ALL, new Id('ip', '127.0.0.0/8'))], CreateMode.PERSISTENT, cb))
    await call((cb) => other.getData('/iplocal', cb))
    await call((cb) => c.create('/ipfar', null, [new ACL(Permission.ALL, new Id('ip', '10.1.2.3'))], CreateMode.PERSISTENT, cb))
    expect(await code(call((cb) => other.getData('/ipfar', cb)))).toBe(Exception.NO_AUTH)
  })
})

import {createHash} from 'node:crypto'
function require_digest(up: string): string {
  return `${up.split(':')[0]}:${createHash('sha1').update(up).digest('base64')}`
}

describe('server restart', () => {
  test('node-zookeeper-client reconnects to the restarted server and keeps its session and ephemerals', async () => {
    const first = await startZooKeeper()
    const port = first.port
    const client = await connectClient(first.connectString, {sessionTimeout: 10000, retries: 1000})
    const sid = client.getSessionId().toString('hex')
    await call((cb) => client.create('/survivor', null, ACL.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, cb))
    await first.stop({keepData: true})
    const second = await startZooKeeper({dataDir: first.dataDir, clientPort: port})
    try {
      const stat = await call<any>((cb) => client.exists('/survivor', cb))
      expect(stat).not.toBeNull()
      expect(client.getSessionId().toString('hex')).toBe(sid)
      await closeClient(client)
      const other2 = await connectClient(second.connectString)
      expect(await call((cb) => other2.exists('/survivor', cb))).toBeNull()
      await closeClient(other2)
    } finally {
      await second.stop()
      fs.rmSync(first.dataDir, {recursive: true, force: true})
    }
  })
})
