// Crash recovery as a property test: random logs (every codec, with and without keys, several
// segments), killed without a clean shutdown, then damaged: cut inside a header, inside the
// records, just after the CRC, at a batch boundary, at a random byte; a flipped bit; a zeroed
// range. After the restart every batch before the first damaged byte is served byte for byte,
// nothing after it, and the next append gets the offset right after the last surviving batch.
//
// Not covered by design: bit flips in partitionLeaderEpoch (bytes 12-15), which neither the CRC
// nor any invariant protects (Kafka cannot detect them either).
import * as fs from 'node:fs'
import * as path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ManualClock} from '../../../src/common/clock.js'
import {memoryLogger} from '../../../src/common/logger.js'
import {LogManager} from '../../../src/broker/log/index.js'
import {durability} from '../../../src/broker/log/durability.js'
import {encodeRecordBatch} from '../../../src/protocol/kafka/records/record-batch.js'
import {removeDir, tempDir} from './helpers.js'

function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Written {
  file: string
  position: number
  size: number
  baseOffset: bigint
  lastOffset: bigint
  bytes: Buffer
}

// The crash here drops descriptors, not the page cache: fsync changes nothing but the run time.
const root = tempDir()
durability.fsync = false
afterAll(() => {
  durability.fsync = true
  removeDir(root)
})

const props = new Map([
  ['log.segment.bytes', '3000'],
  ['log.index.interval.bytes', '200'],
  ['log.retention.check.interval.ms', '999999999'],
  ['log.cleaner.enable', 'false'],
])

function manager(dir: string): {m: LogManager; lines: string[]} {
  const {logger, lines} = memoryLogger()
  return {m: new LogManager({logDirs: [dir], brokerProps: props, clock: new ManualClock(), logger}), lines}
}

/** Writes a random log into dir, "kills" it, and returns every batch with where it sits. */
async function buildLog(dir: string, rand: () => number): Promise<Written[]> {
  const {m} = manager(dir)
  await m.startup()
  const log = m.createLog('p', 0)
  const n = 8 + Math.floor(rand() * 20)
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(rand() * 6)
    const codec = Math.floor(rand() * 5)
    const keys = rand() < 0.5
    const records = Array.from({length: count}, (_, j) => ({
      key: keys ? `key-${i}-${j}` : null,
      value: Buffer.alloc(Math.floor(rand() * 200), (i * 7 + j) & 0xff),
      timestamp: 1_700_000_000_000 + i * 10 + j,
    }))
    await log.append(await encodeRecordBatch({records, compression: codec}), {leaderEpoch: Math.floor(i / 5)})
  }
  const out: Written[] = []
  for (const e of log.batchHeaders()) {
    const file = path.join(log.dir, `${e.segmentBaseOffset.toString().padStart(20, '0')}.log`)
    const bytes = Buffer.from(fs.readFileSync(file).subarray(e.position, e.position + e.size))
    out.push({file: path.basename(file), position: e.position, size: e.size, baseOffset: e.header.baseOffset, lastOffset: e.header.lastOffset, bytes})
  }
  for (const l of m.allLogs()) l.closeHandlesOnly() // the crash: no flush, no checkpoints, no marker
  return out
}

type Damage = {kind: string; file: string; apply: (buf: Buffer) => Buffer}

function pickDamage(batches: Written[], rand: () => number): Damage {
  const b = batches[Math.floor(rand() * batches.length)]!
  const at = (n: number): number => b.position + n
  const cut = (p: number) => (buf: Buffer) => buf.subarray(0, Math.min(p, buf.length))
  const kinds: (() => Damage)[] = [
    () => ({kind: `cut inside header at +${0}`, file: b.file, apply: cut(at(1 + Math.floor(rand() * 60)))}),
    () => ({kind: 'cut inside records', file: b.file, apply: cut(at(61 + Math.floor(rand() * (b.size - 61))))}),
    () => ({kind: 'cut just after the CRC', file: b.file, apply: cut(at(21))}),
    () => ({kind: 'cut at a batch boundary', file: b.file, apply: cut(at(0))}),
    () => ({kind: 'cut at a random byte', file: b.file, apply: cut(at(Math.floor(rand() * b.size)))}),
    () => {
      // Any bit outside partitionLeaderEpoch.
      let off: number
      do off = Math.floor(rand() * b.size)
      while (off >= 12 && off < 16)
      const bit = Math.floor(rand() * 8)
      return {kind: `flip bit ${bit} at +${off}`, file: b.file, apply: (buf) => { buf[at(off)]! ^= 1 << bit; return buf }}
    },
    () => {
      const start = at(Math.floor(rand() * b.size))
      const len = 1 + Math.floor(rand() * 300)
      return {kind: `zero ${len} bytes at ${start}`, file: b.file, apply: (buf) => { buf.fill(0, start, Math.min(buf.length, start + len)); return buf }}
    },
  ]
  return kinds[Math.floor(rand() * kinds.length)]!()
}

