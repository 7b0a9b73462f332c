// Retention (time, size, DeleteRecords) and compaction on a ManualClock with tiny segments.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {LogErrorCode, type PartitionLog} from '../../../src/broker/log/index.js'
import {decodeRecordBatches} from '../../../src/protocol/kafka/records/record-batch.js'
import {batch, harness, keyed, type Harness} from './helpers.js'

// Each harness shuts its log manager down and removes its directory when its test finishes.
let h: Harness | null = null
const TINY = {'log.segment.bytes': '400', 'log.segment.delete.delay.ms': '1000'}

async function records(log: PartitionLog): Promise<{offset: bigint; key: string | null; value: string | null}[]> {
  const out: {offset: bigint; key: string | null; value: string | null}[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20)
    if (r.records.length === 0) break
    const batches = await decodeRecordBatches(r.records)
    for (const b of batches) for (const rec of b.records) if (rec.offset >= offset) out.push({offset: rec.offset, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null})
    const last = batches[batches.length - 1]!.header
    offset = last.lastOffset + 1n
  }
  return out
}

describe('retention', () => {
  it('deletes segments older than retention.ms, the active one too, after the delete delay', async () => {
    h = await harness({...TINY, 'log.retention.ms': '60000'})
    const log = h.manager.createLog('t', 0)
    const t0 = h.clock.now()
    for (let i = 0; i < 12; i++) await log.append(batch(2, {timestamp: t0, valueSize: 30}))
    const segs = log.numSegments
    expect(segs).toBeGreaterThan(3)
    h.clock.advance(30_000)
    for (let i = 0; i < 4; i++) await log.append(batch(2, {timestamp: h.clock.now(), valueSize: 30}))
    h.clock.advance(31_000)
    await h.manager.runRetention()
    // The old-timestamped segments went; the segment holding the fresh batches stays.
    expect(log.logStartOffset).toBeGreaterThan(0n)
    expect(log.allSegments.every((s) => s.largestTimestamp > h!.clock.now() - 60_000)).toBe(true)
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith('.log.deleted'))).toBe(true)
    h.clock.advance(1000)
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith('.deleted'))).toBe(false)
    await expect(log.read(0n, 100)).rejects.toMatchObject({errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE})
    h.clock.advance(60_000)
    await h.manager.runRetention()
    expect(log.logStartOffset).toBe(log.logEndOffset)
    expect(log.numSegments).toBe(1)
    expect((await log.append(batch(1))).baseOffset).toBe(32n)
  })

  it('deletes the oldest segments beyond retention.bytes', async () => {
    h = await harness({...TINY, 'log.retention.bytes': '1000'})
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 20; i++) await log.append(batch(2, {valueSize: 30}))
    const before = log.size
    expect(before).toBeGreaterThan(1000)
    await h.manager.runRetention()
    // Kafka's rule: a segment goes only while the log stays at or above retention.bytes without it.
    expect(log.size).toBeGreaterThanOrEqual(1000)
    expect(log.size - log.allSegments[0]!.size).toBeLessThan(1000)
    expect(log.size).toBeLessThan(before)
    expect(log.logStartOffset).toBe(log.allSegments[0]!.baseOffset)
  })

  it('topic configs override broker defaults (retention.ms=-1 keeps everything)', async () => {
    h = await harness({...TINY, 'log.retention.ms': '1000'})
    const keep = h.manager.createLog('keep', 0, {'retention.ms': '-1'})
    const drop = h.manager.createLog('drop', 0)
    for (let i = 0; i < 6; i++) {
      await keep.append(batch(2, {valueSize: 50}))
      await drop.append(batch(2, {valueSize: 50}))
    }
    h.clock.advance(10_000)
    await h.manager.runRetention()
    expect(keep.logStartOffset).toBe(0n)
    expect(drop.logStartOffset).toBe(12n)
  })

  it('DeleteRecords moves the log start offset, drops whole segments below it and survives a restart', async () => {
    h = await harness(TINY)
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 10; i++) await log.append(batch(2, {valueSize: 30}))
    expect(await log.deleteRecordsBefore(7n)).toBe(7n)
    expect(log.logStartOffset).toBe(7n)
    expect(log.allSegments[0]!.baseOffset <= 7n).toBe(true)
    expect(log.allSegments.length === 1 || log.allSegments[1]!.baseOffset > 7n).toBe(true)
    await expect(log.read(6n, 100)).rejects.toMatchObject({errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE})
    const r = await log.read(7n, 100)
    expect(r.records.readBigInt64BE(0)).toBe(6n) // the batch holding 7
    await expect(log.deleteRecordsBefore(21n)).rejects.toMatchObject({errorCode: LogErrorCode.OFFSET_OUT_OF_RANGE})
    const again = (await h.restart()).getLog('t', 0)!
    expect(again.logStartOffset).toBe(7n)
    expect(fs.readFileSync(path.join(h.dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 0 7\n')
    expect(await again.deleteRecordsBefore(-1n)).toBe(20n)
  })

  it('deletes a partition by renaming it to -delete and removing it later', async () => {
    h = await harness(TINY)
    const log = h.manager.createLog('t', 0)
    await log.append(batch(2))
    expect(await h.manager.deleteLog('t', 0)).toBe(true)
    const dirs = fs.readdirSync(h.dir).filter((d) => d.startsWith('t-0'))
    expect(dirs).toHaveLength(1)
    expect(dirs[0]).toMatch(/^t-0\.[0-9a-f]{32}-delete$/)
    expect(h.manager.getLog('t', 0)).toBeUndefined()
    h.clock.advance(1000)
    await new Promise((r) => setTimeout(r, 50))
    expect(fs.readdirSync(h.dir).filter((d) => d.startsWith('t-0'))).toHaveLength(0)
    const fresh = h.manager.createLog('t', 0)
    expect(fresh.logEndOffset).toBe(0n)
  })
})

