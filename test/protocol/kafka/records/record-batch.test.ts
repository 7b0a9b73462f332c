import {describe, expect, it} from 'vitest'
import * as H from '../../../../src/protocol/kafka/records/batch-header.js'
import {CompressionType as T, compressionName} from '../../../../src/protocol/kafka/records/compression.js'
import {crc32c} from '../../../../src/protocol/kafka/records/crc32c.js'
import {CorruptRecordError} from '../../../../src/protocol/kafka/records/errors.js'
import {registerKafkajsCodecs} from '../../../../src/protocol/kafka/records/kafkajs-codecs.js'
import {
  ControlRecordType,
  decodeRecordBatch,
  decodeRecordBatches,
  decodeRecordBatchSync,
  encodeEndTxnMarker,
  encodeRecordBatch,
  encodeRecordBatchSync,
  parseControlRecord,
  type RecordInput,
} from '../../../../src/protocol/kafka/records/record-batch.js'
import {kafkajsBatch, kafkajsDecode, type KjsRecord} from './kafkajs-internals.js'

registerKafkajsCodecs()

const CODECS = [T.NONE, T.GZIP, T.SNAPPY, T.LZ4, T.ZSTD]
const str = (b: Buffer | null): string | null => (b === null ? null : b.toString())

function kjsRecords(n: number): KjsRecord[] {
  const out: KjsRecord[] = []
  for (let i = 0; i < n; i++) {
    out.push({
      key: i % 3 === 0 ? null : `key-${i}`,
      value: i % 5 === 4 ? null : `value-${i}-`.repeat(1 + (i % 7)),
      headers: i % 2 ? {trace: `t${i}`, 'ünï': ['a', 'b']} : {},
      timestampDelta: i * 3,
    })
  }
  return out
}

/** Re-computes the CRC after a deliberate change, so the length checks are what gets tested. */
function fixCrc(b: Buffer): Buffer {
  b.writeUInt32BE(crc32c(b, H.ATTRIBUTES, b.length), H.CRC)
  return b
}

describe('batches encoded by kafkajs decode exactly', () => {
  for (const codec of CODECS) {
    it(`codec ${compressionName(codec)}`, async () => {
      const input = kjsRecords(40)
      const buf = await kafkajsBatch({records: input, compression: codec, firstOffset: 1000n, firstTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_117, producerId: 5n, producerEpoch: 2, firstSequence: 7, transactional: codec === T.ZSTD, partitionLeaderEpoch: 4})
      const {header, records, size} = await decodeRecordBatch(buf)
      expect(size).toBe(buf.length)
      expect(header).toMatchObject({baseOffset: 1000n, magic: 2, lastOffsetDelta: 39, recordsCount: 40, producerId: 5n, producerEpoch: 2, baseSequence: 7, partitionLeaderEpoch: 4, maxTimestamp: 1_700_000_000_117n})
      expect(H.compressionOf(header)).toBe(codec)
      expect(H.isTransactional(header)).toBe(codec === T.ZSTD)
      expect(records.length).toBe(40)
      records.forEach((r, i) => {
        expect(r.offset).toBe(1000n + BigInt(i))
        expect(r.timestamp).toBe(1_700_000_000_000n + BigInt(i * 3))
        expect(str(r.key)).toBe(input[i].key)
        expect(str(r.value)).toBe(input[i].value)
        const hs = input[i].headers!
        const expected = Object.entries(hs).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({key: k, value: String(x)})))
        expect(r.headers.map((h) => ({key: h.key, value: str(h.value)}))).toEqual(expected)
      })
    })
  }
})

const ours: RecordInput[] = [
  {key: 'a', value: 'first', timestamp: 1_700_000_000_000n, headers: [{key: 'h1', value: 'v1'}, {key: 'null-value', value: null}]},
  {key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: 1_700_000_000_250n},
  {key: Buffer.alloc(0), value: null, timestamp: 1_699_999_999_000n, headers: [{key: 'ключ', value: Buffer.from('значение')}]},
  {key: 'big', value: 'x'.repeat(5000), timestamp: 1_700_000_100_000n},
]

