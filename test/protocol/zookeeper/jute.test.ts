// Jute primitives and the generated records: round trips, bounds, and a fresh generation
// matching the committed files.
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {describe, expect, test} from 'vitest'
import {JuteError, JuteReader, JuteWriter} from '../../../src/protocol/zookeeper/jute.js'
import * as R from '../../../src/protocol/zookeeper/generated/records.js'
import {OpCode, OP_RECORDS, Xid} from '../../../src/protocol/zookeeper/generated/opcodes.js'
import {Err, errMessage} from '../../../src/protocol/zookeeper/generated/errors.js'
import {Perms, CREATE_MODES} from '../../../src/protocol/zookeeper/generated/constants.js'

const ROOT = path.join(import.meta.dirname, '../../..')

describe('jute', () => {
  test('primitives round-trip big-endian, with -1 for null buffers', () => {
    const w = new JuteWriter(4)
    w.int(-2).long(-0x0123456789abcdefn).longNum(2 ** 40 + 5).bool(true).ustring('héllo').buffer(null).buffer(Buffer.from([1, 2])).ustring(null)
    const b = w.finish()
    expect(b.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]))
    const r = new JuteReader(b)
    expect(r.int()).toBe(-2)
    expect(r.long()).toBe(-0x0123456789abcdefn)
    expect(r.longNum()).toBe(2 ** 40 + 5)
    expect(r.bool()).toBe(true)
    expect(r.ustring()).toBe('héllo')
    expect(r.buffer()).toBeNull()
    expect([...r.buffer()!]).toEqual([1, 2])
    expect(r.ustring()).toBe('')
    expect(r.remaining()).toBe(0)
  })

  test('longNum handles negatives like int64', () => {
    const w = new JuteWriter()
    w.longNum(-1).longNum(-(2 ** 40))
    const r = new JuteReader(w.finish())
    expect(r.long()).toBe(-1n)
    expect(r.longNum()).toBe(-(2 ** 40))
  })

  test('out-of-bounds reads throw JuteError, never allocate', () => {
    expect(() => new JuteReader(Buffer.alloc(3)).int()).toThrow(JuteError)
    const huge = new JuteWriter().int(0x7ffffff0).finish()
    expect(() => new JuteReader(huge).ustring()).toThrow(JuteError)
    expect(() => new JuteReader(huge).vector((r) => r.int())).toThrow(JuteError)
    expect(() => new JuteReader(new JuteWriter().int(-7).finish()).buffer()).toThrow(JuteError)
  })

  test('generated records encode the IDL field order', () => {
    const stat: R.Stat = {czxid: 1n, mzxid: 2n, ctime: 3n, mtime: 4n, version: 5, cversion: 6, aversion: 7, ephemeralOwner: 8n, dataLength: 9, numChildren: 10, pzxid: 11n}
    const w = new JuteWriter()
    R.encodeGetDataResponse(w, {data: Buffer.from('abc'), stat})
    const b = w.finish()
    expect(b.length).toBe(4 + 3 + 68)
    expect(R.decodeGetDataResponse(new JuteReader(b))).toEqual({data: Buffer.from('abc'), stat})
    const cr: R.CreateRequest = {path: '/a', data: null, acl: [{perms: Perms.ALL, id: {scheme: 'world', id: 'anyone'}}], flags: 3}
    const w2 = new JuteWriter()
    R.encodeCreateRequest(w2, cr)
    expect(R.decodeCreateRequest(new JuteReader(w2.finish()))).toEqual(cr)
  })

  test('op codes, errors and constants come from the spec tables', () => {
    expect(OpCode.create).toBe(1)
    expect(OpCode.closeSession).toBe(-11)
    expect(OP_RECORDS[OpCode.getChildren2]!.response).toBe('GetChildren2Response')
    expect(Xid.NOTIFICATION_XID).toBe(-1)
    expect(Err.NONODE).toBe(-101)
    expect(errMessage(Err.NOTEMPTY)).toBe('KeeperErrorCode = Directory not empty')
    expect(CREATE_MODES[3]).toMatchObject({name: 'EPHEMERAL_SEQUENTIAL', ephemeral: true, sequential: true})
  })

  test('a fresh generation matches the committed files', () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-zookeeper-protocol.mjs'), '--check'], {cwd: ROOT, stdio: 'pipe'})
  })
})
