// Topic configs that make the append look inside the records: compression.type (recompression),
// the CreateTime bounds (message.timestamp.before/after/difference.max.ms) and LogAppendTime, and
// the cleaner keeping each idempotent producer's last batch. On a ManualClock.
import {describe, expect, it} from 'vitest'
import {LogError, LogErrorCode, type PartitionLog} from '../../../src/broker/log/index.js'
import {COMPRESSION_MASK, TIMESTAMP_TYPE_MASK, iterateBatches, verifyBatch} from '../../../src/protocol/kafka/records/batch-header.js'
import {decodeRecordBatches, encodeRecordBatch, encodeRecordBatchSync} from '../../../src/protocol/kafka/records/record-batch.js'
import {harness, type Harness} from './helpers.js'

// Each harness shuts its log manager down and removes its directory when its test finishes.
let h: Harness | null = null
const NOW = 1_700_000_000_000

async function producerBatch(codec: number, opts: {timestamps?: number[]; producerId?: bigint; baseSequence?: number} = {}): Promise<Buffer> {
  const ts = opts.timestamps ?? [NOW - 5, NOW - 3, NOW - 4]
  return encodeRecordBatch({
    records: ts.map((t, i) => ({key: `k${i}`, value: `value-${i}-${'x'.repeat(200)}`, timestamp: t, headers: [{key: 'h', value: `hv${i}`}]})),
    compression: codec,
    producerId: opts.producerId ?? 7n,
    producerEpoch: 2,
    baseSequence: opts.baseSequence ?? 10,
  })
}

/** Every batch of the log (one read per segment). */
async function stored(log: PartitionLog) {
  const parts: Buffer[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 24)
    if (r.records.length === 0) break
    parts.push(r.records)
    let last = offset
    for (const e of iterateBatches(r.records)) last = e.header.lastOffset
    offset = last + 1n
  }
  const raw = Buffer.concat(parts)
  return {raw, batches: await decodeRecordBatches(raw)}
}

async function refusal(p: Promise<unknown>): Promise<LogError> {
  const error = await p.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(LogError)
  return error as LogError
}

