// Reader and Writer primitives: exact bytes for fixed-width and varint encodings (checked against
// kafkajs's encoder and decoder for varints), growth, tagged-field sizing, and the errors.
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {ProtocolError} from '../../../src/protocol/kafka/protocol-error.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'
import {rng} from './codec/value-gen.js'

const require = createRequire(import.meta.url)
const kafkajsRoot = require.resolve('kafkajs').replace(/index\.js$/, '')
const KafkajsEncoder = require(`${kafkajsRoot}src/protocol/encoder.js`)
const KafkajsDecoder = require(`${kafkajsRoot}src/protocol/decoder.js`)

const hex = (f: (w: Writer) => void) => {
  const w = new Writer(16)
  f(w)
  return w.finish().toString('hex')
}
const reader = (h: string) => new Reader(Buffer.from(h, 'hex'))

describe('fixed-width types', () => {
  it('writes big-endian and reads back', () => {
    expect(hex((w) => w.int8(-2).int16(-2).int32(-2).uint16(65535).uint32(4294967295))).toBe('fe' + 'fffe' + 'fffffffe' + 'ffff' + 'ffffffff')
    expect(hex((w) => w.int64(-2n))).toBe('fffffffffffffffe')
    expect(hex((w) => w.float64(1.5))).toBe('3ff8000000000000')
    expect(hex((w) => w.bool(true).bool(false))).toBe('0100')
    const r = reader('fefffefffffffeffffffffffff' + 'fffffffffffffffe' + '3ff8000000000000' + '0100' + '07')
    expect([r.int8(), r.int16(), r.int32(), r.uint16(), r.uint32(), r.int64(), r.float64(), r.bool(), r.bool(), r.bool()]).toEqual([
      -2, -2, -2, 65535, 4294967295, -2n, 1.5, true, false, true,
    ])
    expect(r.remaining()).toBe(0)
  })

  it('uuid is Kafka Uuid.toString (base64url, no padding) both ways', () => {
    const bytes = '0123456789abcdeffedcba9876543210'
    const s = reader(bytes).uuid()
    expect(s).toBe(Buffer.from(bytes, 'hex').toString('base64url'))
    expect(s).toHaveLength(22)
    expect(hex((w) => w.uuid(s))).toBe(bytes)
    expect(hex((w) => w.uuid('AAAAAAAAAAAAAAAAAAAAAA'))).toBe('00'.repeat(16))
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(/Uuid/)
  })
})

describe('varints', () => {
  const uvarints: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2147483647, 'ffffffff07'],
    [4294967295, 'ffffffff0f'],
  ]
  it.each(uvarints)('uvarint %i = %s', (v, h) => {
    expect(hex((w) => w.uvarint(v))).toBe(h)
    const r = reader(h)
    expect(r.uvarint()).toBe(v)
    expect(r.remaining()).toBe(0)
  })

  const varints: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ]
  it.each(varints)('varint %i = %s', (v, h) => {
    expect(hex((w) => w.varint(v))).toBe(h)
    expect(reader(h).varint()).toBe(v)
  })

  const varlongs: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [2147483648n, '8080808010'],
    [-2147483649n, '8180808010'],
    [9223372036854775807n, 'feffffffffffffffff01'],
    [-9223372036854775808n, 'ffffffffffffffffff01'],
  ]
  it.each(varlongs)('varlong %s = %s', (v, h) => {
    expect(hex((w) => w.varlong(v))).toBe(h)
    expect(reader(h).varlong()).toBe(v)
  })

  it('agree with kafkajs on random values', () => {
    const rand = rng(99)
    for (let i = 0; i < 2000; i++) {
      const v32 = (rand() * 2 ** 32) | 0
      const shift = BigInt(Math.floor(rand() * 64))
      const v64 = BigInt.asIntN(64, (BigInt(Math.floor(rand() * 2 ** 53)) << shift) ^ BigInt(v32))
      const ours = new Writer().varint(v32).varlong(v64).uvarint(v32 >>> 0).finish()
      const theirs = new KafkajsEncoder().writeVarInt(v32).writeVarLong(v64.toString()).writeUVarInt(v32 >>> 0).buffer
      expect(ours.toString('hex')).toBe(theirs.toString('hex'))
      const d = new KafkajsDecoder(ours)
      expect(d.readVarInt()).toBe(v32)
      expect(d.readVarLong().toString()).toBe(v64.toString())
      const r = new Reader(ours)
      expect([r.varint(), r.varlong(), r.uvarint()]).toEqual([v32, v64, v32 >>> 0])
    }
  })

  it('rejects truncated and over-long varints', () => {
    expect(() => reader('80').uvarint()).toThrow(ProtocolError)
    expect(() => reader('ffffffff1f').uvarint()).toThrow(ProtocolError)
    expect(() => reader('ffffffffff01').uvarint()).toThrow(ProtocolError)
    expect(() => reader('ffffffffffffffffffff01').varlong()).toThrow(ProtocolError)
    expect(() => reader('ffffffffffff').varlong()).toThrow(ProtocolError)
  })
})