/** The first byte that differs (or the shorter length), or null when nothing changed. */
function firstChange(before: Buffer, after: Buffer): number | null {
  const n = Math.min(before.length, after.length)
  for (let i = 0; i < n; i++) if (before[i] !== after[i]) return i
  return before.length === after.length ? null : n
}

async function readAll(m: LogManager): Promise<Buffer[]> {
  const log = m.getLog('p', 0)!
  const out: Buffer[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1) // minOneMessage: one batch per read
    const size = 12 + r.records.readInt32BE(8)
    out.push(Buffer.from(r.records.subarray(0, size)))
    offset = r.records.readBigInt64BE(0) + BigInt(r.records.readInt32BE(23)) + 1n
  }
  return out
}

describe('crash recovery (property)', () => {
  const LOGS = 20
  const DAMAGES = 12
  it(`serves exactly the batches before the damage (${LOGS} logs x ${DAMAGES} damages)`, async () => {
    let cases = 0
    const kinds = new Map<string, number>()
    for (let s = 0; s < LOGS; s++) {
      const seed = 1000 + s
      const rand = rng(seed)
      const base = path.join(root, `base-${s}`)
      fs.mkdirSync(base)
      const batches = await buildLog(base, rand)
      for (let d = 0; d < DAMAGES; d++) {
        const dir = path.join(root, `case-${s}-${d}`)
        fs.cpSync(base, dir, {recursive: true})
        const damage = pickDamage(batches, rand)
        const file = path.join(dir, 'p-0', damage.file)
        const before = fs.readFileSync(file)
        const after = damage.apply(Buffer.from(before))
        fs.writeFileSync(file, after)
        const changedAt = firstChange(before, after)
        // Expected survivors: batches of earlier files, and of this file those ending before the change.
        const expected = batches.filter((b) => b.file < damage.file || (b.file === damage.file && (changedAt === null || b.position + b.size <= changedAt)))
        const ctx = `seed ${seed} damage ${d}: ${damage.kind} in ${damage.file} (first change at ${changedAt})`
        const {m, lines} = manager(dir)
        await m.startup().catch((error) => {
          throw new Error(`${ctx}: ${error.message}\n${lines.join('\n')}`)
        })
        const got = await readAll(m)
        expect(got.length, ctx + '\n' + lines.join('\n')).toBe(expected.length)
        for (let i = 0; i < got.length; i++) expect(got[i]!.equals(expected[i]!.bytes), `${ctx}: batch ${i}`).toBe(true)
        const next = expected.length ? expected[expected.length - 1]!.lastOffset + 1n : 0n
        const log = m.getLog('p', 0)!
        expect(log.logEndOffset, ctx).toBe(next)
        const r = await log.append(await encodeRecordBatch({records: [{key: 'after', value: 'crash'}]}))
        expect(r.baseOffset, ctx).toBe(next)
        expect((await log.read(next, 1000)).records.readBigInt64BE(0), ctx).toBe(next)
        for (const l of m.allLogs()) l.closeHandlesOnly()
        removeDir(dir)
        cases++
        const k = damage.kind.split(' ').slice(0, 2).join(' ')
        kinds.set(k, (kinds.get(k) ?? 0) + 1)
      }
    }
    expect(cases).toBe(LOGS * DAMAGES)
    expect(kinds.size).toBeGreaterThanOrEqual(5)
  }, 60_000)
})
