// ktool's data directory (snapshot + txn log, as left by a crash) restores into Apache ZooKeeper
// 3.8: same zxid, same nodes, same data. (The other direction is in zookeeper.test.ts.)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {CreateMode} from '../../src/protocol/zookeeper/generated/constants.js'
import {requirePeers} from '../helpers/peers.js'
import {startZooKeeper} from '../helpers/zookeeper.js'
import {fields, fourLetter} from '../zookeeper/four-letter-helpers.js'
import {RawClient, worldAcl} from '../zookeeper/raw-client.js'
import {ZK_CFG, startApacheZk, type ApacheZk} from './zookeeper-apache.js'

describe.skipIf(!requirePeers('zookeeper', 'java'))('ktool data files in Apache ZooKeeper 3.8', () => {
  let apache: ApacheZk | undefined
  const dirs: string[] = []
  afterAll(async () => {
    await apache?.stop()
    for (const d of dirs) fs.rmSync(d, {recursive: true, force: true})
  })

  test('Apache ZooKeeper restores what ktool logged and snapshotted', async () => {
    const ours = await startZooKeeper({...ZK_CFG, snapCount: 40})
    const c = await RawClient.connect(ours.port)
    const create = (p: string, data: string, flags = 0, acl = worldAcl) =>
      c.request(OpCode.create, (w) => {
        w.ustring(p).buffer(Buffer.from(data))
        acl(w)
        w.int(flags)
      })
    await create('/fmt', 'root')
    for (let i = 0; i < 50; i++) await create(`/fmt/n-`, `v${i}`, CreateMode.PERSISTENT_SEQUENTIAL)
    await c.request(OpCode.setData, (w) => w.ustring('/fmt').buffer(Buffer.from('changed')).int(-1))
    await c.request(OpCode.delete, (w) => w.ustring('/fmt/n-0000000003').int(-1))
    await create('/fmt/ro', 'r', 0, (w) => w.int(1).int(1).ustring('world').ustring('anyone'))
    await new Promise((r) => setTimeout(r, 200)) // let the background snapshot land
    // Copy the files as a crash would leave them (the server is still running).
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
    dirs.push(copy)
    fs.cpSync(ours.dataDir, copy, {recursive: true})
    const ourSrvr = fields(await fourLetter(ours.port, 'srvr'))
    c.close()
    await ours.stop()
    expect(fs.readdirSync(path.join(copy, 'version-2')).filter((f) => f.startsWith('snapshot.')).length).toBeGreaterThan(1)

    apache = await startApacheZk(copy)
    const theirSrvr = fields(await fourLetter(apache.port, 'srvr'))
    expect(theirSrvr.get('Zxid')).toBe(ourSrvr.get('Zxid'))
    expect(theirSrvr.get('Node count')).toBe(ourSrvr.get('Node count'))
    const a = await RawClient.connect(apache.port)
    const get = async (p: string) => {
      const r = await a.request(OpCode.getData, (w) => w.ustring(p).bool(false))
      return r.err === 0 ? r.body.buffer()!.toString() : r.err
    }
    expect(await get('/fmt')).toBe('changed')
    expect(await get('/fmt/n-0000000049')).toBe('v49')
    expect(await get('/fmt/n-0000000003')).toBe(-101)
    const acl = await a.request(OpCode.getACL, (w) => w.ustring('/fmt/ro'))
    expect(acl.body.vector((r) => [r.int(), r.ustring(), r.ustring()])).toEqual([[1, 'world', 'anyone']])
    a.close()
  }, 60_000)
})
