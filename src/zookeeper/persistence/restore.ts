// Restore = the newest valid snapshot + every logged transaction after it. A log entry that is
// cut short, fails its checksum or lacks its end-of-record byte ends the log: the file is
// truncated there (a torn tail from a crash mid-append is expected, never fatal), and any later
// log files (which cannot be trusted to follow on) are renamed aside.
import {open, readFile, rename} from 'node:fs/promises'
import type {Logger} from '../../common/logger.js'
import {DataTree} from '../data-tree.js'
import {deserializeTxn} from '../txn.js'
import {adler32} from './adler32.js'
import {listZxidFiles, TXNLOG_MAGIC, zxidHex} from './files.js'
import {readSnapshot} from './snapshot.js'

export interface RestoreResult {
  tree: DataTree
  snapshotZxid: number
  replayed: number
  truncated: boolean
  /** ms to read the snapshot, and to replay the log after it. */
  snapLoadMs: number
  replayMs: number
}

export interface LogScan {
  entries: {zxid: number; bytes: Buffer}[]
  /** Byte offset just after the last good entry. */
  goodEnd: number
  torn: boolean
}

/** Reads the entries of one log file's bytes, stopping at the first bad or empty one. */
export function scanLog(buf: Buffer): LogScan {
  const entries: {zxid: number; bytes: Buffer}[] = []
  if (buf.length < 16 || buf.readInt32BE(0) !== TXNLOG_MAGIC) return {entries, goodEnd: 0, torn: buf.length > 0}
  let p = 16
  for (;;) {
    if (p + 12 > buf.length) return {entries, goodEnd: p, torn: buf.subarray(p).some((b) => b !== 0)}
    const crc = buf.readUInt32BE(p + 4) + buf.readUInt32BE(p) * 2 ** 32
    const len = buf.readInt32BE(p + 8)
    if (len === 0 && crc === 0) return {entries, goodEnd: p, torn: false}
    if (len < 0 || p + 12 + len + 1 > buf.length) return {entries, goodEnd: p, torn: true}
    const bytes = buf.subarray(p + 12, p + 12 + len)
    if (adler32(bytes) !== crc || buf[p + 12 + len] !== 0x42 || len < 32) return {entries, goodEnd: p, torn: true}
    entries.push({zxid: bytes.readUInt32BE(16) + bytes.readInt32BE(12) * 2 ** 32, bytes})
    p += 12 + len + 1
  }
}

export async function restore(snapDir: string, logDir: string, extendedTypes: boolean, logger: Logger): Promise<RestoreResult> {
  let tree: DataTree | null = null
  let snapshotZxid = 0
  const snapStarted = Date.now()
  const snaps = listZxidFiles(snapDir, 'snapshot').reverse()
  for (const s of snaps) {
    try {
      tree = await readSnapshot(s.path, s.zxid, extendedTypes)
      snapshotZxid = s.zxid
      logger.info(`Reading snapshot ${s.path}`)
      break
    } catch (e) {
      logger.warn(`problem reading snap file ${s.path}: ${(e as Error).message}`)
    }
  }
  if (!tree) tree = new DataTree(extendedTypes)
  const snapLoadMs = Date.now() - snapStarted
  const replayStarted = Date.now()
  // The log that starts at or just before the snapshot's zxid, and every later one.
  const logs = listZxidFiles(logDir, 'log')
  let first = 0
  for (let i = 0; i < logs.length; i++) if (logs[i]!.zxid <= snapshotZxid + 1) first = i
  let replayed = 0
  let truncated = false
  for (let i = first; i < logs.length; i++) {
    const file = logs[i]!
    const buf = await readFile(file.path)
    const scan = scanLog(buf)
    for (const e of scan.entries) {
      if (e.zxid <= tree.lastProcessedZxid) continue
      const {hdr, txn} = deserializeTxn(e.bytes)
      tree.processTxn(hdr, txn)
      replayed++
    }
    if (scan.torn) {
      truncated = true
      logger.warn(`Last transaction was partial: truncating ${file.path} at byte ${scan.goodEnd} (last good zxid 0x${zxidHex(tree.lastProcessedZxid)})`)
      const fh = await open(file.path, 'r+')
      await fh.truncate(scan.goodEnd)
      await fh.sync()
      await fh.close()
      for (const later of logs.slice(i + 1)) {
        logger.warn(`Moving aside ${later.path}: it follows a torn log`)
        await rename(later.path, `${later.path}.corrupt`)
      }
      break
    }
  }
  return {tree, snapshotZxid, replayed, truncated, snapLoadMs, replayMs: Date.now() - replayStarted}
}
