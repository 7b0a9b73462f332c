// The log cleaner for cleanup.policy=compact (and compact,delete): keeps the latest record of
// each key. One pass over one log:
//   1. the cleanable range is [first dirty offset, first uncleanable offset): the uncleanable
//      part starts at the active segment, the last stable offset, or the first segment younger
//      than min.compaction.lag.ms; nothing happens below min.cleanable.dirty.ratio;
//   2. an offset map key -> latest offset is built from the dirty range;
//   3. segments from the log start to the end of the range are rewritten in groups (each group
//      at most segment.bytes) into <base>.log.cleaned, keeping a record when no later record has
//      its key; tombstones (null value) get a delete horizon (now + delete.retention.ms, in the
//      batch's baseTimestamp with attribute bit 6, KIP-534) and go once it has passed;
//   4. the swap: .cleaned -> .swap, old segments renamed .deleted, .swap -> final name. A crash
//      before the .swap rename loses the .cleaned files only; after it, the loader finishes the
//      swap (log-loader.ts). The group's last batch is always kept (empty if need be) so the
//      swap segment's offset range names exactly the segments it replaces.
// Batches keep their base offset, last offset delta, producer fields and codec (as Kafka's
// filterTo); a batch with every record kept is copied byte for byte.
//
// The last batch of every idempotent producer still in the producer state (its newest batch in
// the whole log, younger than producer.id.expiration.ms by its max timestamp, as Kafka expires
// producer entries) is kept even when all its records go: an empty batch that still carries the
// producer id, epoch, base sequence and last offset delta. Producer state is rebuilt from the batch
// headers after a restart, and without it the producer's next sequence would look out of order.
//
// Left out: aborted-transaction removal (no .txnindex yet: transactions come later).
import * as fs from 'node:fs'
import type {Logger} from '../../common/logger.js'
import {
  COMPRESSION_MASK,
  CONTROL_MASK,
  DELETE_HORIZON_MASK,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  type BatchEntry,
} from '../../protocol/kafka/records/batch-header.js'
import {decodeRecordBatch, encodeRecordBatch, type KafkaRecord} from '../../protocol/kafka/records/record-batch.js'
import {CLEANED_SUFFIX, DELETED_SUFFIX, LogSegment, SWAP_SUFFIX, type BatchSummary} from './log-segment.js'
import type {PartitionLog} from './partition-log.js'

export interface CleanOptions {
  /** Test hook: stop (throw) right after the .swap rename, as a crash would. */
  failpoint?: 'after-swap'
  /** producer.id.expiration.ms (default Kafka's, one day): older producers' last batches may go. */
  producerIdExpirationMs?: number
}

/**
 * Last offsets of the newest batch of each producer id that is not expired, from the headers of
 * every segment (the active one too: a producer whose newest batch is there keeps nothing below).
 */
export function producersLastBatches(log: PartitionLog, now: number, expirationMs: number): Set<bigint> {
  const last = new Map<bigint, {lastOffset: bigint; maxTimestamp: bigint}>()
  for (const e of log.batchHeaders()) {
    const h = e.header
    if (h.producerId < 0n || h.attributes & CONTROL_MASK) continue
    last.set(h.producerId, {lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp})
  }
  const out = new Set<bigint>()
  for (const b of last.values()) if (now - Number(b.maxTimestamp) < expirationMs) out.add(b.lastOffset)
  return out
}

export class CleanerCrash extends Error {
  override readonly name = 'CleanerCrash'
}