describe('what we encode, kafkajs decodes', () => {
  for (const codec of CODECS) {
    it(`codec ${compressionName(codec)}`, async () => {
      const buf = await encodeRecordBatch({records: ours, baseOffset: 77n, compression: codec, producerId: 9n, producerEpoch: 1, baseSequence: 100, partitionLeaderEpoch: 3})
      const decoded = await kafkajsDecode(buf)
      expect(decoded.length).toBe(ours.length)
      decoded.forEach((m, i) => {
        expect(m.offset).toBe(String(77 + i))
        expect(m.timestamp).toBe(String(ours[i].timestamp))
        expect(m.key === null ? null : Buffer.from(m.key).toString('hex')).toBe(ours[i].key == null ? null : Buffer.from(ours[i].key as string).toString('hex'))
        expect(m.value === null ? null : Buffer.from(m.value).toString('hex')).toBe(ours[i].value == null ? null : Buffer.from(ours[i].value as string).toString('hex'))
        for (const h of ours[i].headers ?? []) expect(m.headers[h.key] === null ? null : String(m.headers[h.key])).toBe(h.value == null ? null : String(h.value))
        expect(m.batchContext).toMatchObject({firstOffset: '77', producerId: '9', producerEpoch: 1, firstSequence: 100, partitionLeaderEpoch: 3, lastOffsetDelta: 3})
      })
    })
  }

  it('two of our batches back to back with a truncated third, through kafkajs fetch decoding', async () => {
    const a = encodeRecordBatchSync({records: [{value: 'a'}], baseOffset: 0n})
    const b = encodeRecordBatchSync({records: [{value: 'b'}, {value: 'c'}], baseOffset: 1n, compression: T.LZ4})
    const c = encodeRecordBatchSync({records: [{value: 'd'}], baseOffset: 3n})
    const set = Buffer.concat([a, b, c.subarray(0, c.length - 4)])
    expect((await kafkajsDecode(set)).map((m: {value: Buffer}) => String(m.value))).toEqual(['a', 'b', 'c'])
    expect((await decodeRecordBatches(set)).flatMap((d) => d.records.map((r) => str(r.value)))).toEqual(['a', 'b', 'c'])
  })
})