describe('compaction', () => {
  const COMPACT = {...TINY, 'log.cleanup.policy': 'compact', 'log.cleaner.min.cleanable.ratio': '0.01', 'log.cleaner.delete.retention.ms': '5000'}

  async function writeKeys(log: PartitionLog, rounds: number, skip = ''): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < 5; k++) if (`key${k}` !== skip) await log.append(keyed([[`key${k}`, `r${round}-${'x'.repeat(20)}`]]))
    }
  }

  it('keeps the latest record per key in the cleanable range', async () => {
    h = await harness(COMPACT)
    const log = h.manager.createLog('c', 0)
    await writeKeys(log, 6)
    const before = await records(log)
    const activeBase = log.activeSegment.baseOffset
    await h.manager.runCleaner()
    const after = await records(log)
    expect(after.length).toBeLessThan(before.length)
    // Below the active segment, each key appears at most once, and it is its latest value there.
    const cleaned = after.filter((r) => r.offset < activeBase)
    const keys = cleaned.map((r) => r.key)
    expect(new Set(keys).size).toBe(keys.length)
    for (const r of cleaned) {
      const latest = before.filter((b) => b.key === r.key && b.offset < activeBase).pop()!
      expect(r).toEqual(latest)
    }
    // Everything in the active segment is untouched; offsets still increase.
    expect(after.filter((r) => r.offset >= activeBase)).toEqual(before.filter((r) => r.offset >= activeBase))
    for (let i = 1; i < after.length; i++) expect(after[i]!.offset > after[i - 1]!.offset).toBe(true)
    expect(fs.readFileSync(path.join(h.dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe(`0\n1\nc 0 ${activeBase}\n`)
    expect(log.logEndOffset).toBe(30n)
    expect((await log.append(keyed([['key0', 'new']]))).baseOffset).toBe(30n)
    // And after a restart the log reads the same.
    const again = (await h.restart()).getLog('c', 0)!
    expect((await records(again)).slice(0, after.length)).toEqual(after)
  })

  it('keeps tombstones until delete.retention.ms has passed, then drops them', async () => {
    h = await harness(COMPACT)
    const log = h.manager.createLog('c', 0)
    await writeKeys(log, 2)
    await log.append(keyed([['key1', null]]))
    await writeKeys(log, 2)
    await log.append(keyed([['key1', null]]))
    await writeKeys(log, 3)
    await h.manager.runCleaner()
    const activeBase = log.activeSegment.baseOffset
    const tomb = (await records(log)).filter((r) => r.offset < activeBase && r.key === 'key1')
    expect(tomb.length).toBeLessThanOrEqual(1)
    // Make key1's latest a tombstone in the cleaned range, then clean past its horizon.
    await log.append(keyed([['key1', null]]))
    await writeKeys(log, 4, 'key1')
    await h.manager.runCleaner()
    const base2 = log.activeSegment.baseOffset
    let latest = (await records(log)).filter((r) => r.offset < base2 && r.key === 'key1')
    expect(latest).toHaveLength(1)
    expect(latest[0]!.value).toBeNull()
    h.clock.advance(6000)
    await writeKeys(log, 4, 'key1')
    await h.manager.runCleaner()
    latest = (await records(log)).filter((r) => r.offset < base2 && r.key === 'key1')
    expect(latest).toHaveLength(0)
  })

  it('respects min.compaction.lag.ms', async () => {
    h = await harness({...COMPACT, 'log.cleaner.min.compaction.lag.ms': '60000'})
    const log = h.manager.createLog('c', 0)
    for (let round = 0; round < 5; round++) for (let k = 0; k < 5; k++) await log.append(keyed([[`key${k}`, `v${round}`]], h.clock.now()))
    const before = await records(log)
    await h.manager.runCleaner()
    expect(await records(log)).toEqual(before)
    h.clock.advance(61_000)
    await log.append(keyed([['x', 'y']], h.clock.now()))
    await h.manager.runCleaner()
    expect((await records(log)).length).toBeLessThan(before.length)
  })

  it('does nothing below min.cleanable.dirty.ratio', async () => {
    h = await harness({...COMPACT, 'log.cleaner.min.cleanable.ratio': '0.99'})
    const log = h.manager.createLog('c', 0)
    await writeKeys(log, 4)
    await h.manager.runCleaner()
    const before = await records(log)
    await writeKeys(log, 1)
    await h.manager.runCleaner()
    expect((await records(log)).slice(0, before.length)).toEqual(before)
  })

  it('loses nothing when the cleaner dies between the .swap rename and the swap', async () => {
    h = await harness(COMPACT)
    const log = h.manager.createLog('c', 0)
    await writeKeys(log, 6)
    const before = await records(log)
    const activeBase = log.activeSegment.baseOffset
    h.manager.cleanerFailpoint = 'after-swap'
    await h.manager.runCleaner()
    expect(h.lines.some((l) => l.includes('CleanerCrash'))).toBe(true)
    expect(fs.readdirSync(log.dir).some((f) => f.endsWith('.log.swap'))).toBe(true)
    // Both generations are on disk now; the restart must finish the swap, not mix them.
    const again = (await h.crash()).getLog('c', 0)!
    expect(h.lines.some((l) => l.includes('Completed the interrupted swap'))).toBe(true)
    expect(fs.readdirSync(again.dir).filter((f) => /\.(swap|cleaned|deleted)$/.test(f))).toEqual([])
    // Nothing lost: the records are a subsequence of the originals with every key's latest value,
    // and offsets never repeat.
    const check = async (): Promise<void> => {
      const after = await records(again)
      const original = new Map(before.map((r) => [r.offset, r]))
      for (const r of after) expect(r).toEqual(original.get(r.offset))
      for (let i = 1; i < after.length; i++) expect(after[i]!.offset > after[i - 1]!.offset).toBe(true)
      const latest = (rs: typeof before): Map<string | null, string | null> => new Map(rs.map((r) => [r.key, r.value]))
      expect(latest(after)).toEqual(latest(before))
      expect(after.filter((r) => r.offset >= activeBase)).toEqual(before.filter((r) => r.offset >= activeBase))
    }
    await check()
    expect((await records(again)).length).toBeLessThan(before.length)
    // The cleaner picks up where it was interrupted.
    h.manager.cleanerFailpoint = undefined
    await h.manager.runCleaner()
    await check()
    const cleaned = (await records(again)).filter((r) => r.offset < activeBase)
    expect(new Set(cleaned.map((r) => r.key)).size).toBe(cleaned.length)
    expect(again.logEndOffset).toBe(30n)
  })

  it('drops a .cleaned leftover (a crash before the swap) and keeps the originals', async () => {
    h = await harness(COMPACT)
    const log = h.manager.createLog('c', 0)
    await writeKeys(log, 3)
    const before = await records(log)
    fs.writeFileSync(path.join(log.dir, '00000000000000000000.log.cleaned'), Buffer.alloc(100, 7))
    const again = (await h.crash()).getLog('c', 0)!
    expect(fs.existsSync(path.join(again.dir, '00000000000000000000.log.cleaned'))).toBe(false)
    expect(await records(again)).toEqual(before)
  })
})