describe('compression.type', () => {
  const CODECS = ['uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const

  it.each(CODECS.map((name, codec) => [name, codec] as const))('%s re-encodes batches of every other codec, keeping their fields and records', async (name, codec) => {
    h = await harness({'compression.type': name})
    const log = h.manager.createLog('t', 0)
    let next = 0n
    for (let from = 0; from < 5; from++) {
      const input = await producerBatch(from, {baseSequence: from * 3})
      const res = await log.append(input, {leaderEpoch: 4})
      expect(res.baseOffset).toBe(next)
      next += 3n
    }
    const {raw, batches} = await stored(log)
    expect(batches).toHaveLength(5)
    for (const e of iterateBatches(raw)) expect(verifyBatch(raw, e.position)).toBeNull()
    batches.forEach((b, i) => {
      expect(b.header.attributes & COMPRESSION_MASK).toBe(codec)
      expect(b.header).toMatchObject({baseOffset: BigInt(i * 3), lastOffset: BigInt(i * 3 + 2), producerId: 7n, producerEpoch: 2, baseSequence: i * 3, partitionLeaderEpoch: 4, recordsCount: 3, maxTimestamp: BigInt(NOW - 3)})
      expect(b.records.map((r) => [r.offset, r.timestamp, r.key!.toString(), r.value!.toString(), r.headers[0]!.value!.toString()])).toEqual(
        [0, 1, 2].map((j) => [BigInt(i * 3 + j), BigInt([NOW - 5, NOW - 3, NOW - 4][j]!), `k${j}`, `value-${j}-${'x'.repeat(200)}`, `hv${j}`]),
      )
    })
  })

  it('producer (the default) stores each batch in its own codec, byte for byte after the offsets', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    const inputs: Buffer[] = []
    for (let codec = 0; codec < 5; codec++) {
      const b = await producerBatch(codec)
      inputs.push(Buffer.from(b))
      await log.append(b)
    }
    const {raw, batches} = await stored(log)
    expect(batches.map((b) => b.header.attributes & COMPRESSION_MASK)).toEqual([0, 1, 2, 3, 4])
    // Only baseOffset (0..7) and partitionLeaderEpoch (12..15) differ from what was sent.
    let pos = 0
    for (const input of inputs) {
      expect(raw.subarray(pos + 16, pos + input.length)).toEqual(input.subarray(16))
      pos += input.length
    }
  })

  it('stores a batch already in the configured codec as it came', async () => {
    h = await harness({'compression.type': 'lz4'})
    const log = h.manager.createLog('t', 0)
    const input = await producerBatch(3)
    const copy = Buffer.from(input)
    await log.append(input)
    const {raw} = await stored(log)
    expect(raw.subarray(16)).toEqual(copy.subarray(16))
  })

  it('follows a change of the topic config at run time', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    await log.append(await producerBatch(1))
    h.manager.updateTopicConfig('t', {'compression.type': 'lz4'})
    await log.append(await producerBatch(1))
    await log.append(await producerBatch(0))
    h.manager.updateTopicConfig('t', {'compression.type': 'uncompressed'})
    await log.append(await producerBatch(4))
    h.manager.updateTopicConfig('t', {})
    await log.append(await producerBatch(2))
    const {batches} = await stored(log)
    expect(batches.map((b) => b.header.attributes & COMPRESSION_MASK)).toEqual([1, 3, 3, 0, 2])
    expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(Array.from({length: 15}, (_, i) => BigInt(i)))
  })

  it('checks max.message.bytes again after recompression, and writes nothing when it is exceeded', async () => {
    h = await harness({'compression.type': 'uncompressed', 'message.max.bytes': '4000'})
    const log = h.manager.createLog('t', 0)
    const big = encodeRecordBatchSync({records: Array.from({length: 50}, (_, i) => ({key: `k${i}`, value: 'z'.repeat(200)})), compression: 1})
    expect(big.length).toBeLessThan(4000)
    const error = await refusal(log.append(big))
    expect(error.errorCode).toBe(LogErrorCode.MESSAGE_TOO_LARGE)
    expect(log.logEndOffset).toBe(0n)
    expect(log.size).toBe(0)
  })

  it('refuses a compressed batch whose block does not decompress, as corrupt', async () => {
    h = await harness({'compression.type': 'gzip'})
    const log = h.manager.createLog('t', 0)
    const b = encodeRecordBatchSync({records: [{value: 'a'.repeat(100)}], compression: 3})
    b.fill(0x55, 61, 70)
    // Make the CRC right again: the damage is inside the compressed block.
    const {crc32c} = await import('../../../src/protocol/kafka/records/crc32c.js')
    b.writeUInt32BE(crc32c(b, 21, b.length), 17)
    expect((await refusal(log.append(b))).errorCode).toBe(LogErrorCode.CORRUPT_MESSAGE)
    expect(log.logEndOffset).toBe(0n)
  })

  // compression.zstd.level is passed on, but @mongodb-js/zstd 1.2.2 compresses at its default
  // whatever the level: only the gzip sizes can differ.
  it('recompresses at compression.gzip.level (KIP-390); the levels are range-checked', async () => {
    h = await harness({'compression.type': 'gzip'})
    const sizes: number[] = []
    const text = Array.from({length: 400}, (_, i) => ({key: `k${i}`, value: `record ${i} ${'abcdefgh'.repeat(i % 13)} ${i * 7919}`}))
    for (const [topic, overrides] of [['g1', {'compression.gzip.level': '1'}], ['g9', {'compression.gzip.level': '9'}], ['z1', {'compression.type': 'zstd', 'compression.zstd.level': '1'}], ['z19', {'compression.type': 'zstd', 'compression.zstd.level': '19'}]] as const) {
      const log = h.manager.createLog(topic, 0, overrides)
      await log.append(encodeRecordBatchSync({records: text}))
      const {batches} = await stored(log)
      expect(batches[0]!.records.map((r) => r.value!.toString())).toEqual(text.map((t) => t.value))
      sizes.push(log.size)
    }
    expect(sizes[0]).toBeGreaterThan(sizes[1]!)
    expect(() => h!.manager.createLog('bad', 0, {'compression.gzip.level': '0'})).toThrow(/-1 or in \[1,...,9\]/)
    expect(() => h!.manager.createLog('bad', 0, {'compression.zstd.level': '23'})).toThrow(/no more than 22/)
  })

  it('rejects an unknown codec name in the topic config', () => {
    return harness().then((hh) => {
      h = hh
      expect(() => hh.manager.createLog('t', 0, {'compression.type': 'brotli'})).toThrow(/compression.type/)
    })
  })
})