describe('round trips', () => {
  for (const codec of CODECS) {
    it(`all fields, codec ${compressionName(codec)}, sync and async agree`, async () => {
      const opts = {records: ours, baseOffset: 12345678901234n, compression: codec, producerId: 4242n, producerEpoch: 7, baseSequence: 2_000_000_000, isTransactional: true, partitionLeaderEpoch: 11}
      const buf = await encodeRecordBatch(opts)
      if (codec !== T.ZSTD) expect(encodeRecordBatchSync(opts).equals(buf)).toBe(true)
      expect(H.verifyBatch(buf, 0)).toBeNull()
      const {header, records} = await decodeRecordBatch(buf)
      if (codec !== T.ZSTD) expect(decodeRecordBatchSync(buf)).toEqual(await decodeRecordBatch(buf))
      else expect(() => decodeRecordBatchSync(buf)).toThrow(/zstd/)
      expect(header).toMatchObject({baseOffset: 12345678901234n, producerId: 4242n, producerEpoch: 7, baseSequence: 2_000_000_000, partitionLeaderEpoch: 11, recordsCount: 4, lastOffsetDelta: 3, baseTimestamp: 1_699_999_999_000n, maxTimestamp: 1_700_000_100_000n})
      expect(H.isTransactional(header)).toBe(true)
      expect(records.map((r) => [r.offset, r.timestamp, str(r.key), r.value?.toString('hex') ?? null, r.headers.map((h) => [h.key, str(h.value)])])).toEqual(
        ours.map((r, i) => [12345678901234n + BigInt(i), r.timestamp, r.key == null ? null : Buffer.from(r.key as string).toString(), r.value == null ? null : Buffer.from(r.value as string).toString('hex'), (r.headers ?? []).map((h) => [h.key, h.value == null ? null : Buffer.from(h.value as string).toString()])]),
      )
    })
  }

  it('defaults follow Kafka: no producer id/epoch/sequence, no leader epoch, CreateTime', async () => {
    const buf = encodeRecordBatchSync({records: [{value: 'v'}], now: () => 1234})
    const h = H.readBatchHeader(buf, 0)
    expect(h).toMatchObject({baseOffset: 0n, producerId: -1n, producerEpoch: -1, baseSequence: -1, partitionLeaderEpoch: -1, baseTimestamp: 1234n, maxTimestamp: 1234n, attributes: 0})
    expect((await decodeRecordBatch(buf)).records[0].timestamp).toBe(1234n)
  })

  it('LogAppendTime batches give every record the batch maxTimestamp', async () => {
    const buf = encodeRecordBatchSync({records: [{value: 'a', timestamp: 5}, {value: 'b', timestamp: 6}], timestampType: 1, maxTimestamp: 999n})
    expect(H.timestampTypeOf(H.readBatchHeader(buf, 0))).toBe(1)
    expect((await decodeRecordBatch(buf)).records.map((r) => r.timestamp)).toEqual([999n, 999n])
  })

  it('keeps explicit offsets (gaps, as after compaction), large and negative timestamp deltas', async () => {
    const buf = encodeRecordBatchSync({
      baseOffset: 100n,
      baseTimestamp: 0n,
      lastOffsetDelta: 50,
      records: [
        {value: 'a', offset: 100n, timestamp: 0n},
        {value: 'b', offset: 140n, timestamp: -(2n ** 40n)},
        {value: 'c', offset: 142n, timestamp: 2n ** 62n},
        {value: 'd', offsetDelta: 45, timestamp: 2 ** 50},
      ],
    })
    const {header, records} = await decodeRecordBatch(buf)
    expect(header.lastOffsetDelta).toBe(50)
    expect(records.map((r) => [r.offset, r.timestamp])).toEqual([
      [100n, 0n],
      [140n, -(2n ** 40n)],
      [142n, 2n ** 62n],
      [145n, 2n ** 50n],
    ])
    expect(() => encodeRecordBatchSync({baseOffset: 10n, records: [{value: 'x', offset: 9n}]})).toThrow(RangeError)
  })

  it('an empty batch and many records with headers', async () => {
    const empty = encodeRecordBatchSync({records: [], baseTimestamp: 1n})
    expect(empty.length).toBe(61)
    expect((await decodeRecordBatch(empty)).records).toEqual([])
    const many: RecordInput[] = Array.from({length: 3000}, (_, i) => ({key: `k${i}`, value: Buffer.alloc(i % 300, i), headers: i % 10 === 0 ? [{key: 'i', value: String(i)}] : []}))
    for (const codec of [T.NONE, T.ZSTD]) {
      const {records} = await decodeRecordBatch(await encodeRecordBatch({records: many, compression: codec}))
      expect(records.length).toBe(3000)
      expect(records[2999].value!.length).toBe(2999 % 300)
      expect(str(records[2990].headers[0].value)).toBe('2990')
    }
  })

  it('keys and values are views of the batch, not copies', async () => {
    const buf = encodeRecordBatchSync({records: [{key: 'k', value: 'v'}]})
    const {records} = await decodeRecordBatch(buf)
    expect(records[0].value!.buffer).toBe(buf.buffer)
  })

  it('decodes a batch at a position inside a larger buffer', async () => {
    const a = encodeRecordBatchSync({records: [{value: 'a'}]})
    const b = encodeRecordBatchSync({records: [{value: 'b'}], baseOffset: 1n})
    const {records, size} = await decodeRecordBatch(Buffer.concat([a, b]), {position: a.length})
    expect(size).toBe(b.length)
    expect(str(records[0].value)).toBe('b')
  })
})

describe('control batches', () => {
  it('encodes COMMIT and ABORT markers that kafkajs and we read as control batches', async () => {
    for (const commit of [true, false]) {
      const buf = encodeEndTxnMarker({commit, producerId: 31n, producerEpoch: 4, coordinatorEpoch: 17, baseOffset: 50n, timestamp: 1_700_000_000_000n})
      const {header, records} = await decodeRecordBatch(buf)
      expect(H.isControl(header)).toBe(true)
      expect(H.isTransactional(header)).toBe(true)
      expect(header).toMatchObject({producerId: 31n, producerEpoch: 4, baseSequence: -1})
      expect(records.length).toBe(1)
      expect(parseControlRecord(records[0])).toEqual({type: commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch: 17})
      expect(records[0].key!.toString('hex')).toBe(commit ? '00000001' : '00000000')
      expect(records[0].value!.toString('hex')).toBe('000000000011')
      const k = await kafkajsDecode(buf)
      expect(k[0].isControlRecord).toBe(true)
      expect(k[0].batchContext.isControlBatch).toBe(true)
    }
    expect(parseControlRecord({key: Buffer.from([0, 0, 0, 2]), value: null})).toEqual({type: 2})
    expect(parseControlRecord({key: null, value: null})).toEqual({type: -1})
  })
})

