import {describe, expect, it, vi} from 'vitest'
import * as H from '../../../../src/protocol/kafka/records/batch-header.js'
import {CorruptRecordError} from '../../../../src/protocol/kafka/records/errors.js'
import {kafkajsBatch, kjs} from './kafkajs-internals.js'

const {iterateBatches, readBatchHeader, verifyBatch} = H

async function twoBatches(): Promise<{a: Buffer; b: Buffer; set: Buffer}> {
  const a = await kafkajsBatch({
    records: [{key: 'k1', value: 'v1'}, {key: null, value: 'v2', headers: {h: 'x'}}],
    firstOffset: 10n,
    firstTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_005,
    producerId: 77n,
    producerEpoch: 3,
    firstSequence: 42,
    transactional: true,
    partitionLeaderEpoch: 9,
  })
  const b = await kafkajsBatch({records: [{value: 'solo'}], firstOffset: 12n})
  return {a, b, set: Buffer.concat([a, b])}
}

/** A legacy message set written by kafkajs's MessageSet encoder. */
function legacySet(version: 0 | 1): Buffer {
  const enc = kjs.MessageSet({
    messageVersion: version,
    compression: 0,
    entries: [
      {key: 'a', value: 'one', timestamp: 1_600_000_000_000},
      {key: null, value: 'two', timestamp: 1_600_000_000_001},
    ],
  })
  return Buffer.from(enc.buffer)
}

describe('batch-header offsets', () => {
  it('match the v2 layout', () => {
    expect([H.BASE_OFFSET, H.BATCH_LENGTH, H.PARTITION_LEADER_EPOCH, H.MAGIC, H.CRC, H.ATTRIBUTES, H.LAST_OFFSET_DELTA, H.BASE_TIMESTAMP, H.MAX_TIMESTAMP, H.PRODUCER_ID, H.PRODUCER_EPOCH, H.BASE_SEQUENCE, H.RECORDS_COUNT, H.RECORD_BATCH_OVERHEAD, H.LOG_OVERHEAD]).toEqual([
      0, 8, 12, 16, 17, 21, 23, 27, 35, 43, 51, 53, 57, 61, 12,
    ])
  })
})

describe('readBatchHeader', () => {
  it('reads every field of a kafkajs-written v2 batch', async () => {
    const {a} = await twoBatches()
    const h = readBatchHeader(a, 0)
    expect(h).toMatchObject({
      baseOffset: 10n,
      batchLength: a.length - 12,
      partitionLeaderEpoch: 9,
      magic: 2,
      attributes: 0x10,
      lastOffsetDelta: 1,
      baseTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_000_005n,
      producerId: 77n,
      producerEpoch: 3,
      baseSequence: 42,
      recordsCount: 2,
      lastOffset: 11n,
    })
    expect(H.isTransactional(h)).toBe(true)
    expect(H.isControl(h)).toBe(false)
    expect(H.compressionOf(h)).toBe(0)
    expect(H.timestampTypeOf(h)).toBe(0)
    expect(h.crc).toBe(a.readUInt32BE(17))
  })

  it('reads legacy v0 and v1 message headers', () => {
    const v1 = legacySet(1)
    const h1 = readBatchHeader(v1, 0)
    expect(h1).toMatchObject({magic: 1, baseOffset: -1n, lastOffset: -1n, baseTimestamp: 1_600_000_000_000n, recordsCount: 1, producerId: -1n})
    const v0 = legacySet(0)
    const h0 = readBatchHeader(v0, 0)
    expect(h0).toMatchObject({magic: 0, baseTimestamp: -1n})
    expect(H.timestampTypeOf(h0)).toBe(-1)
  })

  it('throws CorruptRecordError on a header past the buffer or an unknown magic', async () => {
    const {a} = await twoBatches()
    expect(() => readBatchHeader(a.subarray(0, 40), 0)).toThrow(CorruptRecordError)
    const bad = Buffer.from(a)
    bad[16] = 7
    expect(() => readBatchHeader(bad, 0)).toThrow(/magic 7/)
  })
})

