// dump-log for .index and .timeindex files, as Kafka's DumpLogSegments prints them:
//   offset: 12 position: 4170                   (.index: one line per entry)
//   timestamp: 1700000000123 offset: 12         (.timeindex)
// Each entry is checked against the .log beside it; mismatches go to stderr at the end of the
// run. --index-sanity-check runs only the check Kafka makes when it opens an index (the one that
// decides whether it is rebuilt); --verify-index-only checks without printing entries.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {decodeRecordBatch} from '../../protocol/kafka/records/record-batch.js'
import {decodeLegacyEntry} from '../../protocol/kafka/records/legacy.js'
import {fileEntries} from './file-entries.js'
import type {DumpContext} from '../dump-log.js'

interface Segment {
  baseOffset: bigint
  logFile: string
}

function segmentOf(file: string): Segment {
  const prefix = path.basename(file).split('.')[0]!
  if (!/^\d+$/.test(prefix)) throw new Error(`${file} is not named after a base offset (<20 digits>.index)`)
  return {baseOffset: BigInt(prefix), logFile: path.join(path.dirname(path.resolve(file)), `${prefix}.log`)}
}

class CorruptIndexError extends Error {}

/** Offset index entries (relative offset, position), Kafka's entry count: floor(length / 8). */
function readOffsetIndex(file: string, base: bigint): {offsets: bigint[]; positions: number[]; length: number} {
  const buf = fs.readFileSync(file)
  const n = Math.floor(buf.length / 8)
  const offsets: bigint[] = []
  const positions: number[] = []
  for (let i = 0; i < n; i++) {
    offsets.push(base + BigInt(buf.readInt32BE(i * 8)))
    positions.push(buf.readInt32BE(i * 8 + 4))
  }
  return {offsets, positions, length: buf.length}
}

function offsetIndexSanity(file: string, base: bigint, idx: {offsets: bigint[]; length: number}): void {
  const abs = path.resolve(file)
  const last = idx.offsets.length ? idx.offsets[idx.offsets.length - 1]! : base
  if (idx.offsets.length !== 0 && last < base) throw new CorruptIndexError(`Corrupt index found, index file (${abs}) has non-zero size but the last offset is ${last} which is less than the base offset ${base}.`)
  if (idx.length % 8 !== 0) throw new CorruptIndexError(`Index file ${abs} is corrupt, found ${idx.length} bytes which is neither positive nor a multiple of 8.`)
}

/** The last batch of the log file whose entries begin at position: the first one there, or null. */
function firstBatchAt(logFile: string, position: number, maxSize: number): {lastOffset: bigint} | null {
  const fd = fs.openSync(logFile, 'r')
  try {
    const end = Math.min(fs.fstatSync(fd).size, position + maxSize)
    for (const e of fileEntries(fd, position, end, logFile)) return {lastOffset: e.header.lastOffset}
    return null
  } finally {
    fs.closeSync(fd)
  }
}

export async function dumpOffsetIndex(file: string, ctx: DumpContext): Promise<void> {
  const seg = segmentOf(file)
  if (!fs.existsSync(seg.logFile)) throw new Error(`${seg.logFile} (No such file or directory)`)
  const idx = readOffsetIndex(file, seg.baseOffset)
  if (idx.offsets.length === 0) {
    ctx.out(`${file} is empty.`)
    return
  }
  if (ctx.indexSanityCheck) {
    offsetIndexSanity(file, seg.baseOffset, idx)
    ctx.out(`${file} passed sanity check.`)
    return
  }
  for (let i = 0; i < idx.offsets.length; i++) {
    const offset = idx.offsets[i]!
    const position = idx.positions[i]!
    // A preallocated index after a crash ends in zero entries.
    if (offset === seg.baseOffset && i > 0) return
    const batch = firstBatchAt(seg.logFile, position, ctx.maxMessageSize)
    const found = batch ? batch.lastOffset : -1n
    if (found !== offset) ctx.indexMismatch(path.resolve(file), offset, found)
    if (!ctx.verifyOnly) ctx.out(`offset: ${offset} position: ${position}`)
  }
}

export async function dumpTimeIndex(file: string, ctx: DumpContext): Promise<void> {
  const seg = segmentOf(file)
  if (!fs.existsSync(seg.logFile)) throw new Error(`${seg.logFile} (No such file or directory)`)
  const indexFile = seg.logFile.replace(/\.log$/, '.index')
  const offIdx = fs.existsSync(indexFile) ? readOffsetIndex(indexFile, seg.baseOffset) : {offsets: [], positions: [], length: 0}
  const buf = fs.readFileSync(file)
  const n = Math.floor(buf.length / 12)
  const entry = (i: number): {timestamp: bigint; offset: bigint} => ({timestamp: buf.readBigInt64BE(i * 12), offset: seg.baseOffset + BigInt(buf.readInt32BE(i * 12 + 8))})
  const abs = path.resolve(file)
  if (ctx.indexSanityCheck) {
    if (n > 0) {
      const first = entry(0)
      const last = entry(n - 1)
      if (last.timestamp < first.timestamp) throw new CorruptIndexError(`Corrupt time index found, time index file (${abs}) has non-zero size but the last timestamp is ${last.timestamp} which is less than the first timestamp ${first.timestamp}`)
      if (last.offset < seg.baseOffset) throw new CorruptIndexError(`Corrupt time index found, time index file (${abs}) has non-zero size but the last offset is ${last.offset} which is less than the first offset ${seg.baseOffset}`)
    }
    if (buf.length % 12 !== 0) throw new CorruptIndexError(`Time index file ${abs} is corrupt, found ${buf.length} bytes which is neither positive nor a multiple of 12.`)
    ctx.out(`${file} passed sanity check.`)
    return
  }
  const lookup = (offset: bigint): number => {
    let pos = 0
    for (let i = 0; i < offIdx.offsets.length && offIdx.offsets[i]! <= offset; i++) pos = offIdx.positions[i]!
    return pos
  }
  const fd = fs.openSync(seg.logFile, 'r')
  try {
    const logSize = fs.fstatSync(fd).size
    let prev = -1n
    for (let i = 0; i < n; i++) {
      const e = entry(i)
      if (e.offset === seg.baseOffset && i > 0) return
      let found: {lastOffset: bigint; bytes: Buffer; magic: number} | null = null
      for (const b of fileEntries(fd, lookup(e.offset), logSize, seg.logFile)) {
        if (b.header.lastOffset >= e.offset) {
          found = {lastOffset: b.header.lastOffset, bytes: Buffer.from(b.bytes), magic: b.header.magic}
          break
        }
      }
      if (!found) ctx.timeIndexError('notFound', abs, e.offset, -1n)
      else if (found.lastOffset !== e.offset) ctx.timeIndexError('notFound', abs, e.offset, found.lastOffset)
      else {
        let max = -1n
        try {
          const decoded = found.magic === 2 ? await decodeRecordBatch(found.bytes, {verifyCrc: false}) : await decodeLegacyEntry(found.bytes, {verifyCrc: false})
          for (const r of decoded.records) if (r.timestamp > max) max = r.timestamp
        } catch {
          /* counted as a mismatch below */
        }
        if (max !== e.timestamp) ctx.timeIndexError('mismatch', abs, e.timestamp, max)
        if (prev >= e.timestamp) ctx.timeIndexError('outOfOrder', abs, e.timestamp, prev)
      }
      if (!ctx.verifyOnly) ctx.out(`timestamp: ${e.timestamp} offset: ${e.offset}`)
      prev = e.timestamp
    }
  } finally {
    fs.closeSync(fd)
  }
}

export {CorruptIndexError}
