import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import * as H from '../../../../src/protocol/kafka/records/batch-header.js'
import {CompressionType as T, compressionName, withLz4HeaderChecksum} from '../../../../src/protocol/kafka/records/compression.js'
import {CorruptRecordError} from '../../../../src/protocol/kafka/records/errors.js'
import {registerKafkajsCodecs} from '../../../../src/protocol/kafka/records/kafkajs-codecs.js'
import {decodeLegacyEntry, decodeMessageSet, encodeMessageSet, type LegacyMessageInput} from '../../../../src/protocol/kafka/records/legacy.js'
import {encodeRecordBatchSync} from '../../../../src/protocol/kafka/records/record-batch.js'
import {decodeRecordSet} from '../../../../src/protocol/kafka/records/record-set.js'
import {xxh32} from '../../../../src/protocol/kafka/records/xxhash32.js'
import {kjs} from './kafkajs-internals.js'

registerKafkajsCodecs()

const str = (b: Buffer | null): string | null => (b === null ? null : b.toString())
const msgs: LegacyMessageInput[] = [
  {key: 'k0', value: 'v0', timestamp: 1_600_000_000_000n},
  {key: null, value: 'v1', timestamp: 1_600_000_000_010n},
  {key: 'k2', value: null, timestamp: 1_600_000_000_005n},
  {key: Buffer.alloc(0), value: Buffer.from('x'.repeat(3000)), timestamp: 1_600_000_000_001n},
]
const LEGACY_CODECS = [T.NONE, T.GZIP, T.SNAPPY, T.LZ4]

function hasLz4(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v lz4'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

describe('xxh32', () => {
  it('matches the reference vectors', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05)
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456)
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff)
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f)
  })

  it.skipIf(!hasLz4())('gives the descriptor checksum the lz4 CLI writes', () => {
    for (const flags of [[], ['--content-size'], ['-B4', '--no-frame-crc']]) {
      const f = execFileSync('sh', ['-c', `head -c 5000 /etc/services | lz4 -c -q ${flags.join(' ')}`])
      expect(withLz4HeaderChecksum(f, false)).toBe(f) // already right: returned untouched
      const broken = withLz4HeaderChecksum(f, true)
      expect(broken).not.toBe(f)
      expect(withLz4HeaderChecksum(broken, false).equals(f)).toBe(true)
    }
  })
})

describe('legacy message sets round-trip', () => {
  for (const magic of [0, 1] as const) {
    for (const codec of LEGACY_CODECS) {
      it(`magic ${magic}, ${compressionName(codec)}`, async () => {
        const buf = await encodeMessageSet({magic, records: msgs, baseOffset: 500n, compression: codec})
        const entries = [...H.iterateBatches(buf)]
        expect(entries.length).toBe(codec === T.NONE ? 4 : 1)
        for (const e of entries) expect(H.verifyBatch(buf, e.position)).toBeNull()
        if (codec !== T.NONE) expect(entries[0].header.lastOffset).toBe(503n) // wrapper carries the last offset
        const batches = await decodeMessageSet(buf)
        const records = batches.flatMap((b) => b.records)
        expect(records.map((r) => [r.offset, r.timestamp, str(r.key), str(r.value)])).toEqual(
          msgs.map((m, i) => [500n + BigInt(i), magic === 1 ? m.timestamp : -1n, m.key == null ? null : String(m.key), m.value == null ? null : String(m.value)]),
        )
        if (codec !== T.NONE) expect(batches[0].header).toMatchObject({baseOffset: 500n, lastOffset: 503n, lastOffsetDelta: 3, recordsCount: 4, magic})
      })
    }
  }

  it('LogAppendTime on a magic 1 wrapper gives every inner message the wrapper timestamp', async () => {
    const buf = await encodeMessageSet({magic: 1, records: msgs, compression: T.GZIP, timestampType: 1, wrapperTimestamp: 42n})
    const [b] = await decodeMessageSet(buf)
    expect(H.timestampTypeOf(b.header)).toBe(1)
    expect(b.records.map((r) => r.timestamp)).toEqual([42n, 42n, 42n, 42n])
  })

  it('magic 0 lz4 carries the old (KAFKA-3160) descriptor checksum and still decodes', async () => {
    const buf = await encodeMessageSet({magic: 0, records: msgs, compression: T.LZ4})
    const value = buf.subarray(H.LOG_OVERHEAD + 6 + 4 + 4) // after crc, magic, attributes, null key length, value length
    expect(value.readUInt32LE(0)).toBe(0x184d2204)
    expect(withLz4HeaderChecksum(value, true)).toBe(value)
    expect((await decodeMessageSet(buf)).flatMap((b) => b.records).length).toBe(4)
  })

  it('refuses zstd, headers and other magics', async () => {
    await expect(encodeMessageSet({magic: 1, records: msgs, compression: T.ZSTD})).rejects.toThrow(/magic 2/)
    await expect(encodeMessageSet({magic: 1, records: [{value: 'x', headers: [{key: 'a', value: 'b'}]} as LegacyMessageInput]})).rejects.toThrow(/headers/)
    await expect(encodeMessageSet({magic: 2 as 0, records: msgs})).rejects.toThrow(RangeError)
  })

  it('decodeRecordSet walks a mixed set of magic 0, 1 and 2 entries', async () => {
    const set = Buffer.concat([
      await encodeMessageSet({magic: 0, records: msgs.slice(0, 2), baseOffset: 0n}),
      await encodeMessageSet({magic: 1, records: msgs.slice(0, 2), baseOffset: 2n, compression: T.SNAPPY}),
      encodeRecordBatchSync({records: [{value: 'v2'}], baseOffset: 4n}),
    ])
    const batches = await decodeRecordSet(set.subarray(0, set.length)) // whole
    expect(batches.map((b) => b.header.magic)).toEqual([0, 0, 1, 2])
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual([0n, 1n, 2n, 3n, 4n])
    expect((await decodeRecordSet(set.subarray(0, set.length - 1))).length).toBe(3)
  })
})

