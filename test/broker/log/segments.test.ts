// Segments, indexes and reads across them: every offset of a multi-segment log reads back the
// batch that holds it, before and after restarts, and rebuilt indexes equal the ones written live.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {LogErrorCode, type PartitionLog} from '../../../src/broker/log/index.js'
import {batch, harness, removeDir, type Harness} from './helpers.js'

// Each harness shuts its log manager down and removes its directory when its test finishes.
let h: Harness | null = null
const SMALL = {'log.segment.bytes': '1200', 'log.index.interval.bytes': '150'}

async function fill(log: PartitionLog, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await log.append(batch(1 + (i % 4), {valueSize: 10 + ((i * 37) % 90)}))
}

async function expectEveryOffsetReadable(log: PartitionLog): Promise<void> {
  for (let o = log.logStartOffset; o < log.logEndOffset; o++) {
    const r = await log.read(o, 1)
    const base = r.records.readBigInt64BE(0)
    const last = base + BigInt(r.records.readInt32BE(23))
    expect(base <= o && o <= last, `offset ${o} read batch [${base}, ${last}]`).toBe(true)
    expect(r.records.length).toBe(12 + r.records.readInt32BE(8))
    // A larger read starts at the same batch and holds only whole batches.
    const big = await log.read(o, 700)
    expect(big.records.readBigInt64BE(0)).toBe(base)
    let pos = 0
    while (pos < big.records.length) pos += 12 + big.records.readInt32BE(pos + 8)
    expect(pos).toBe(big.records.length)
  }
}

const segmentFiles = (log: PartitionLog, ext: string): string[] => fs.readdirSync(log.dir).filter((f) => f.endsWith(ext)).sort()

