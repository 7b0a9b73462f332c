// Durability in-process: restart from snapshot + log, replay without a clean stop, torn tails,
// log rolls and snapshots every snapCount, autopurge, and the on-disk formats.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'
import {ManualClock} from '../../src/common/clock.js'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {CreateMode} from '../../src/protocol/zookeeper/generated/constants.js'
import {Err} from '../../src/protocol/zookeeper/generated/errors.js'
import {adler32} from '../../src/zookeeper/persistence/adler32.js'
import {listZxidFiles} from '../../src/zookeeper/persistence/files.js'
import {purge} from '../../src/zookeeper/persistence/purge.js'
import {scanLog} from '../../src/zookeeper/persistence/restore.js'
import {parseSnapshot, serializeSnapshot} from '../../src/zookeeper/persistence/snapshot.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {RawClient, worldAcl} from './raw-client.js'

const dirs: string[] = []
const servers: StartedZooKeeper[] = []
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
  dirs.push(d)
  return d
}
async function start(dataDir: string, extra: Parameters<typeof startZooKeeper>[0] = {}): Promise<StartedZooKeeper> {
  const zk = await startZooKeeper({dataDir, ...extra})
  servers.push(zk)
  return zk
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop().catch(() => {})
  for (const d of dirs.splice(0)) fs.rmSync(d, {recursive: true, force: true})
})

const create = (c: RawClient, p: string, data = 'v', flags = 0) =>
  c.request(OpCode.create, (w) => {
    w.ustring(p).buffer(Buffer.from(data))
    worldAcl(w)
    w.int(flags)
  })
const getData = async (c: RawClient, p: string) => {
  const r = await c.request(OpCode.getData, (w) => w.ustring(p).bool(false))
  return r.err === 0 ? r.body.buffer()!.toString() : r.err
}

function copyDir(from: string): string {
  const to = tmp()
  fs.cpSync(from, to, {recursive: true})
  return to
}