describe('timestamps', () => {
  it('refuses CreateTime records outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP and writes nothing', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0, {'message.timestamp.before.max.ms': '1000', 'message.timestamp.after.max.ms': '500'})
    const now = h.clock.now()
    await log.append(await producerBatch(0, {timestamps: [now - 1000, now, now + 500]}))
    for (const codec of [0, 4]) {
      const error = await refusal(log.append(await producerBatch(codec, {timestamps: [now, now - 1001, now + 501]})))
      expect(error.errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
      expect(error.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2])
      expect(error.recordErrors[0]!.batchIndexErrorMessage).toBe(`Timestamp ${now - 1001} of message with offset 1 is out of range. The timestamp should be within [${now - 1000}, ${now + 500}]`)
    }
    expect(log.logEndOffset).toBe(3n)
    // The bounds move with the clock.
    h.clock.advance(10_000)
    expect((await refusal(log.append(await producerBatch(0, {timestamps: [now]})))).errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
    expect((await log.append(await producerBatch(0, {timestamps: [now + 9_500]}))).baseOffset).toBe(3n)
  })

  it('falls back to message.timestamp.difference.max.ms, also from the broker-level keys', async () => {
    h = await harness({'log.message.timestamp.difference.max.ms': '2000', 'log.message.timestamp.after.max.ms': '100'})
    const now = h.clock.now()
    const log = h.manager.createLog('t', 0)
    expect(log.config).toMatchObject({messageTimestampBeforeMaxMs: 2000, messageTimestampAfterMaxMs: 100})
    expect((await refusal(log.append(await producerBatch(0, {timestamps: [now - 2001]})))).errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
    expect((await refusal(log.append(await producerBatch(0, {timestamps: [now + 101]})))).errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
    await log.append(await producerBatch(0, {timestamps: [now - 2000, now + 100]}))
    // A topic override wins over the broker.
    const other = h.manager.createLog('u', 0, {'message.timestamp.difference.max.ms': '10'})
    expect((await refusal(other.append(await producerBatch(0, {timestamps: [now - 11]})))).errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
  })

  it('LogAppendTime stamps the append time into the batch (new CRC) and refuses producer LogAppendTime batches', async () => {
    h = await harness({'log.message.timestamp.type': 'LogAppendTime', 'log.message.timestamp.before.max.ms': '1'})
    const log = h.manager.createLog('t', 0)
    const now = h.clock.now()
    // The bounds apply to CreateTime only: old producer timestamps are fine here.
    const res = await log.append(await producerBatch(2, {timestamps: [1000, 2000]}))
    expect(res.logAppendTime).toBe(BigInt(now))
    const {raw, batches} = await stored(log)
    expect(verifyBatch(raw, 0)).toBeNull()
    expect(batches[0]!.header.attributes & TIMESTAMP_TYPE_MASK).toBe(TIMESTAMP_TYPE_MASK)
    expect(batches[0]!.records.map((r) => r.timestamp)).toEqual([BigInt(now), BigInt(now)])
    const appendTime = encodeRecordBatchSync({records: [{value: 'x'}], timestampType: 1, maxTimestamp: now})
    const error = await refusal(log.append(appendTime))
    expect(error.errorCode).toBe(LogErrorCode.INVALID_TIMESTAMP)
    expect(log.logEndOffset).toBe(2n)
  })
})

describe('the cleaner and idempotent producers', () => {
  // About 230 bytes a batch: four batches a segment, so a producer's batch is not its segment's last.
  const COMPACT = {'log.segment.bytes': '1000', 'log.segment.delete.delay.ms': '0', 'log.cleanup.policy': 'compact', 'log.cleaner.min.cleanable.ratio': '0.01'}
  const idem = (key: string, seq: number, pid = 5n) => encodeRecordBatchSync({records: [{key, value: `${key}@${seq}-${'y'.repeat(150)}`, timestamp: NOW}], producerId: pid, producerEpoch: 0, baseSequence: seq})
  const plain = (key: string) => encodeRecordBatchSync({records: [{key, value: `${key}-plain-${'y'.repeat(146)}`, timestamp: NOW}]})

  it("keeps each producer's last batch, empty, when its records are cleaned away", async () => {
    h = await harness({...COMPACT, 'producer.id.expiration.ms': '60000'})
    const log = h.manager.createLog('c', 0)
    await log.append(idem('a', 0))
    await log.append(idem('b', 1))
    await log.append(idem('x', 0, 6n))
    await log.append(plain('b'))
    await log.append(plain('x'))
    for (let i = 0; i < 5; i++) await log.append(plain(`z${i}`))
    expect(log.numSegments).toBe(3)
    expect(log.allSegments[1]!.baseOffset).toBe(4n)
    await h.manager.runCleaner()
    const headers = [...log.batchHeaders()].map((e) => e.header)
    // Producer 5's seq 1 (key b, superseded) stays as an empty batch; producer 6's too.
    expect(headers.find((x) => x.producerId === 5n && x.baseSequence === 1)).toMatchObject({recordsCount: 0, lastOffset: 1n, lastOffsetDelta: 0, producerEpoch: 0})
    expect(headers.find((x) => x.producerId === 6n)).toMatchObject({recordsCount: 0, baseOffset: 2n, lastOffset: 2n, baseSequence: 0})
    // Producer 5's seq 0 (key a, still the latest a) keeps its record.
    expect(headers.find((x) => x.producerId === 5n && x.baseSequence === 0)).toMatchObject({recordsCount: 1})
    // Reads skip the empty batches: offsets 1 and 2 are gone, the records are intact.
    const {batches} = await stored(log)
    expect(batches.flatMap((b) => b.records.map((r) => `${r.offset}:${r.key}`))).toEqual(['0:a', '3:b', '4:x', '5:z0', '6:z1', '7:z2', '8:z3', '9:z4'])
    // After a restart the headers (what producer state is rebuilt from) are the same.
    const again = (await h.restart()).getLog('c', 0)!
    expect([...again.batchHeaders()].map((e) => e.header)).toEqual(headers)
  })

  it('lets expired producers go (producer.id.expiration.ms against the batch timestamp)', async () => {
    h = await harness({...COMPACT, 'producer.id.expiration.ms': '60000'})
    const log = h.manager.createLog('c', 0)
    await log.append(idem('a', 0))
    await log.append(idem('b', 1))
    await log.append(plain('b'))
    await log.append(plain('a'))
    for (let i = 0; i < 5; i++) await log.append(plain(`z${i}`))
    expect(log.numSegments).toBe(3)
    h.clock.advance(60_000)
    await h.manager.runCleaner()
    expect([...log.batchHeaders()].filter((e) => e.header.producerId === 5n)).toEqual([])
  })
})