describe('kafkajs interop', () => {
  for (const magic of [0, 1] as const) {
    it(`kafkajs MessageSet v${magic} (uncompressed) decodes with ours`, async () => {
      const buf = Buffer.from(kjs.MessageSet({messageVersion: magic, compression: 0, entries: [{key: 'a', value: 'one', timestamp: 1_600_000_000_000}, {key: null, value: 'two', timestamp: 1_600_000_000_001}]}).buffer)
      const records = (await decodeMessageSet(buf)).flatMap((b) => b.records)
      expect(records.map((r) => [r.offset, r.timestamp, str(r.key), str(r.value)])).toEqual([
        [-1n, magic === 1 ? 1_600_000_000_000n : -1n, 'a', 'one'],
        [-1n, magic === 1 ? 1_600_000_000_001n : -1n, null, 'two'],
      ])
    })

    for (const codec of LEGACY_CODECS) {
      it(`ours (magic ${magic}, ${compressionName(codec)}) decodes with kafkajs's MessageSet decoder`, async () => {
        const buf = await encodeMessageSet({magic, records: msgs, baseOffset: 10n, compression: codec})
        const frame = new kjs.Encoder().writeInt32(buf.length).writeBuffer(buf).buffer
        const got = await kjs.MessageSetDecoder(new kjs.Decoder(frame))
        expect(got.map((m: {offset: string; key: Buffer | null; value: Buffer | null; timestamp: string}) => [m.offset, m.key === null ? null : String(m.key), m.value === null ? null : String(m.value)])).toEqual(
          msgs.map((m, i) => [String(10 + i), m.key == null ? null : String(m.key), m.value == null ? null : String(m.value)]),
        )
        if (magic === 1) expect(got.map((m: {timestamp: string}) => m.timestamp)).toEqual(msgs.map((m) => String(m.timestamp)))
      })
    }
  }

  for (const codec of [T.GZIP, T.SNAPPY, T.LZ4]) {
    it(`kafkajs's compressed v1 wrapper (${compressionName(codec)}, as its produce v2 writes it) decodes with ours`, async () => {
      const entries = [{key: 'a', value: 'one', timestamp: 1_600_000_000_000}, {key: 'b', value: 'two', timestamp: 1_600_000_000_001}, {key: null, value: 'three', timestamp: 1_600_000_000_002}]
      const inner = kjs.MessageSet({messageVersion: 1, compression: codec, entries})
      const compressed = await kjs.compression.lookupCodec(codec).compress(inner)
      const wrapper = Buffer.from(kjs.MessageSet({messageVersion: 1, entries: [{compression: codec, timestamp: 1_600_000_000_000, value: compressed}]}).buffer)
      const [b] = await decodeMessageSet(wrapper)
      // kafkajs writes wrapper offset 0 and inner 0..2: the broker assigns real offsets later.
      expect(b.records.map((r) => [r.offset, r.timestamp, str(r.key), str(r.value)])).toEqual([
        [-2n, 1_600_000_000_000n, 'a', 'one'],
        [-1n, 1_600_000_000_001n, 'b', 'two'],
        [0n, 1_600_000_000_002n, null, 'three'],
      ])
    })
  }
})

describe('legacy corruption is caught', () => {
  for (const magic of [0, 1] as const) {
    for (const codec of [T.NONE, T.GZIP]) {
      it(`a flipped byte anywhere in a magic ${magic} ${compressionName(codec)} entry, and every truncation`, async () => {
        const buf = await encodeMessageSet({magic, records: msgs.slice(0, 2), compression: codec})
        const one = buf.subarray(0, H.LOG_OVERHEAD + buf.readInt32BE(8))
        for (let i = 8; i < one.length; i++) {
          const bad = Buffer.from(one)
          bad[i] ^= 0x41
          await expect(decodeLegacyEntry(bad), `byte ${i}`).rejects.toThrow(CorruptRecordError)
        }
        for (let n = 0; n < one.length; n++) await expect(decodeLegacyEntry(one.subarray(0, n)), `cut ${n}`).rejects.toThrow(CorruptRecordError)
      })
    }
  }
})