describe('iterateBatches', () => {
  it('walks consecutive batches with positions and sizes', async () => {
    const {a, b, set} = await twoBatches()
    const entries = [...iterateBatches(set)]
    expect(entries.map((e) => [e.position, e.size, e.header.baseOffset])).toEqual([
      [0, a.length, 10n],
      [a.length, b.length, 12n],
    ])
    expect(H.validBytes(set)).toBe(set.length)
  })

  it('stops quietly at a trailing partial batch, at every cut point', async () => {
    const {a, set} = await twoBatches()
    for (let cut = a.length; cut < set.length; cut++) {
      const entries = [...iterateBatches(set.subarray(0, cut))]
      expect(entries.length).toBe(1)
      expect(H.validBytes(set.subarray(0, cut))).toBe(a.length)
    }
    for (let cut = 0; cut < a.length; cut++) expect([...iterateBatches(set.subarray(0, cut))]).toEqual([])
  })

  it('walks legacy v0 and v1 message sets and a mixed set', async () => {
    const v0 = legacySet(0)
    const v1 = legacySet(1)
    const {a} = await twoBatches()
    const entries = [...iterateBatches(Buffer.concat([v0, v1, a]))]
    expect(entries.map((e) => e.header.magic)).toEqual([0, 0, 1, 1, 2])
    expect(entries.reduce((n, e) => n + e.size, 0)).toBe(v0.length + v1.length + a.length)
    for (const e of entries) expect(verifyBatch(Buffer.concat([v0, v1, a]), e.position)).toBeNull()
  })

  it('throws on a size below the minimum and on an unknown magic', async () => {
    const {a} = await twoBatches()
    const small = Buffer.from(a)
    small.writeInt32BE(13, 8)
    expect(() => [...iterateBatches(small)]).toThrow(CorruptRecordError)
    const v2small = Buffer.from(a)
    v2small.writeInt32BE(30, 8) // legal for v0, too small for a v2 header
    expect(() => [...iterateBatches(v2small)]).toThrow(/below the minimum 49/)
    const magic = Buffer.from(a)
    magic[16] = 3
    expect(() => [...iterateBatches(magic)]).toThrow(/magic 3/)
  })
})

describe('verifyBatch', () => {
  it('accepts sound batches and names the failure otherwise', async () => {
    const {a, b, set} = await twoBatches()
    expect(verifyBatch(set, 0)).toBeNull()
    expect(verifyBatch(set, a.length)).toBeNull()
    expect(verifyBatch(set.subarray(0, set.length - 1), a.length)).toMatch(/past the end/)
    const flipped = Buffer.from(b)
    flipped[flipped.length - 1] ^= 1
    expect(verifyBatch(flipped, 0)).toMatch(/CRC-32C/)
    expect(verifyBatch(Buffer.alloc(5), 0)).toMatch(/log overhead/)
  })

  it('catches a flipped bit in every byte of a v2 batch and of a v0/v1 message', async () => {
    const {a} = await twoBatches()
    for (const entry of [a, legacySet(0).subarray(0, 12 + legacySet(0).readInt32BE(8)), legacySet(1).subarray(0, 12 + legacySet(1).readInt32BE(8))]) {
      // Offset bytes 0..7 are outside every checksum and carry no length; partitionLeaderEpoch
      // (12..15 in v2) is deliberately outside the CRC so brokers can rewrite it.
      const unchecked = entry[16] === 2 ? new Set([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]) : new Set([0, 1, 2, 3, 4, 5, 6, 7])
      for (let i = 0; i < entry.length; i++) {
        if (unchecked.has(i)) continue
        const bad = Buffer.from(entry)
        bad[i] ^= 0x10
        expect(verifyBatch(bad, 0), `byte ${i} of magic ${entry[16]}`).not.toBeNull()
      }
    }
  })
})

describe('crc32c fallbacks', () => {
  it.each([
    ['js', 'js'],
    ['node-rs', 'node-rs'],
  ] as const)('KTOOL_CRC32C=%s uses %s, with the same checksums', async (forced, expected) => {
    process.env.KTOOL_CRC32C = forced
    vi.resetModules()
    try {
      const mod = await import('../../../../src/protocol/kafka/records/crc32c.js')
      expect(mod.crc32cImplementation()).toBe(expected)
      expect(mod.crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
      const big = Buffer.alloc(50_000, 7)
      expect(mod.crc32c(big)).toBe(mod.crc32cJs(big))
    } finally {
      delete process.env.KTOOL_CRC32C
    }
  })
})

describe('in-place setters', () => {
  it('rewrite baseOffset, leader epoch and LogAppendTime while the batch stays valid', async () => {
    const {a, b} = await twoBatches()
    const set = Buffer.concat([a, b])
    H.setBaseOffset(set, a.length, 900n)
    H.setPartitionLeaderEpoch(set, a.length, 12)
    H.setMaxTimestamp(set, a.length, 1, 1_800_000_000_000n)
    expect(verifyBatch(set, a.length)).toBeNull()
    expect(verifyBatch(set, 0)).toBeNull()
    const h = readBatchHeader(set, a.length)
    expect(h).toMatchObject({baseOffset: 900n, lastOffset: 900n, partitionLeaderEpoch: 12, maxTimestamp: 1_800_000_000_000n})
    expect(H.timestampTypeOf(h)).toBe(1)
    const decoded = await kjs.decodeMessages(new kjs.Decoder(Buffer.concat([Buffer.from([0, 0, set.length >> 8, set.length & 255]), set])))
    expect(decoded[2]).toMatchObject({offset: '900', timestamp: '1800000000000'})
    H.setMaxTimestamp(set, a.length, 0, 5n)
    expect(H.timestampTypeOf(readBatchHeader(set, a.length))).toBe(0)
    expect(verifyBatch(set, a.length)).toBeNull()
  })
})