describe('segments', () => {
  it('names segments by 20-digit base offset and rolls on segment.bytes', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 40)
    const logs = segmentFiles(log, '.log')
    expect(logs.length).toBeGreaterThan(4)
    expect(logs[0]).toBe('00000000000000000000.log')
    for (const f of logs) expect(f).toMatch(/^\d{20}\.log$/)
    const bases = log.allSegments.map((s) => s.baseOffset)
    for (let i = 1; i < bases.length; i++) expect(bases[i]).toBe(log.allSegments[i - 1]!.nextOffset)
    for (const s of log.allSegments.slice(0, -1)) expect(s.size).toBeLessThanOrEqual(1200)
    expect(segmentFiles(log, '.index').length).toBe(logs.length)
    expect(segmentFiles(log, '.timeindex').length).toBe(logs.length)
  })

  it('reads every offset of a multi-segment log, live, after a restart and after a crash', async () => {
    h = await harness(SMALL)
    let log = h.manager.createLog('t', 0)
    await fill(log, 50)
    const end = log.logEndOffset
    await expectEveryOffsetReadable(log)
    log = (await h.restart()).getLog('t', 0)!
    await expectEveryOffsetReadable(log)
    log = (await h.crash()).getLog('t', 0)!
    expect(log.logEndOffset).toBe(end)
    await expectEveryOffsetReadable(log)
  })

  it('stops before maxOffset and honours minOneMessage', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 5; i++) await log.append(batch(2, {valueSize: 100}))
    const upTo = await log.read(0n, 1 << 20, {maxOffset: 6n})
    expect(upTo.records.length).toBeGreaterThan(0)
    let pos = 0
    let last = -1n
    while (pos < upTo.records.length) {
      last = upTo.records.readBigInt64BE(pos) + 1n
      pos += 12 + upTo.records.readInt32BE(pos + 8)
    }
    expect(last).toBe(5n)
    expect((await log.read(0n, 10, {minOneMessage: false})).records.length).toBe(0)
    expect((await log.read(0n, 10)).records.length).toBeGreaterThan(10)
  })

  it('rebuilds deleted index files from the log, entry for entry', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 40)
    await h.manager.shutdown()
    const before = new Map(segmentFiles(log, '.index').map((f) => [f, fs.readFileSync(path.join(log.dir, f))]))
    expect([...before.values()].some((b) => b.length > 0)).toBe(true)
    for (const f of fs.readdirSync(log.dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) fs.rmSync(path.join(log.dir, f))
    const again = (await h.restart()).getLog('t', 0)!
    expect(h.lines.filter((l) => l.includes('Rebuilt the indexes')).length).toBe(before.size)
    await again.flush()
    await h.manager.shutdown()
    for (const [f, bytes] of before) expect(fs.readFileSync(path.join(log.dir, f)).equals(bytes), f).toBe(true)
    const third = (await h.restart()).getLog('t', 0)!
    await expectEveryOffsetReadable(third)
  })

  it('rebuilds a corrupt index (offsets going backwards)', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 20)
    await h.manager.shutdown()
    const idx = path.join(log.dir, '00000000000000000000.index')
    const buf = fs.readFileSync(idx)
    expect(buf.length).toBeGreaterThanOrEqual(16)
    buf.writeInt32BE(0x7fffffff, 0)
    fs.writeFileSync(idx, buf)
    const again = (await h.restart()).getLog('t', 0)!
    expect(h.lines.some((l) => l.includes('Rebuilt the indexes of segment 00000000000000000000.log'))).toBe(true)
    await expectEveryOffsetReadable(again)
  })

  it('finds offsets by timestamp through the time index', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 30; i++) await log.append(batch(2, {timestamp: 1000 + i * 10, valueSize: 40}))
    // Batch i holds offsets 2i, 2i+1 with timestamps 1000+10i and 1001+10i.
    expect(await log.offsetForTimestamp(1000n)).toMatchObject({offset: 0n, timestamp: 1000n})
    expect(await log.offsetForTimestamp(1001n)).toMatchObject({offset: 1n, timestamp: 1001n})
    expect(await log.offsetForTimestamp(1105n)).toMatchObject({offset: 22n, timestamp: 1110n})
    expect(await log.offsetForTimestamp(5000n)).toBeNull()
    expect(await log.offsetForTimestamp(-2n)).toMatchObject({offset: 0n})
    expect(await log.offsetForTimestamp(-1n)).toMatchObject({offset: 60n})
    expect(await log.offsetForTimestamp(-3n)).toMatchObject({offset: 59n, timestamp: 1291n})
  })

  it('rolls on segment.ms measured from the first batch timestamp', async () => {
    h = await harness({'log.roll.ms': '1000'})
    const log = h.manager.createLog('t', 0)
    await log.append(batch(1, {timestamp: 10_000}))
    await log.append(batch(1, {timestamp: 10_900}))
    expect(log.numSegments).toBe(1)
    await log.append(batch(1, {timestamp: 11_001}))
    expect(log.numSegments).toBe(2)
    expect(log.activeSegment.baseOffset).toBe(2n)
  })

  it('rolls when the offset index is full', async () => {
    h = await harness({'log.index.size.max.bytes': '32', 'log.index.interval.bytes': '0'})
    const log = h.manager.createLog('t', 0)
    for (let i = 0; i < 12; i++) await log.append(batch(1))
    expect(log.numSegments).toBeGreaterThan(1)
    for (const s of log.allSegments) expect(s.offsetIndex.entries).toBeLessThanOrEqual(4)
    await expectEveryOffsetReadable(log)
  })

  it('keeps leader epochs and answers OffsetForLeaderEpoch', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 0)
    await log.append(batch(3), {leaderEpoch: 0})
    await log.append(batch(2), {leaderEpoch: 2})
    await log.append(batch(2), {leaderEpoch: 5})
    expect(log.endOffsetForEpoch(0)).toEqual({leaderEpoch: 0, endOffset: 3n})
    expect(log.endOffsetForEpoch(1)).toEqual({leaderEpoch: 0, endOffset: 3n})
    expect(log.endOffsetForEpoch(2)).toEqual({leaderEpoch: 2, endOffset: 5n})
    expect(log.endOffsetForEpoch(5)).toEqual({leaderEpoch: 5, endOffset: 7n})
    expect(log.endOffsetForEpoch(6)).toEqual({leaderEpoch: -1, endOffset: -1n})
    const again = (await h.crash()).getLog('t', 0)!
    expect(again.endOffsetForEpoch(2)).toEqual({leaderEpoch: 2, endOffset: 5n})
    expect(fs.readFileSync(path.join(again.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n3\n0 0\n2 3\n5 5\n')
  })

  it('lists batch headers from an offset (producer state rebuild)', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 30)
    const all = [...log.batchHeaders()]
    expect(all.length).toBe(30)
    const from = [...log.batchHeaders(40n)]
    expect(from[0]!.header.baseOffset <= 40n && from[0]!.header.lastOffset >= 40n).toBe(true)
    expect(from[from.length - 1]!.header.lastOffset).toBe(log.logEndOffset - 1n)
  })

  it('truncates for a follower', async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 30)
    log.truncateTo(20n)
    expect(log.logEndOffset <= 20n).toBe(true)
    const end = log.logEndOffset
    expect((await log.append(batch(1))).baseOffset).toBe(end)
    await expectEveryOffsetReadable(log)
  })

  it('writes checkpoints in Kafka format and the clean-shutdown marker', async () => {
    h = await harness()
    const log = h.manager.createLog('t', 3)
    await log.append(batch(4))
    await h.manager.shutdown()
    expect(fs.readFileSync(path.join(h.dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 3 4\n')
    expect(fs.readFileSync(path.join(h.dir, 'replication-offset-checkpoint'), 'utf8')).toBe('0\n1\nt 3 4\n')
    expect(fs.readFileSync(path.join(h.dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n0\n')
    expect(fs.existsSync(path.join(h.dir, '.kafka_cleanshutdown'))).toBe(true)
    expect(fs.readFileSync(path.join(h.dir, 'meta.properties'), 'utf8')).toMatch(/version=0\nbroker\.id=0\n$/)
    h.lines.length = 0
    await h.restart()
    expect(fs.existsSync(path.join(h.dir, '.kafka_cleanshutdown'))).toBe(false)
    expect(h.lines.some((l) => l.includes('no clean shutdown file'))).toBe(false)
  })

  it('flushes per flush.messages and moves the recovery point', async () => {
    h = await harness({'log.flush.interval.messages': '3'})
    const log = h.manager.createLog('t', 0)
    await log.append(batch(2))
    expect(log.recoveryPoint).toBe(0n)
    await log.append(batch(2))
    expect(log.recoveryPoint).toBe(4n)
  })

  it('answers KAFKA_STORAGE_ERROR for a dir that cannot be used and keeps the others', async () => {
    const good = (await import('./helpers.js')).tempDir()
    const blocker = path.join(good, 'not-a-dir')
    fs.writeFileSync(blocker, 'x')
    const {LogManager} = await import('../../../src/broker/log/index.js')
    const {memoryLogger} = await import('../../../src/common/logger.js')
    const {logger, lines} = memoryLogger()
    const m = new LogManager({logDirs: [path.join(blocker, 'logs'), path.join(good, 'logs')], logger})
    await m.startup()
    expect(m.offlineLogDirs).toEqual([path.join(blocker, 'logs')])
    expect(lines.some((l) => l.includes('ERROR') && l.includes('offline'))).toBe(true)
    const log = m.createLog('t', 0)
    expect(log.dir.startsWith(path.join(good, 'logs'))).toBe(true)
    expect(m.describeLogDirs()[0]!.error?.errorCode).toBe(LogErrorCode.KAFKA_STORAGE_ERROR)
    await m.shutdown()
    const only = new LogManager({logDirs: [path.join(blocker, 'logs')], logger})
    await expect(only.startup()).rejects.toMatchObject({errorCode: LogErrorCode.KAFKA_STORAGE_ERROR})
    removeDir(good)
  })

  it("reads Kafka's preallocated index files (trailing zero entries) without rebuilding them", async () => {
    h = await harness(SMALL)
    const log = h.manager.createLog('t', 0)
    await fill(log, 40)
    await h.manager.shutdown()
    const active = log.allSegments[log.allSegments.length - 1]!.baseOffset.toString().padStart(20, '0')
    for (const ext of ['.index', '.timeindex']) {
      const f = path.join(log.dir, active + ext)
      const entry = ext === '.index' ? 8 : 12
      fs.appendFileSync(f, Buffer.alloc(entry * 1000))
    }
    h.lines.length = 0
    const again = (await h.restart()).getLog('t', 0)!
    expect(h.lines.filter((l) => l.includes('Rebuilt'))).toEqual([])
    await expectEveryOffsetReadable(again)
    expect((await again.append(batch(1))).baseOffset).toBe(log.logEndOffset)
  })
})