describe('corruption is caught', () => {
  async function expectCorrupt(b: Buffer, label: string): Promise<void> {
    await expect(decodeRecordBatch(b), label).rejects.toThrow(CorruptRecordError)
  }

  for (const codec of [T.NONE, T.GZIP, T.SNAPPY, T.LZ4, T.ZSTD]) {
    it(`a flipped byte anywhere in a small ${compressionName(codec)} batch, and every truncation`, async () => {
      const buf = await encodeRecordBatch({records: ours.slice(0, 3), compression: codec, producerId: 1n})
      // baseOffset (0..7) and partitionLeaderEpoch (12..15) are outside the CRC by design (a broker
      // rewrites them); changing them yields a valid batch with other offsets or epoch.
      for (let i = 0; i < buf.length; i++) {
        const bad = Buffer.from(buf)
        bad[i] ^= 0x41
        if (i < 8 || (i >= 12 && i < 16)) {
          await decodeRecordBatch(bad)
          continue
        }
        await expectCorrupt(bad, `byte ${i}`)
      }
      for (let n = 0; n < buf.length; n++) await expectCorrupt(buf.subarray(0, n), `truncated to ${n}`)
    })
  }

  it('length checks catch mangled records even when the CRC is recomputed', async () => {
    const buf = encodeRecordBatchSync({records: ours.slice(0, 3)})
    let caught = 0
    let passed = 0
    for (let i = H.RECORD_BATCH_OVERHEAD; i < buf.length; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const bad = fixCrc(Buffer.from(buf))
        bad[i] ^= x
        fixCrc(bad)
        try {
          await decodeRecordBatch(bad)
          passed++ // e.g. a changed byte inside a value: still a well-formed batch
        } catch (err) {
          expect(err, `byte ${i} ^ ${x}`).toBeInstanceOf(CorruptRecordError)
          caught++
        }
      }
    }
    expect(caught).toBeGreaterThan(0)
    expect(passed).toBeGreaterThan(0)
  })

  it('refuses a records count larger than the bytes could hold, without allocating for it', async () => {
    const bad = Buffer.from(encodeRecordBatchSync({records: [{value: 'x'}]}))
    bad.writeInt32BE(2_000_000_000, H.RECORDS_COUNT)
    await expect(decodeRecordBatch(fixCrc(bad))).rejects.toThrow(/declares 2000000000 records/)
    bad.writeInt32BE(-5, H.RECORDS_COUNT)
    await expect(decodeRecordBatch(fixCrc(bad))).rejects.toThrow(/negative records count/)
    bad.writeInt32BE(2, H.RECORDS_COUNT)
    await expect(decodeRecordBatch(fixCrc(bad))).rejects.toThrow(CorruptRecordError)
    bad.writeInt32BE(0, H.RECORDS_COUNT)
    await expect(decodeRecordBatch(fixCrc(bad))).rejects.toThrow(/bytes left after/)
  })

  it('refuses legacy magic with a pointer to legacy.ts, and a decompression bomb over the limit', async () => {
    const v = Buffer.from(encodeRecordBatchSync({records: [{value: 'x'}]}))
    v[16] = 1
    await expect(decodeRecordBatch(v)).rejects.toThrow(/legacy/)
    const bomb = await encodeRecordBatch({records: [{value: Buffer.alloc(2_000_000)}], compression: T.ZSTD})
    await expect(decodeRecordBatch(bomb, {maxDecompressed: 1_000_000})).rejects.toThrow(/limit/)
    expect((await decodeRecordBatch(bomb)).records[0].value!.length).toBe(2_000_000)
  })

  it('verifyCrc: false skips only the checksum', async () => {
    const bad = Buffer.from(encodeRecordBatchSync({records: [{value: 'abc'}]}))
    bad[bad.length - 2] ^= 1 // inside the value
    await expect(decodeRecordBatch(bad)).rejects.toThrow(/CRC/)
    expect((await decodeRecordBatch(bad, {verifyCrc: false})).records.length).toBe(1)
    await expect(decodeRecordBatch(bad.subarray(0, 40), {verifyCrc: false})).rejects.toThrow(CorruptRecordError)
  })
})