describe('persistence', () => {
  test('adler32 matches java.util.zip.Adler32', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398)
    expect(adler32(Buffer.alloc(0))).toBe(1)
    const big = Buffer.alloc(100_000, 0xff)
    expect(adler32(big)).toBe(adler32(big.subarray(50_000), adler32(big.subarray(0, 50_000))))
  })

  test('a clean restart keeps nodes, zxid and sessions; the restored session then expires', async () => {
    const dir = tmp()
    const zk = await start(dir)
    const c = await RawClient.connect(zk.port, {timeout: 2000})
    await create(c, '/keep', 'k')
    await create(c, '/keep/eph', 'e', CreateMode.EPHEMERAL)
    await c.request(OpCode.setData, (w) => w.ustring('/keep').buffer(Buffer.from('k2')).int(-1))
    const zxid = zk.server.tree.lastProcessedZxid
    c.close()
    await zk.stop({keepData: true})
    const clock = new ManualClock(Date.now())
    const again = await start(dir, {clock, tickTime: 500})
    expect(again.server.tree.lastProcessedZxid).toBe(zxid)
    const d = await RawClient.connect(again.port)
    expect(await getData(d, '/keep')).toBe('k2')
    expect(await getData(d, '/keep/eph')).toBe('e')
    // The client that owned the session can come back to it...
    const back = await RawClient.connect(again.port, {sessionId: c.sessionId, passwd: c.passwd, timeout: 2000})
    expect(back.sessionId).toBe(c.sessionId)
    back.close()
    // ...or it expires normally.
    clock.advance(3000)
    await new Promise((r) => setTimeout(r, 100))
    expect(await getData(d, '/keep/eph')).toBe(Err.NONODE)
    d.close()
  })

  test('replay from the log alone (no clean stop): every acknowledged write is back', async () => {
    const dir = tmp()
    const zk = await start(dir)
    const c = await RawClient.connect(zk.port)
    const acked = await Promise.all(Array.from({length: 200}, (_, i) => create(c, `/n${i}`, `v${i}`)))
    expect(acked.every((r) => r.err === 0)).toBe(true)
    const copy = copyDir(dir) // as if the process died right now
    c.close()
    const again = await start(copy)
    const d = await RawClient.connect(again.port)
    for (const i of [0, 57, 199]) expect(await getData(d, `/n${i}`)).toBe(`v${i}`)
    expect(again.server.tree.nodes.size).toBe(4 + 200)
    d.close()
  })

  test('a torn log tail is truncated, never fatal', async () => {
    const dir = tmp()
    const zk = await start(dir)
    const c = await RawClient.connect(zk.port)
    for (let i = 0; i < 10; i++) await create(c, `/t${i}`)
    const copy = copyDir(dir)
    c.close()
    const log = listZxidFiles(path.join(copy, 'version-2'), 'log').at(-1)!
    const buf = fs.readFileSync(log.path)
    const scan = scanLog(buf)
    const last = scan.entries.at(-1)!
    // Cut the file in the middle of the last entry.
    const cut = scan.goodEnd - Math.floor((last.bytes.length + 13) / 2)
    fs.writeFileSync(log.path, buf.subarray(0, cut))
    const again = await startZooKeeper({dataDir: copy, captureLogs: true})
    servers.push(again)
    expect(again.logs.some((l) => l.includes('Last transaction was partial'))).toBe(true)
    const d = await RawClient.connect(again.port)
    expect(await getData(d, '/t8')).toBe('v')
    expect(await getData(d, '/t9')).toBe(Err.NONODE)
    expect(fs.statSync(log.path).size).toBeLessThan(cut)
    expect(scanLog(fs.readFileSync(log.path)).torn).toBe(false)
    // And it keeps working: new writes land after the truncated tail.
    expect((await create(d, '/t9')).err).toBe(0)
    d.close()
  })

  test('garbage in the checksum of the last entry is a torn tail too', async () => {
    const dir = tmp()
    const zk = await start(dir)
    const c = await RawClient.connect(zk.port)
    for (let i = 0; i < 5; i++) await create(c, `/g${i}`)
    const copy = copyDir(dir)
    c.close()
    const log = listZxidFiles(path.join(copy, 'version-2'), 'log').at(-1)!
    const buf = fs.readFileSync(log.path)
    const scan = scanLog(buf)
    const lastStart = scan.goodEnd - (scan.entries.at(-1)!.bytes.length + 13)
    buf[lastStart + 7] ^= 0xff
    fs.writeFileSync(log.path, buf)
    const again = await start(copy)
    const d = await RawClient.connect(again.port)
    expect(await getData(d, '/g3')).toBe('v')
    expect(await getData(d, '/g4')).toBe(Err.NONODE)
    d.close()
  })

  test('snapCount rolls the log and snapshots; restart from the newest snapshot + later logs', async () => {
    const dir = tmp()
    const zk = await start(dir, {snapCount: 10})
    const c = await RawClient.connect(zk.port)
    for (let i = 0; i < 60; i++) await create(c, `/s${i}`, String(i))
    await new Promise((r) => setTimeout(r, 200))
    const v2 = path.join(dir, 'version-2')
    expect(listZxidFiles(v2, 'snapshot').length).toBeGreaterThan(3)
    expect(listZxidFiles(v2, 'log').length).toBeGreaterThan(3)
    const copy = copyDir(dir)
    c.close()
    const again = await start(copy)
    const d = await RawClient.connect(again.port)
    for (let i = 0; i < 60; i += 7) expect(await getData(d, `/s${i}`)).toBe(String(i))
    d.close()
  })

  test('autopurge keeps snapRetainCount snapshots and the logs they need', async () => {
    const dir = tmp()
    const zk = await start(dir, {snapCount: 10})
    const c = await RawClient.connect(zk.port)
    for (let i = 0; i < 80; i++) await create(c, `/p${i}`)
    await new Promise((r) => setTimeout(r, 200))
    c.close()
    await zk.stop({keepData: true})
    const v2 = path.join(dir, 'version-2')
    const removed = await purge(v2, v2, 3)
    expect(removed.length).toBeGreaterThan(0)
    const snaps = listZxidFiles(v2, 'snapshot')
    expect(snaps).toHaveLength(3)
    const logs = listZxidFiles(v2, 'log')
    expect(logs[0]!.zxid).toBeLessThanOrEqual(snaps[0]!.zxid)
    const again = await start(dir)
    expect(again.server.tree.nodes.size).toBe(4 + 80)
  })

  test('snapshot format: header, sessions, ACL cache, nodes, checksum, "/" end marker', async () => {
    const zk = await start(tmp())
    const c = await RawClient.connect(zk.port)
    await create(c, '/snap', 'data')
    const buf = serializeSnapshot(zk.server.tree)
    expect(buf.readInt32BE(0)).toBe(0x5a4b534e)
    expect(buf.readInt32BE(4)).toBe(2)
    expect(buf.readBigInt64BE(8)).toBe(-1n)
    expect(buf.readInt32BE(16)).toBe(1) // one session
    expect(buf.subarray(-5).toString('latin1')).toBe('\u0000\u0000\u0000\u0001/')
    const tree = parseSnapshot(buf, false)
    expect(tree.getNode('/snap')!.data!.toString()).toBe('data')
    expect(tree.sessions.get(c.sessionId)).toBe(c.timeout)
    const bad = Buffer.from(buf)
    bad[40] ^= 1
    expect(() => parseSnapshot(bad, false)).toThrow()
    c.close()
  })
})