describe('strings, bytes and arrays', () => {
  it('classic and compact forms, null', () => {
    expect(hex((w) => w.string('hé'))).toBe('0003' + '68c3a9')
    expect(hex((w) => w.nullableString(null))).toBe('ffff')
    expect(hex((w) => w.compactString('ab'))).toBe('03' + '6162')
    expect(hex((w) => w.compactNullableString(null))).toBe('00')
    expect(hex((w) => w.bytes(Buffer.from([9])))).toBe('0000000109')
    expect(hex((w) => w.nullableBytes(null))).toBe('ffffffff')
    expect(hex((w) => w.compactBytes(Buffer.alloc(0)))).toBe('01')
    expect(hex((w) => w.compactNullableBytes(null))).toBe('00')
    expect(hex((w) => w.array([1, 2], (x, v) => x.int8(v)))).toBe('000000020102')
    expect(hex((w) => w.array(null, () => {}))).toBe('ffffffff')
    expect(hex((w) => w.compactArray([1], (x, v) => x.int8(v)))).toBe('0201')
    expect(hex((w) => w.compactArray(null, () => {}))).toBe('00')
    const r = reader('000368c3a9' + 'ffff' + '036162' + '00' + '0000000109' + 'ffffffff' + '01' + '00')
    expect([r.string(), r.nullableString(), r.compactString(), r.compactNullableString()]).toEqual(['hé', null, 'ab', null])
    expect([r.bytes(), r.nullableBytes(), r.compactBytes(), r.compactNullableBytes()]).toEqual([Buffer.from([9]), null, Buffer.alloc(0), null])
  })

  it.each(['', 'a', 'x'.repeat(63), 'x'.repeat(64), 'y'.repeat(200), 'x'.repeat(62) + 'é', 'é', '日本語', '\u007f\u0080'])('string %j in both forms', (s) => {
    const w = new Writer(4)
    w.string(s).compactString(s).int8(5)
    const r = new Reader(w.finish())
    expect([r.string(), r.compactString(), r.int8()]).toEqual([s, s, 5])
    expect(r.remaining()).toBe(0)
    const len = Buffer.byteLength(s)
    expect(w.finish().readInt16BE(0)).toBe(len)
  })

  it('bytes are views of the frame, not copies', () => {
    const buf = Buffer.from('00000003616263', 'hex')
    const b = new Reader(buf).bytes()
    expect(b.buffer).toBe(buf.buffer)
    expect(b.byteOffset).toBe(buf.byteOffset + 4)
  })

  it('a string longer than int16 allows is refused when writing', () => {
    expect(() => new Writer().string('x'.repeat(40000))).toThrow(/32767/)
    expect(new Writer().compactString('x'.repeat(40000)).finish().length).toBe(40003)
  })
})

