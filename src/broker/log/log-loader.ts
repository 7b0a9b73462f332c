// Opens one partition dir at startup and makes it consistent again after whatever happened:
//   1. leftovers of interrupted operations: *.deleted and *.cleaned files go, *.swap segments
//      (a compaction that got as far as the swap) replace the segments they cover, then lose
//      the suffix; index files without a log go;
//   2. every segment is opened; a missing or corrupt index is rebuilt from its log;
//   3. after an unclean shutdown, segments from the one holding the recovery point on are
//      scanned batch by batch (recover()): a torn or corrupt tail is cut, later segments go;
//   4. log start offset, leader epochs, recovery point are settled.
// Each step that changes anything says so in a log line.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import type {LogConfig} from './config.js'
import {LeaderEpochCache, LEADER_EPOCH_CHECKPOINT} from './leader-epoch-cache.js'
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  LogSegment,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  TXN_INDEX_SUFFIX,
  filenamePrefix,
} from './log-segment.js'
import {PartitionLog} from './partition-log.js'

export const PARTITION_METADATA = 'partition.metadata'

export interface LoadOptions {
  dir: string
  topic: string
  partition: number
  config: LogConfig
  clock: Clock
  logger: Logger
  hadCleanShutdown: boolean
  recoveryPoint: bigint
  logStartOffset: bigint
  highWatermark: bigint | null
  onIoError?: (error: Error) => void
}

/** Parses "<topic>-<partition>" (topics may contain '-'); null for anything else. */
export function parsePartitionDirName(name: string): {topic: string; partition: number} | null {
  const dash = name.lastIndexOf('-')
  if (dash <= 0) return null
  const p = name.slice(dash + 1)
  if (!/^\d+$/.test(p)) return null
  const topic = name.slice(0, dash)
  if (topic.includes('.') && /\.[0-9a-f]{32}$/.test(topic)) return null
  return {topic, partition: Number(p)}
}

const offsetOf = (file: string): bigint | null => {
  const m = /^(\d{20})\./.exec(file)
  return m ? BigInt(m[1]!) : null
}

export function readPartitionMetadata(dir: string): string | null {
  try {
    const text = fs.readFileSync(path.join(dir, PARTITION_METADATA), 'utf8')
    const m = /topic_id:\s*(\S+)/.exec(text)
    return m ? m[1]! : null
  } catch {
    return null
  }
}

export function writePartitionMetadata(dir: string, topicId: string): void {
  const file = path.join(dir, PARTITION_METADATA)
  fs.writeFileSync(file + '.tmp', `version: 0\ntopic_id: ${topicId}\n`)
  fs.renameSync(file + '.tmp', file)
}

