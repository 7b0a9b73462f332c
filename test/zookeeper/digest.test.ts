// The tree digest behind `hash`: kept up to date change by change, it must always equal the
// digest recomputed from scratch; it is logged every 128 zxids in ZooKeeper's format; it survives
// a restart (recomputed from the snapshot); the AdminServer reports the same log as JSON.
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import fs from 'node:fs'
import {crc32} from 'node:zlib'
import {DataTree} from '../../src/zookeeper/data-tree.js'
import {nodeDigest} from '../../src/zookeeper/digest.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {call, closeClient, connectClient, zookeeper, type ZkClient} from './client.js'
import {fourLetter} from './four-letter-helpers.js'

/** The digest of the whole tree, node by node (what the incremental one must equal). */
function fromScratch(tree: DataTree): bigint {
  let sum = 0n
  for (const [path, node] of tree.nodes) sum += BigInt(nodeDigest(path, node))
  return BigInt.asIntN(64, sum)
}

describe('tree digest', () => {
  test('a fresh tree: the root and /zookeeper count, /zookeeper/quota and /zookeeper/config do not', () => {
    const tree = new DataTree()
    const zeros = Buffer.alloc(60)
    // The root's path is "" and all its stat fields are 0; /zookeeper likewise.
    const expected = BigInt(crc32(zeros)) + BigInt(crc32(zeros, crc32('/zookeeper')))
    expect(tree.digest()).toBe(expected)
    expect(nodeDigest('/zookeeper/quota', tree.getNode('/zookeeper/quota')!)).toBe(0)
  })

  let zk: StartedZooKeeper
  let c: ZkClient
  let keptDir: string | null = null
  beforeAll(async () => {
    zk = await startZooKeeper({adminEnableServer: true, adminServerPort: 0, adminServerAddress: '127.0.0.1', fourLetterWords: new Set(['hash', 'srvr'])})
    c = await connectClient(zk.connectString)
  })
  afterAll(async () => {
    await closeClient(c)
    await zk?.stop()
    if (keptDir) fs.rmSync(keptDir, {recursive: true, force: true})
  })

  test('every kind of change keeps the incremental digest equal to the digest from scratch', async () => {
    const tree = zk.server.tree
    const open = zookeeper.ACL.OPEN_ACL_UNSAFE
    await call((cb) => c.create('/d', Buffer.from('root'), cb))
    await call((cb) => c.create('/d/a', Buffer.from('a'), cb))
    await call((cb) => c.create('/d/e', Buffer.from('e'), zookeeper.CreateMode.EPHEMERAL, cb))
    await call((cb) => c.setData('/d/a', Buffer.from('changed'), -1, cb))
    await call((cb) => c.setData('/', Buffer.from('root data'), -1, cb))
    await call((cb) => c.setACL('/d/a', open, -1, cb))
    await call((cb) => c.transaction().create('/d/m1', Buffer.from('1')).setData('/d/a', Buffer.from('x')).remove('/d/m1').commit(cb))
    // A failed multi changes nothing.
    await call((cb) => c.transaction().create('/d/m2').setData('/d/a', Buffer.from('y'), 99).commit(cb)).catch(() => {})
    await call((cb) => c.remove('/d/a', -1, cb))
    expect(tree.digest()).toBe(fromScratch(tree))
    // A session closing removes its ephemerals.
    const other = await connectClient(zk.connectString)
    await call((cb) => other.create('/d/other-eph', Buffer.from('o'), zookeeper.CreateMode.EPHEMERAL, cb))
    expect(tree.digest()).toBe(fromScratch(tree))
    await closeClient(other)
    await new Promise((r) => setTimeout(r, 100))
    expect(tree.getNode('/d/other-eph')).toBeUndefined()
    expect(tree.digest()).toBe(fromScratch(tree))
  })

  test('hash prints "<zxid hex>: <digest>" every 128 zxids; the AdminServer gives the same as JSON', async () => {
    const tree = zk.server.tree
    while (tree.lastProcessedZxid < 0x101) await call((cb) => c.create('/d/n', null, zookeeper.CreateMode.PERSISTENT_SEQUENTIAL, cb))
    const text = await fourLetter(zk.port, 'hash')
    const lines = text.split('\n')
    expect(lines.at(-1)).toBe('')
    expect(lines.slice(0, 2).map((l) => l.split(':')[0])).toEqual(['80', '100'])
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^[0-9a-f]+: -?\d+$/)
    expect(text).toBe(tree.digestLog.map((d) => `${d.zxid.toString(16)}: ${d.digest}\n`).join(''))
    const res = await fetch(`http://127.0.0.1:${zk.server.adminPort}/commands/hash`)
    const body = (await res.json()) as {command: string; digests: {zxid: number; digest_version: number; digest: number}[]}
    expect(body.command).toBe('hash')
    expect(body.digests.map((d) => `${d.zxid.toString(16)}: ${d.digest}`)).toEqual(lines.slice(0, -1))
    expect(body.digests[0]!.digest_version).toBe(2)
  })

  test('after a restart the digest is recomputed from the snapshot and the log', async () => {
    const dataDir = zk.dataDir
    await closeClient(c) // its ephemeral /d/e goes with its session
    await new Promise((r) => setTimeout(r, 100))
    expect(zk.server.tree.getNode('/d/e')).toBeUndefined()
    const before = zk.server.tree.digest()
    await zk.stop({keepData: true})
    keptDir = dataDir
    zk = await startZooKeeper({dataDir, fourLetterWords: new Set(['hash'])})
    c = await connectClient(zk.connectString)
    const tree = zk.server.tree
    // The restored tree plus this new session's createSession (which changes no node).
    expect(tree.digest()).toBe(before)
    expect(tree.digest()).toBe(fromScratch(tree))
  })
})
