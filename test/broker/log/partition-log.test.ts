import * as fs from 'node:fs'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {LogErrorCode, type LogError} from '../../../src/broker/log/index.js'
import {iterateBatches} from '../../../src/protocol/kafka/records/batch-header.js'
import {decodeRecordBatches} from '../../../src/protocol/kafka/records/record-batch.js'
import {batch, harness, keyed, type Harness} from './helpers.js'

// Each harness shuts its log manager down and removes its directory when its test finishes.
let h: Harness | null = null
const offsetsOf = (buf: Buffer): bigint[] => [...iterateBatches(buf)].map((e) => e.header.baseOffset)

describe('PartitionLog append and read', () => {
  it('assigns offsets, stamps the leader epoch and reads whole batches back', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    const r1 = await log.append(batch(3), {leaderEpoch: 5})
    const r2 = await log.append(batch(2), {leaderEpoch: 5})
    expect([r1.baseOffset, r1.lastOffset, r2.baseOffset, r2.lastOffset]).toEqual([0n, 2n, 3n, 4n])
    expect(log.logEndOffset).toBe(5n)
    const read = await log.read(1n, 1 << 20)
    expect(offsetsOf(read.records)).toEqual([0n, 3n])
    const decoded = await decodeRecordBatches(read.records)
    expect(decoded.map((d) => d.header.partitionLeaderEpoch)).toEqual([5, 5])
    expect(decoded.flatMap((d) => d.records.map((r) => r.offset))).toEqual([0n, 1n, 2n, 3n, 4n])
    expect(log.endOffsetForEpoch(5)).toEqual({leaderEpoch: 5, endOffset: 5n})
    expect(fs.readFileSync(path.join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n5 0\n')
  })

  it('answers OFFSET_OUT_OF_RANGE outside the log and empty at the end', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    await log.append(batch(2))
    expect((await log.read(2n, 100)).records.length).toBe(0)
    await expect(log.read(3n, 100)).rejects.toMatchObject({errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE})
  })

  it('rejects a bad CRC, an oversized batch and keyless records on a compacted topic, writing nothing', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0, {'max.message.bytes': '2000'})
    const bad = batch(2)
    bad[bad.length - 1]! ^= 1
    await expect(log.append(bad)).rejects.toMatchObject({errorCode: LogErrorCode.CORRUPT_MESSAGE})
    await expect(log.append(batch(1, {valueSize: 3000}))).rejects.toMatchObject({errorCode: LogErrorCode.MESSAGE_TOO_LARGE})
    await expect(log.append(batch(2).subarray(0, 40))).rejects.toMatchObject({errorCode: LogErrorCode.CORRUPT_MESSAGE})
    const c = h.manager.createLog('c', 0, {'cleanup.policy': 'compact'})
    const err = (await c.append(batch(3, {keys: false})).catch((e) => e)) as LogError
    expect(err.errorCode).toBe(LogErrorCode.INVALID_RECORD)
    expect(err.recordErrors.map((r) => r.batchIndex)).toEqual([0, 1, 2])
    expect(log.logEndOffset).toBe(0n)
    expect(c.logEndOffset).toBe(0n)
    expect(log.size + c.size).toBe(0)
  })

  it('stamps LogAppendTime with a fresh CRC', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0, {'message.timestamp.type': 'LogAppendTime'})
    const r = await log.append(batch(2))
    expect(r.logAppendTime).toBe(BigInt(h.clock.now()))
    const [d] = await decodeRecordBatches((await log.read(0n, 1000)).records)
    expect(d!.header.maxTimestamp).toBe(BigInt(h.clock.now()))
    expect(d!.header.attributes & 0x08).toBe(8)
  })

  it('keeps everything across a clean restart', async () => {
    h = await harness({'log.segment.bytes': '300'})
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 10; i++) await log.append(batch(2))
    expect(log.numSegments).toBeGreaterThan(2)
    const m = await h.restart()
    const again = m.getLog('t', 0)!
    expect(again.logEndOffset).toBe(20n)
    expect(again.numSegments).toBe(log.numSegments)
    expect(h.lines.some((l) => l.includes('Recovered unflushed'))).toBe(false)
    const r = await again.append(keyed([['a', 'b']]))
    expect(r.baseOffset).toBe(20n)
  })

  it('checks the CRC of a large set, and leaves nothing of a corrupt one', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    const big = () => batch(300, {valueSize: 1024})
    expect(big().length).toBeGreaterThan(256 * 1024)
    const results = await Promise.all([log.append(batch(1)), log.append(big()), log.append(batch(1))])
    expect(results.map((r) => r.baseOffset)).toEqual([0n, 1n, 301n])
    const size = log.size
    const bad = big()
    bad[bad.length - 10]! ^= 0x40
    await expect(log.append(bad)).rejects.toMatchObject({errorCode: LogErrorCode.CORRUPT_MESSAGE})
    expect(log.size).toBe(size)
    expect(fs.statSync(path.join(log.dir, '00000000000000000000.log')).size).toBe(size)
    expect((await log.append(batch(1))).baseOffset).toBe(302n)
    // A corrupt set that the producer-state precheck would answer (a duplicate, say) still gets
    // CORRUPT_MESSAGE: the CRCs are checked first.
    const duplicate = {baseOffset: 0n, logAppendTime: -1n, logStartOffset: 0n} as unknown as Awaited<ReturnType<typeof log.append>>
    await expect(log.append(bad, {precheck: () => duplicate})).rejects.toMatchObject({errorCode: LogErrorCode.CORRUPT_MESSAGE})
    expect(await log.append(big(), {precheck: () => duplicate})).toBe(duplicate)
    const again = (await h.crash()).getLog('t', 0)!
    expect(again.logEndOffset).toBe(303n)
  })

  it('wakes onAppend listeners, and lets the broker drive the high watermark and LSO', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    const seen: bigint[] = []
    const off = log.onAppend((l) => seen.push(l.logEndOffset))
    await log.append(batch(2))
    expect(log.highWatermark).toBe(2n) // follows the log end until set
    log.highWatermark = 1n
    await log.append(batch(1))
    expect(log.highWatermark).toBe(1n)
    expect(log.lastStableOffset).toBe(1n)
    log.highWatermark = 3n
    expect(seen).toEqual([2n, 3n, 3n]) // two appends, one HW move
    log.lastStableOffset = 2n
    expect(log.lastStableOffset).toBe(2n)
    expect((await log.read(0n, 1000, {maxOffset: log.lastStableOffset})).records.length).toBeGreaterThan(0)
    expect((await log.read(2n, 1000, {maxOffset: log.lastStableOffset})).records.length).toBe(0)
    off()
    await log.append(batch(1))
    expect(seen).toHaveLength(3)
  })

  it('validates topic configs and applies AlterConfigs to every partition', async () => {
    h = await harness()
    expect(() => h!.manager.createLog('t', 0, {'segment.bytes': 'lots'})).toThrow(/Invalid value lots for configuration segment.bytes: Not a number of type INT/)
    expect(() => h!.manager.createLog('t', 0, {'no.such.key': '1'})).toThrow(/Unknown topic config name: no.such.key/)
    const a = h.manager.createLog('t', 0, {'retention.ms': '1000'})
    const b = h.manager.createLog('t', 1)
    expect(b.config.retentionMs).toBe(1000)
    h.manager.updateTopicConfig('t', {'cleanup.policy': 'compact,delete', 'max.message.bytes': '500'})
    expect(a.config.compact && a.config.delete).toBe(true)
    expect(b.config.maxMessageBytes).toBe(500)
    expect(a.config.retentionMs).toBe(604800000)
    const dirs = h.manager.describeLogDirs()
    expect(dirs).toHaveLength(1)
    expect(dirs[0]!.partitions.map((p) => `${p.topic}-${p.partition}`).sort()).toEqual(['t-0', 't-1'])
  })
})