/** The cleaner's per-log arithmetic, exported for tests and for DescribeConfigs-style diagnostics. */
export function cleanableRange(log: PartitionLog, checkpoint: bigint, now: number): {firstDirty: bigint; firstUncleanable: bigint; cleanBytes: number; dirtyBytes: number} {
  const segments = log.allSegments
  let firstDirty = checkpoint < log.logStartOffset || checkpoint > log.logEndOffset ? log.logStartOffset : checkpoint
  let firstUncleanable = log.activeSegment.baseOffset
  if (log.lastStableOffset < firstUncleanable) firstUncleanable = log.lastStableOffset
  if (log.config.minCompactionLagMs > 0) {
    for (const seg of segments) {
      if (seg === log.activeSegment || seg.nextOffset <= firstDirty) continue
      if (seg.largestTimestamp > now - log.config.minCompactionLagMs) {
        if (seg.baseOffset < firstUncleanable) firstUncleanable = seg.baseOffset
        break
      }
    }
  }
  if (firstDirty > firstUncleanable) firstDirty = firstUncleanable
  let cleanBytes = 0
  let dirtyBytes = 0
  for (const seg of segments) {
    if (seg === log.activeSegment) continue
    if (seg.nextOffset <= firstDirty) cleanBytes += seg.size
    else if (seg.baseOffset < firstUncleanable) dirtyBytes += seg.size
  }
  return {firstDirty, firstUncleanable, cleanBytes, dirtyBytes}
}

const keyOf = (k: Buffer): string => k.toString('latin1')

/**
 * Cleans one log if it is dirty enough. Returns the new first dirty offset (for
 * cleaner-offset-checkpoint), or null when nothing was done.
 */
export async function cleanLog(log: PartitionLog, checkpoint: bigint, now: number, logger: Logger, opts: CleanOptions = {}): Promise<bigint | null> {
  const {firstDirty, firstUncleanable, cleanBytes, dirtyBytes} = cleanableRange(log, checkpoint, now)
  if (firstDirty >= firstUncleanable || dirtyBytes === 0) return null
  const ratio = dirtyBytes / (cleanBytes + dirtyBytes)
  if (ratio < log.config.minCleanableDirtyRatio) return null

  // 2. Offset map over the dirty range.
  const map = new Map<string, bigint>()
  const toClean = log.allSegments.filter((s) => s !== log.activeSegment && s.baseOffset < firstUncleanable)
  for (const seg of toClean) {
    if (seg.nextOffset <= firstDirty) continue
    for (const e of seg.batchesFrom(0)) {
      if (e.header.lastOffset < firstDirty || e.header.baseOffset >= firstUncleanable || e.header.attributes & CONTROL_MASK) continue
      for (const r of (await decodeRecordBatch(seg.readAt(e.position, e.size), {verifyCrc: false})).records) {
        if (r.offset >= firstDirty && r.offset < firstUncleanable && r.key) map.set(keyOf(r.key), r.offset)
      }
    }
  }

  // 3. Rewrite in groups.
  const groups: LogSegment[][] = []
  for (const seg of toClean) {
    const g = groups[groups.length - 1]
    const size = g ? g.reduce((n, s) => n + s.size, 0) : 0
    if (g && size + seg.size <= log.config.segmentBytes && seg.nextOffset - g[0]!.baseOffset <= 2147483647n) g.push(seg)
    else groups.push([seg])
  }
  const retain = producersLastBatches(log, now, opts.producerIdExpirationMs ?? 86_400_000)
  let before = 0
  let after = 0
  for (const group of groups) {
    if (!log.allSegments.includes(group[0]!)) continue
    const cleaned = await cleanGroup(log, group, map, now, retain)
    before += group.reduce((n, s) => n + s.size, 0)
    after += cleaned.size
    // 4. The swap, synchronous from here so no append, read or retention sees a half-swapped log.
    if (!group.every((s) => log.allSegments.includes(s))) {
      cleaned.deleteFiles()
      continue
    }
    cleaned.changeFileSuffix(CLEANED_SUFFIX, SWAP_SUFFIX)
    if (opts.failpoint === 'after-swap') {
      cleaned.closeHandles()
      throw new CleanerCrash(`failpoint after-swap for ${log.name} at ${cleaned.baseOffset}`)
    }
    for (const old of group) {
      old.closeHandles()
      old.changeFileSuffix('', DELETED_SUFFIX)
    }
    cleaned.changeFileSuffix(SWAP_SUFFIX, '')
    log.replaceSegments([cleaned], group)
    for (const old of group) {
      for (const f of [old.logFile, old.offsetIndex.file, old.timeIndex.file]) fs.rmSync(f, {force: true})
    }
  }
  logger.info(`Cleaner: cleaned log ${log.name} (dirty section = [${firstDirty}, ${firstUncleanable}), ${map.size} keys): ${before} bytes -> ${after} bytes in ${groups.length} segment group(s)`)
  return firstUncleanable
}