describe('Writer growth and tagged-field sizes', () => {
  it('grows from a tiny buffer through many doublings', () => {
    const w = new Writer(1)
    for (let i = 0; i < 10000; i++) w.int32(i).string('s').int64(BigInt(i))
    const r = new Reader(w.finish())
    for (let i = 0; i < 10000; i++) expect([r.int32(), r.string(), r.int64()]).toEqual([i, 's', BigInt(i)])
    expect(r.remaining()).toBe(0)
  })

  it.each([0, 1, 127, 128, 300, 16383, 16384, 70000])('beginSized/endSized around %i bytes', (n) => {
    const w = new Writer(8)
    w.int8(7)
    const m = w.beginSized()
    for (let i = 0; i < n; i++) w.int8(i & 0x7f)
    w.endSized(m).int8(8)
    const r = new Reader(w.finish())
    expect(r.int8()).toBe(7)
    expect(r.uvarint()).toBe(n)
    const data = r.raw(n)
    for (let i = 0; i < n; i += 97) expect(data[i]).toBe(i & 0x7f)
    expect(r.int8()).toBe(8)
    expect(r.remaining()).toBe(0)
  })

  it('reserveInt32/int32At patch a size in place', () => {
    const w = new Writer()
    const at = w.reserveInt32()
    w.string('abc')
    w.int32At(at, w.offset - 4)
    expect(w.finish().toString('hex')).toBe('00000005' + '0003616263')
  })
})

describe('Reader bounds', () => {
  it('every read past the end throws ProtocolError', () => {
    const empty = reader('')
    for (const f of ['int8', 'int16', 'int32', 'uint16', 'uint32', 'int64', 'float64', 'bool', 'uuid', 'uvarint', 'varint', 'varlong'] as const) {
      expect(() => (empty[f] as () => unknown).call(empty), f).toThrow(ProtocolError)
    }
    expect(() => reader('0005616263').string()).toThrow(ProtocolError)
    expect(() => reader('00000005616263').bytes()).toThrow(ProtocolError)
    expect(() => reader('06616263').compactString()).toThrow(ProtocolError)
    expect(() => reader('06616263').compactBytes()).toThrow(ProtocolError)
  })

  it('negative sizes where none is allowed throw', () => {
    expect(() => reader('ffff').string()).toThrow(/negative/)
    expect(() => reader('fffe').nullableString()).toThrow(/negative/)
    expect(() => reader('ffffffff').bytes()).toThrow(/negative/)
    expect(() => reader('fffffffe').nullableBytes()).toThrow(/negative/)
    expect(() => reader('00').compactString()).toThrow(/null/)
    expect(() => reader('00').compactBytes()).toThrow(/null/)
    expect(() => reader('fffffffe').arrayCount()).toThrow(/negative/)
  })

  it('counts larger than the bytes left throw before anything is allocated', () => {
    expect(() => reader('7fffffff00').arrayCount()).toThrow(/exceeds/)
    expect(() => reader('ffffffff07').compactArrayCount()).toThrow(/exceeds/)
    expect(reader('ffffffff').arrayCount()).toBe(-1)
    expect(reader('00').compactArrayCount()).toBe(-1)
    expect(reader('030000').compactArrayCount()).toBe(2)
  })

  it('respects an end before the buffer end', () => {
    const r = new Reader(Buffer.from('0001000200030004', 'hex'), 2, 6)
    expect(r.int16()).toBe(2)
    expect(r.remaining()).toBe(2)
    expect(r.int16()).toBe(3)
    expect(() => r.int16()).toThrow(ProtocolError)
  })

  it('skips unknown tagged fields and checks their sizes', () => {
    // two fields: tag 5 (3 bytes), tag 9 (0 bytes); then a trailing int8
    const r = reader('02' + '0503aabbcc' + '0900' + '2a')
    r.skipTaggedFields()
    expect(r.int8()).toBe(42)
    expect(() => reader('01' + '0505aabb').skipTaggedFields()).toThrow(ProtocolError)
    const seen: number[] = []
    const r2 = reader('02' + '0503aabbcc' + '0900')
    r2.taggedFields((tag, rr) => {
      seen.push(tag)
      if (tag !== 5) return false
      rr.raw(3)
      return true
    })
    expect(seen).toEqual([5, 9])
    expect(r2.remaining()).toBe(0)
  })
})