export function loadPartitionLog(o: LoadOptions): PartitionLog {
  const name = `${o.topic}-${o.partition}`
  const prefix = `[LogLoader partition=${name}, dir=${path.dirname(o.dir)}]`
  const segOpts = (fileSuffix = ''): {indexIntervalBytes: number; segmentIndexBytes: number; now: number; fileSuffix: string} => ({
    indexIntervalBytes: o.config.indexIntervalBytes,
    segmentIndexBytes: o.config.segmentIndexBytes,
    now: o.clock.now(),
    fileSuffix,
  })

  // 1. Leftovers.
  const files = fs.readdirSync(o.dir)
  const swaps: bigint[] = []
  for (const file of files) {
    const base = offsetOf(file)
    if (base !== null && file === filenamePrefix(base) + LOG_SUFFIX + SWAP_SUFFIX) swaps.push(base)
  }
  for (const file of files) {
    const full = path.join(o.dir, file)
    const base = offsetOf(file)
    const strayIndexSwap = file.endsWith(SWAP_SUFFIX) && (base === null || !swaps.includes(base))
    if (file.endsWith(DELETED_SUFFIX) || file.endsWith(CLEANED_SUFFIX) || file.endsWith('.tmp') || strayIndexSwap) {
      o.logger.info(`${prefix} Deleting stray temporary file ${full}`)
      fs.rmSync(full, {force: true})
    }
  }
  for (const base of swaps.sort((a, b) => (a < b ? -1 : 1))) {
    // The swap segment's indexes are rebuilt: a crash may have left them half renamed.
    for (const s of [INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      fs.rmSync(path.join(o.dir, filenamePrefix(base) + s), {force: true})
      fs.rmSync(path.join(o.dir, filenamePrefix(base) + s + SWAP_SUFFIX), {force: true})
    }
    const {segment: swap} = LogSegment.open(o.dir, base, segOpts(SWAP_SUFFIX))
    const end = swap.nextOffset
    for (const file of fs.readdirSync(o.dir)) {
      const off = offsetOf(file)
      if (off === null || file !== filenamePrefix(off) + LOG_SUFFIX || off <= base || off >= end) continue
      o.logger.info(`${prefix} Deleting segment ${file} replaced by the swap segment at ${base}`)
      for (const s of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) fs.rmSync(path.join(o.dir, filenamePrefix(off) + s), {force: true})
    }
    swap.changeFileSuffix(SWAP_SUFFIX, '')
    swap.close()
    o.logger.info(`${prefix} Completed the interrupted swap of segment ${filenamePrefix(base)}${LOG_SUFFIX}`)
  }

  // 2. Segments, and index files without their log.
  const bases: bigint[] = []
  for (const file of fs.readdirSync(o.dir)) {
    const off = offsetOf(file)
    if (off === null) continue
    if (file === filenamePrefix(off) + LOG_SUFFIX) bases.push(off)
    else if ((file.endsWith(INDEX_SUFFIX) || file.endsWith(TIME_INDEX_SUFFIX) || file.endsWith(TXN_INDEX_SUFFIX)) && !fs.existsSync(path.join(o.dir, filenamePrefix(off) + LOG_SUFFIX))) {
      o.logger.warn(`${prefix} Found an orphaned index file ${path.join(o.dir, file)}, with no corresponding log file.`)
      fs.rmSync(path.join(o.dir, file), {force: true})
    }
  }
  bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  // After an unclean shutdown, segments from the one holding the recovery point on are scanned.
  let first = bases.length
  if (!o.hadCleanShutdown) {
    first = 0
    for (let i = 0; i < bases.length; i++) if (bases[i]! <= o.recoveryPoint) first = i
  }
  let segments: LogSegment[] = []
  for (const [i, base] of bases.entries()) {
    const {segment, rebuiltIndex} = LogSegment.open(o.dir, base, segOpts(), i >= first)
    if (rebuiltIndex) o.logger.warn(`${prefix} Rebuilt the indexes of segment ${filenamePrefix(base)}${LOG_SUFFIX} (${rebuiltIndex})`)
    segments.push(segment)
  }

  const epochFile = path.join(o.dir, LEADER_EPOCH_CHECKPOINT)
  const epochsFromFile = fs.existsSync(epochFile)
  const epochs = new LeaderEpochCache(o.dir, epochsFromFile)
  let epochsChanged = false

  // 3. Recovery after an unclean shutdown.
  let recoveryPoint = o.recoveryPoint
  if (first < segments.length) {
    for (let i = first; i < segments.length; i++) {
      const seg = segments[i]!
      const outcome = seg.recover({contiguous: !o.config.compact, onBatch: (e) => void (epochs.assign(e.header.partitionLeaderEpoch, e.header.baseOffset) && (epochsChanged = true))})
      if (outcome.truncatedBytes > 0 || outcome.reason) {
        o.logger.warn(`${prefix} Found invalid messages in log segment ${seg.logFile} at byte offset ${outcome.validBytes}: ${outcome.reason}. Truncated ${outcome.truncatedBytes} bytes; ${outcome.batches} valid batches kept, log end offset now ${seg.nextOffset}`)
        const later = segments.splice(i + 1)
        for (const s of later) {
          o.logger.warn(`${prefix} Deleting segment ${s.logFile} after the corruption in ${seg.logFile}`)
          s.deleteFiles()
        }
        break
      }
      o.logger.info(`${prefix} Recovered unflushed segment ${seg.baseOffset}: ${outcome.batches} batches, ${outcome.validBytes} bytes checked. ${i - first + 1}/${segments.length - first} recovered for ${name}.`)
    }
    // Without compaction each segment starts where the previous one ends: a gap means the
    // earlier segment lost its tail, and what follows cannot be served in order.
    for (let i = Math.max(first, 1); i < segments.length; i++) {
      const prev = segments[i - 1]!
      const seg = segments[i]!
      const gap = o.config.compact ? seg.baseOffset < prev.nextOffset : seg.baseOffset !== prev.nextOffset
      if (!gap) continue
      o.logger.warn(`${prefix} Segment ${seg.logFile} starts at ${seg.baseOffset} but the previous segment ends at ${prev.nextOffset}; deleting it and every later segment`)
      for (const s of segments.splice(i)) s.deleteFiles()
      break
    }
  }

  // 4. Start offset, epochs, recovery point.
  let logStartOffset = o.logStartOffset
  if (segments.length === 0) {
    segments = [LogSegment.create(o.dir, logStartOffset > 0n ? logStartOffset : 0n, segOpts())]
  }
  if (segments[0]!.baseOffset > logStartOffset) logStartOffset = segments[0]!.baseOffset
  const logEndOffset = segments[segments.length - 1]!.nextOffset
  const log = new PartitionLog({
    dir: o.dir,
    topic: o.topic,
    partition: o.partition,
    topicId: readPartitionMetadata(o.dir),
    config: o.config,
    clock: o.clock,
    logger: o.logger,
    segments,
    logStartOffset,
    recoveryPoint: o.hadCleanShutdown ? logEndOffset : recoveryPoint > logEndOffset ? logEndOffset : recoveryPoint,
    highWatermark: o.highWatermark,
    epochs,
    onIoError: o.onIoError,
  })
  if (logStartOffset > logEndOffset) {
    o.logger.warn(`${prefix} Log start offset ${logStartOffset} is above the log end offset ${logEndOffset}; starting an empty log there`)
    log.truncateFullyAndStartAt(logStartOffset)
  }
  if (!epochsFromFile && log.size > 0) {
    // No checkpoint: derive the epochs from the batches' partitionLeaderEpoch fields.
    for (const e of log.batchHeaders()) epochs.assign(e.header.partitionLeaderEpoch, e.header.baseOffset)
    epochsChanged = true
  }
  const before = epochs.all.length
  epochs.truncateFromEnd(log.logEndOffset)
  epochs.truncateFromStart(log.logStartOffset)
  if (epochsChanged || epochs.all.length !== before) epochs.write()
  o.logger.info(`${prefix} Loaded ${name} with log start offset ${log.logStartOffset} and log end offset ${log.logEndOffset} in ${log.numSegments} segment(s)`)
  return log
}