async function cleanGroup(log: PartitionLog, group: LogSegment[], map: Map<string, bigint>, now: number, retain: ReadonlySet<bigint>): Promise<LogSegment> {
  const cleaned = LogSegment.create(log.dir, group[0]!.baseOffset, log.segmentOptions(CLEANED_SUFFIX))
  const lastSeg = group[group.length - 1]!
  try {
    for (const seg of group) {
      const entries = [...seg.batchesFrom(0)]
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!
        const mustKeep = (seg === lastSeg && i === entries.length - 1) || (e.header.producerId >= 0n && retain.has(e.header.lastOffset))
        const out = await filterBatch(seg.readAt(e.position, e.size), e, map, now, log.config.deleteRetentionMs, mustKeep)
        if (!out) continue
        const summary: BatchSummary = {position: 0, size: out.length, baseOffset: e.header.baseOffset, lastOffset: e.header.lastOffset, maxTimestamp: out.readBigInt64BE(35)}
        cleaned.append(out, [summary], seg.lastModified)
      }
    }
    // Keep the originals' modification time: retention by time must not restart.
    cleaned.lastModified = Math.max(...group.map((s) => s.lastModified))
    cleaned.onBecomeInactive()
    return cleaned
  } catch (error) {
    cleaned.deleteFiles()
    throw error
  }
}

/** The batch to write for e: itself, a rewritten copy, or null when nothing of it stays. */
async function filterBatch(buf: Buffer, e: BatchEntry, map: Map<string, bigint>, now: number, deleteRetentionMs: number, mustKeep: boolean): Promise<Buffer | null> {
  const h = e.header
  if (h.attributes & CONTROL_MASK) return buf
  const decoded = await decodeRecordBatch(buf, {verifyCrc: false})
  const hasHorizon = (h.attributes & DELETE_HORIZON_MASK) !== 0
  const horizonPassed = hasHorizon && now >= Number(h.baseTimestamp)
  const kept: KafkaRecord[] = []
  let tombstones = 0
  for (const r of decoded.records) {
    if (r.key) {
      const latest = map.get(keyOf(r.key))
      if (latest !== undefined && r.offset < latest) continue
    }
    if (r.value === null) {
      if (horizonPassed) continue
      tombstones++
    }
    kept.push(r)
  }
  const needsHorizon = tombstones > 0 && !hasHorizon
  if (kept.length === decoded.records.length && !needsHorizon) return buf
  if (kept.length === 0 && !mustKeep) return null
  const logAppendTime = (h.attributes & TIMESTAMP_TYPE_MASK) !== 0
  const horizon = needsHorizon ? BigInt(now + deleteRetentionMs) : hasHorizon && !horizonPassed ? h.baseTimestamp : null
  return encodeRecordBatch({
    records: kept.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: logAppendTime ? undefined : r.timestamp, offset: r.offset})),
    baseOffset: h.baseOffset,
    baseTimestamp: horizon ?? (logAppendTime ? h.maxTimestamp : kept.length ? undefined : h.baseTimestamp),
    maxTimestamp: logAppendTime || kept.length === 0 ? h.maxTimestamp : undefined,
    timestampType: logAppendTime ? 1 : 0,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    isTransactional: (h.attributes & TRANSACTIONAL_MASK) !== 0,
    hasDeleteHorizon: horizon !== null,
    compression: kept.length ? h.attributes & COMPRESSION_MASK : 0,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    lastOffsetDelta: h.lastOffsetDelta,
  })
}
