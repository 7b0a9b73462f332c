// Bad input closes that one connection with a log line; the server and the tree are untouched.
import net from 'node:net'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {RawClient, worldAcl} from './raw-client.js'

let zk: StartedZooKeeper

beforeAll(async () => {
  zk = await startZooKeeper({captureLogs: true, juteMaxBuffer: 4096, maxClientCnxns: 20})
})
afterAll(async () => zk.stop())

function rawSend(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = net.connect(zk.port, '127.0.0.1', () => s.write(bytes))
    const chunks: Buffer[] = []
    s.on('data', (d) => chunks.push(d))
    s.on('close', () => resolve(Buffer.concat(chunks)))
    s.on('error', () => {})
  })
}

async function serverStillWorks(): Promise<void> {
  const c = await RawClient.connect(zk.port)
  const r = await c.request(OpCode.exists, (w) => w.ustring('/').bool(false))
  expect(r.err).toBe(0)
  c.close()
}

describe('bad input', () => {
  test('a frame longer than jute.maxbuffer', async () => {
    const c = await RawClient.connect(zk.port)
    const big = Buffer.alloc(8)
    big.writeInt32BE(100_000)
    c.socket.write(big)
    await c.whenClosed()
    expect(zk.logs.some((l) => l.includes('Len error 100000'))).toBe(true)
    await serverStillWorks()
  })

  test('a negative frame length and a non-4lw first word', async () => {
    const bytes = Buffer.alloc(4)
    bytes.writeInt32BE(-5)
    expect((await rawSend(bytes)).length).toBe(0)
    expect((await rawSend(Buffer.from('abcd'))).length).toBe(0)
    expect((await rawSend(Buffer.from('SRVR'))).length).toBe(0)
    await serverStillWorks()
  })

  test('malformed jute in a request and in the handshake', async () => {
    const c = await RawClient.connect(zk.port)
    const before = zk.server.tree.lastProcessedZxid
    // create whose path length runs past the frame
    const w = Buffer.alloc(12)
    w.writeInt32BE(7, 0)
    w.writeInt32BE(OpCode.create, 4)
    w.writeInt32BE(1000, 8)
    c.sendFrame(w)
    await c.whenClosed()
    expect(zk.server.tree.lastProcessedZxid).toBe(before)
    // a handshake that is too short
    const h = Buffer.alloc(10)
    h.writeInt32BE(6, 0)
    expect((await rawSend(h)).length).toBe(0)
    expect(zk.logs.some((l) => l.includes('malformed request'))).toBe(true)
    await serverStillWorks()
  })

  test('an unknown op code', async () => {
    const c = await RawClient.connect(zk.port)
    const w = Buffer.alloc(8)
    w.writeInt32BE(3, 0)
    w.writeInt32BE(555, 4)
    c.sendFrame(w)
    await c.whenClosed()
    expect(zk.logs.some((l) => l.includes('Unknown op code 555'))).toBe(true)
    await serverStillWorks()
  })

  test('a huge vector count is rejected without allocating', async () => {
    const c = await RawClient.connect(zk.port)
    const r = c.request(OpCode.create, (w) => {
      w.ustring('/v').buffer(null)
      w.int(0x7fffffff) // ACL count
    })
    void r
    await c.whenClosed()
    await serverStillWorks()
  })

  test('maxClientCnxns per IP', async () => {
    const open: RawClient[] = []
    for (let i = 0; i < 20; i++) open.push(await RawClient.connect(zk.port))
    const extra = await RawClient.open(zk.port)
    await extra.whenClosed()
    expect(zk.logs.some((l) => l.includes('Too many connections from'))).toBe(true)
    for (const c of open) c.close()
    await new Promise((r) => setTimeout(r, 100))
    await serverStillWorks()
  })

  test('a flood of pipelined requests gets back-pressure, and every reply in order', async () => {
    const c = await RawClient.connect(zk.port)
    await c.request(OpCode.create, (w) => {
      w.ustring('/flood').buffer(null)
      worldAcl(w)
      w.int(0)
    })
    const n = 3000
    const replies = []
    for (let i = 0; i < n; i++) replies.push(c.request(OpCode.exists, (w) => w.ustring('/flood').bool(false)))
    const got = await Promise.all(replies)
    expect(got.every((r) => r.err === 0)).toBe(true)
    const xids = c.order.filter((o) => o.startsWith('reply:')).map((o) => Number(o.slice(6)))
    expect(xids.slice(1)).toEqual([...xids.slice(1)].sort((a, b) => a - b))
    c.close()
  })
})

describe('idle connections', () => {
  test('a connection that never sends its connect request is closed after the max session timeout', async () => {
    const z = await startZooKeeper({tickTime: 20, captureLogs: true})
    const c = await RawClient.open(z.port)
    await c.whenClosed()
    expect(z.logs.some((l) => l.includes('no connect request'))).toBe(true)
    await z.stop()
  })
})
