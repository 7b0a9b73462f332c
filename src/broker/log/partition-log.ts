// One partition's log: an ordered list of segments (the last one takes appends), the log start
// offset, the leader-epoch cache, and the offsets the broker moves (high watermark, last stable
// offset). Appends run one at a time in call order; the write itself is synchronous, so readers
// (also synchronous underneath) see either none or all of an append.
import * as fs from 'node:fs'
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import {CONTROL_MASK, type BatchEntry, type BatchHeader} from '../../protocol/kafka/records/batch-header.js'
import {decodeRecordBatch} from '../../protocol/kafka/records/record-batch.js'
import {checkKeys, checkRecordSet, checkTimestampType, codecsDiffer, checkTimestamps, hasTimestampBounds, needsRecompression, recompress, stampBatches, targetCodec, type AppendOrigin} from './append-validator.js'
import type {LogConfig, TimestampType} from './config.js'
import {LogDirFailure, LogError, LogErrorCode} from './errors.js'
import {LeaderEpochCache} from './leader-epoch-cache.js'
import {DELETED_SUFFIX, LogSegment, type BatchSummary} from './log-segment.js'

export type {AppendOrigin} from './append-validator.js'

export interface AppendOptions {
  /** Written into every batch when assigning offsets (the leader's epoch). Default: the latest epoch, else 0. */
  leaderEpoch?: number
  /** true (default): the leader assigns offsets. false: keep the batches' offsets (replication). */
  assignOffsets?: boolean
  /** 'client' (default) rejects control batches and checks counts; 'coordinator' may write markers. */
  origin?: AppendOrigin
  /** Default: the topic's message.timestamp.type. */
  timestampType?: TimestampType
  /** LogAppendTime to stamp (ms). Default: clock.now(). */
  logAppendTime?: number
  /**
   * Runs inside the partition's append turn before anything is stamped or written, with the
   * batches as received: the idempotence check. Throw a LogError to refuse; return a result to
   * answer without writing (a duplicate batch).
   */
  precheck?: (entries: readonly BatchEntry[]) => AppendResult | void
  /** Runs inside the append turn right after the write (update producer state atomically). */
  onAppended?: (result: AppendResult) => void
}

export interface AppendResult {
  baseOffset: bigint
  lastOffset: bigint
  /** -1n unless the batches were stamped with LogAppendTime. */
  logAppendTime: bigint
  logStartOffset: bigint
  recordCount: number
  /** The batch headers as written (final offsets, epoch, timestamps). */
  batches: BatchHeader[]
}

export interface ReadOptions {
  /** Exclusive: batches whose last offset reaches it are left out (the HW or LSO for consumers). */
  maxOffset?: bigint
  /** Return the first batch even when it is larger than maxBytes (default true). */
  minOneMessage?: boolean
}

export interface ReadResult {
  records: Buffer
  logStartOffset: bigint
  logEndOffset: bigint
  highWatermark: bigint
  lastStableOffset: bigint
}

export interface TimestampOffset {
  offset: bigint
  timestamp: bigint
  leaderEpoch: number
}

export interface PartitionLogInit {
  dir: string
  topic: string
  partition: number
  topicId?: string | null
  config: LogConfig
  clock: Clock
  logger: Logger
  segments: LogSegment[]
  logStartOffset: bigint
  recoveryPoint: bigint
  highWatermark?: bigint | null
  epochs: LeaderEpochCache
  /** Told about an I/O failure; the manager takes the log dir offline. */
  onIoError?: (error: Error) => void
}

type Listener = (log: PartitionLog) => void

interface AppendTurn {
  entries: BatchEntry[]
  batches: BatchSummary[]
  now: number
  logAppendTime: number | null
  recordCount: number
  segment: LogSegment
}

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  dir: string
  topicId: string | null
  config: LogConfig
  private readonly clock: Clock
  private readonly logger: Logger
  private segments: LogSegment[]
  private _logStartOffset: bigint
  recoveryPoint: bigint
  private hw: bigint | null
  private lso: bigint | null = null
  readonly epochs: LeaderEpochCache
  private listeners = new Set<Listener>()
  private tail: Promise<unknown> = Promise.resolve()
  private pending = 0
  private unflushedMessages = 0
  private lastFlushed: number
  private _offline = false
  private closed = false
  private readonly onIoError: (error: Error) => void

  constructor(init: PartitionLogInit) {
    this.topic = init.topic
    this.partition = init.partition
    this.dir = init.dir
    this.topicId = init.topicId ?? null
    this.config = init.config
    this.clock = init.clock
    this.logger = init.logger
    this.segments = init.segments
    if (this.segments.length === 0) throw new Error(`log ${this.name} has no segment`)
    this._logStartOffset = init.logStartOffset
    this.recoveryPoint = init.recoveryPoint
    this.hw = init.highWatermark ?? null
    this.epochs = init.epochs
    this.lastFlushed = this.clock.now()
    this.onIoError = init.onIoError ?? (() => {})
  }

  get name(): string {
    return `${this.topic}-${this.partition}`
  }

  get offline(): boolean {
    return this._offline
  }

  get logStartOffset(): bigint {
    return this._logStartOffset
  }

  get logEndOffset(): bigint {
    return this.activeSegment.nextOffset
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!
  }

  get allSegments(): readonly LogSegment[] {
    return this.segments
  }

  get numSegments(): number {
    return this.segments.length
  }

  get size(): number {
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  get latestEpoch(): number {
    return this.epochs.latestEpoch
  }

  get highWatermark(): bigint {
    const leo = this.logEndOffset
    if (this.hw === null) return leo
    return this.hw > leo ? leo : this.hw < this._logStartOffset ? this._logStartOffset : this.hw
  }

  /** Setting it switches from "follows the log end" to broker-managed; null goes back. */
  set highWatermark(value: bigint | null) {
    const before = this.highWatermark
    this.hw = value
    if (this.highWatermark > before) this.notify()
  }

  get lastStableOffset(): bigint {
    const hw = this.highWatermark
    return this.lso === null || this.lso > hw ? hw : this.lso
  }

  set lastStableOffset(value: bigint | null) {
    this.lso = value
  }

  /** Registers a listener for appends and high-watermark moves; returns the unsubscribe function. */
  onAppend(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  private notify(): void {
    if (this.listeners.size === 0) return
    for (const l of [...this.listeners]) {
      try {
        l(this)
      } catch (error) {
        this.logger.warn(`[Log partition=${this.name}, dir=${this.dir}] onAppend listener failed: ${(error as Error).message}`)
      }
    }
  }

  private ensureUsable(): void {
    if (this._offline) throw new LogError(LogErrorCode.KAFKA_STORAGE_ERROR, `The log dir of ${this.name} is offline`)
    if (this.closed) throw new LogError(LogErrorCode.KAFKA_STORAGE_ERROR, `The log for ${this.name} is closed`)
  }

  /** Runs fn on an I/O path: a failure takes the log (and via onIoError its dir) offline. */
  private io<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof LogError) throw error
      this._offline = true
      this.logger.error(`[Log partition=${this.name}, dir=${this.dir}] Error while ${what}: ${(error as Error).message}`)
      this.onIoError(error as Error)
      throw new LogDirFailure(this.dir, error as Error)
    }
  }

  // ---- append ----

  append(records: Buffer, opts: AppendOptions = {}): Promise<AppendResult> {
    let entries: BatchEntry[]
    let inspected: Promise<{records: Buffer; entries: BatchEntry[]}> | null = null
    try {
      this.ensureUsable()
      const origin = opts.origin ?? 'client'
      const config = this.config
      const timestampType = opts.timestampType ?? config.messageTimestampType
      // Sets whose records need looking at: keys on compacted topics, CreateTime bounds,
      // compression.type recompression (never for replicas, which store the leader's bytes).
      const leader = origin !== 'replication'
      const lookInside = leader && (config.compact || hasTimestampBounds(config, timestampType) || codecsDiffer(records, targetCodec(config)))
      // Every CRC is checked here, before anything is written: with the hardware CRC-32C the check
      // of a 1 MiB set costs a sixth of its write into the page cache or less (bench/log).
      entries = checkRecordSet(records, config, origin, this.name)
      if (origin === 'client') checkTimestampType(entries, timestampType, this.name)
      if (lookInside) inspected = this.inspect(records, entries, config, origin, timestampType)
    } catch (error) {
      return Promise.reject(error)
    }
    if (this.pending === 0 && inspected === null) {
      try {
        return Promise.resolve(this.appendNow(records, entries, opts))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    // Behind an append that is still inspecting its records: keep the call order.
    this.pending++
    const run = this.tail.then(async () => {
      if (inspected) ({records, entries} = await inspected)
      return this.appendNow(records, entries, opts)
    })
    const done = run.finally(() => void this.pending--)
    this.tail = done.catch(() => undefined)
    return done
  }

  /** One append turn: precheck, offsets stamped, one write, indexes and state updated. */
  private appendNow(records: Buffer, entries: BatchEntry[], opts: AppendOptions): AppendResult {
    const turn = this.begin(records, entries, opts)
    if ('result' in turn) return turn.result
    this.io('appending to the log', () => turn.segment.append(records, turn.batches, turn.now))
    return this.finish(turn, opts)
  }

  /**
   * The checks that read records (keys, timestamps), then recompression for compression.type. Runs
   * before the append's turn; a set that was re-encoded is walked again (max.message.bytes).
   */
  private async inspect(records: Buffer, entries: BatchEntry[], config: LogConfig, origin: AppendOrigin, timestampType: TimestampType): Promise<{records: Buffer; entries: BatchEntry[]}> {
    if (config.compact) await checkKeys(records, entries, this.name)
    await checkTimestamps(records, entries, config, timestampType, this.clock.now(), this.name)
    const codec = targetCodec(config)
    if (codec === null || !needsRecompression(entries, codec)) return {records, entries}
    const out = await recompress(records, entries, codec, this.name, config)
    return {records: out, entries: checkRecordSet(out, config, origin, this.name, false)}
  }

  /** Resolves when every append queued so far has finished. */
  async drain(): Promise<void> {
    await this.tail
  }

  /** The synchronous front of an append turn: precheck, offsets stamped, roll if due. */
  private begin(records: Buffer, entries: BatchEntry[], opts: AppendOptions): AppendTurn | {result: AppendResult} {
    this.ensureUsable()
    if (opts.precheck) {
      const answer = opts.precheck(entries)
      if (answer) return {result: answer}
    }
    const now = this.clock.now()
    const timestampType = opts.timestampType ?? this.config.messageTimestampType
    const logAppendTime = timestampType === 'LogAppendTime' ? (opts.logAppendTime ?? now) : null
    const assignOffsets = opts.assignOffsets ?? true
    const leaderEpoch = opts.leaderEpoch ?? Math.max(this.epochs.latestEpoch, 0)
    const batches = stampBatches(records, entries, {assignOffsets, nextOffset: this.logEndOffset, leaderEpoch, logAppendTime}, this.name)
    const first = batches[0]!
    const last = batches[batches.length - 1]!
    let maxTimestamp = -1n
    let recordCount = 0
    for (const e of entries) {
      if (e.header.maxTimestamp > maxTimestamp) maxTimestamp = e.header.maxTimestamp
      recordCount += e.header.recordsCount
    }
    this.io('rolling the log', () => this.maybeRoll(records.length, maxTimestamp, last.lastOffset, now, assignOffsets ? null : first.baseOffset))
    return {entries, batches, now, logAppendTime, recordCount, segment: this.activeSegment}
  }

  /** The back of an append turn, after the bytes are committed: epochs, flush policy, listeners. */
  private finish(turn: AppendTurn, opts: AppendOptions): AppendResult {
    const {entries, batches} = turn
    let epochChanged = false
    for (const e of entries) if (this.epochs.assign(e.header.partitionLeaderEpoch, e.header.baseOffset)) epochChanged = true
    if (epochChanged) this.io('writing the leader epoch checkpoint', () => this.epochs.write())
    const result: AppendResult = {
      baseOffset: batches[0]!.baseOffset,
      lastOffset: batches[batches.length - 1]!.lastOffset,
      logAppendTime: turn.logAppendTime === null ? -1n : BigInt(turn.logAppendTime),
      logStartOffset: this._logStartOffset,
      recordCount: turn.recordCount,
      batches: entries.map((e) => e.header),
    }
    this.unflushedMessages += turn.recordCount
    if (this.unflushedMessages >= this.config.flushMessages) this.flush()
    opts.onAppended?.(result)
    this.notify()
    return result
  }

  private maybeRoll(setSize: number, maxTimestamp: bigint, lastOffset: bigint, now: number, replicaBase: bigint | null): void {
    const seg = this.activeSegment
    if (!seg.shouldRoll(setSize, maxTimestamp, lastOffset, this.config.segmentBytes, this.config.segmentMs, now)) {
      if (replicaBase === null || seg.size > 0 || replicaBase === seg.baseOffset) return
    }
    this.roll(replicaBase ?? this.logEndOffset)
  }

  /** Closes the active segment for appends and starts a new one at baseOffset (default: the log end). */
  roll(baseOffset: bigint = this.logEndOffset): LogSegment {
    const old = this.activeSegment
    if (old.size === 0) {
      // An empty active segment is replaced rather than kept.
      if (old.baseOffset === baseOffset) return old
      this.segments.pop()
      old.deleteFiles()
    } else {
      old.onBecomeInactive()
    }
    const seg = LogSegment.create(this.dir, baseOffset, this.segmentOptions())
    this.segments.push(seg)
    // Everything before the new segment is on disk now (Kafka flushes on roll).
    if (this.recoveryPoint < baseOffset) this.recoveryPoint = baseOffset
    this.logger.info(`[LocalLog partition=${this.name}, dir=${this.dir}] Rolled new log segment at offset ${baseOffset}`)
    return seg
  }

  segmentOptions(fileSuffix = ''): {indexIntervalBytes: number; segmentIndexBytes: number; now: number; rollJitterMs: number; fileSuffix: string} {
    const jitter = this.config.segmentJitterMs > 0 ? Math.floor(Math.random() * Math.min(this.config.segmentJitterMs, this.config.segmentMs)) : 0
    return {indexIntervalBytes: this.config.indexIntervalBytes, segmentIndexBytes: this.config.segmentIndexBytes, now: this.clock.now(), rollJitterMs: jitter, fileSuffix}
  }

  // ---- read ----

  /** Index of the segment holding offset (the last one whose base is <= offset). */
  private floorSegment(offset: bigint): number {
    let lo = 0
    let hi = this.segments.length - 1
    let found = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  private outOfRange(offset: bigint): LogError {
    return new LogError(LogErrorCode.OFFSET_OUT_OF_RANGE, `Received request for offset ${offset} for partition ${this.name}, but we only have log segments in the range ${this._logStartOffset} to ${this.logEndOffset}.`)
  }

  async read(offset: bigint, maxBytes: number, opts: ReadOptions = {}): Promise<ReadResult> {
    return this.readSync(offset, maxBytes, opts)
  }

  readSync(offset: bigint, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    this.ensureUsable()
    const leo = this.logEndOffset
    if (offset < this._logStartOffset || offset > leo) throw this.outOfRange(offset)
    const out: ReadResult = {records: EMPTY, logStartOffset: this._logStartOffset, logEndOffset: leo, highWatermark: this.highWatermark, lastStableOffset: this.lastStableOffset}
    if (offset === leo) return out
    const maxOffset = opts.maxOffset ?? null
    const minOne = opts.minOneMessage ?? true
    this.io('reading the log', () => {
      for (let i = this.floorSegment(offset); i < this.segments.length; i++) {
        const r = this.segments[i]!.read(offset, maxBytes, maxOffset, minOne)
        if (r) {
          out.records = r.records
          return
        }
      }
    })
    return out
  }

  /** Headers of every batch from the segment holding fromOffset (default: the log start) to the end. */
  *batchHeaders(fromOffset: bigint = this._logStartOffset): Generator<BatchEntry & {segmentBaseOffset: bigint}> {
    const segments = [...this.segments]
    let i = 0
    for (let j = 0; j < segments.length; j++) if (segments[j]!.baseOffset <= fromOffset) i = j
    for (; i < segments.length; i++) {
      const seg = segments[i]!
      for (const e of seg.batchesFrom(0)) {
        if (e.header.lastOffset < fromOffset) continue
        yield {...e, segmentBaseOffset: seg.baseOffset}
      }
    }
  }

  // ---- time ----

  async offsetForTimestamp(ts: bigint): Promise<TimestampOffset | null> {
    this.ensureUsable()
    if (ts === -2n) return {offset: this._logStartOffset, timestamp: -1n, leaderEpoch: this.epochs.epochForOffset(this._logStartOffset)}
    if (ts === -1n) return {offset: this.logEndOffset, timestamp: -1n, leaderEpoch: this.epochs.latestEpoch}
    if (ts === -3n) return this.maxTimestampOffset()
    if (ts < 0n) return null
    for (const seg of this.segments) {
      if (seg.size === 0 || BigInt(seg.largestTimestamp) < ts) continue
      const hint = seg.timeIndex.lookup(ts)
      const from = seg.offsetIndex.lookup(hint.offset).position
      for (const e of seg.batchesFrom(from)) {
        if (e.header.maxTimestamp < ts || e.header.lastOffset < this._logStartOffset) continue
        const found = await this.firstRecordAtOrAfter(seg, e, ts)
        if (found) return found
      }
    }
    return null
  }

  private async firstRecordAtOrAfter(seg: LogSegment, e: BatchEntry, ts: bigint): Promise<TimestampOffset | null> {
    const h = e.header
    const epoch = h.partitionLeaderEpoch
    if (h.attributes & 0x08) {
      // LogAppendTime: every record carries the batch's max timestamp.
      const offset = h.baseOffset > this._logStartOffset ? h.baseOffset : this._logStartOffset
      return {offset, timestamp: h.maxTimestamp, leaderEpoch: epoch}
    }
    const buf = seg.readAt(e.position, e.size)
    const batch = await decodeRecordBatch(buf, {verifyCrc: false})
    for (const r of batch.records) {
      if (r.timestamp >= ts && r.offset >= this._logStartOffset) return {offset: r.offset, timestamp: r.timestamp, leaderEpoch: epoch}
    }
    return null
  }

  /** ListOffsets MAX_TIMESTAMP (-3): the record with the largest timestamp, the first such. */
  private async maxTimestampOffset(): Promise<TimestampOffset | null> {
    let best: LogSegment | null = null
    for (const seg of this.segments) if (seg.maxTimestampSoFar >= 0n && (!best || seg.maxTimestampSoFar > best.maxTimestampSoFar)) best = seg
    if (!best) return null
    for (const e of best.batchesFrom(0)) {
      if (e.header.maxTimestamp === best.maxTimestampSoFar) return this.firstRecordAtOrAfter(best, e, best.maxTimestampSoFar)
    }
    return null
  }

  // ---- epochs ----

  endOffsetForEpoch(epoch: number): {leaderEpoch: number; endOffset: bigint} {
    return this.epochs.endOffsetFor(epoch, this.logEndOffset)
  }

  // ---- deletion, retention, truncation ----

  /** DeleteRecords: moves the log start offset up to offset (-1 = the high watermark). */
  async deleteRecordsBefore(offset: bigint): Promise<bigint> {
    this.ensureUsable()
    const hw = this.highWatermark
    const target = offset === -1n ? hw : offset
    if (target < 0n || target > hw) {
      throw new LogError(LogErrorCode.OFFSET_OUT_OF_RANGE, `Cannot increment the log start offset to ${target} of partition ${this.name} since it is larger than the high watermark ${hw}`)
    }
    if (target > this._logStartOffset) {
      this.setLogStartOffset(target, 'DeleteRecords')
      this.deleteSegments((seg, next) => next !== null && next.baseOffset <= this._logStartOffset, 'log start offset breach')
    }
    return this._logStartOffset
  }

  private setLogStartOffset(offset: bigint, why: string): void {
    if (offset <= this._logStartOffset) return
    this.logger.info(`[UnifiedLog partition=${this.name}, dir=${this.dir}] Incremented log start offset to ${offset} due to ${why}`)
    this._logStartOffset = offset
    this.epochs.truncateFromStart(offset)
    this.io('writing the leader epoch checkpoint', () => this.epochs.write())
    if (this.recoveryPoint < offset) this.recoveryPoint = offset
  }

  /**
   * Deletes segments from the oldest while predicate holds (Kafka's deleteOldSegments walk): only
   * below the high watermark, never an empty active segment; when the active segment itself goes,
   * a new empty one is rolled first. Returns how many went.
   */
  deleteSegments(predicate: (seg: LogSegment, next: LogSegment | null) => boolean, reason: string): number {
    const deletable: LogSegment[] = []
    const hw = this.highWatermark
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!
      const next = this.segments[i + 1] ?? null
      const upper = next ? next.baseOffset : this.logEndOffset
      const lastAndEmpty = next === null && seg.size === 0
      if (hw >= upper && !lastAndEmpty && predicate(seg, next)) deletable.push(seg)
      else break
    }
    if (deletable.length === 0) return 0
    this.io('deleting segments', () => {
      if (deletable.length === this.segments.length) this.roll()
      for (const seg of deletable) {
        this.segments.splice(this.segments.indexOf(seg), 1)
        this.logger.info(`[UnifiedLog partition=${this.name}, dir=${this.dir}] Deleting segment LogSegment(baseOffset=${seg.baseOffset}, size=${seg.size}, lastModifiedTime=${seg.lastModified}, largestRecordTimestamp=${seg.maxTimestampSoFar}) due to ${reason}`)
        this.scheduleSegmentDeletion(seg)
      }
      this.setLogStartOffset(this.segments[0]!.baseOffset, 'SegmentDeletion')
    })
    return deletable.length
  }

  /** Renames the files to .deleted now and removes them after file.delete.delay.ms, as Kafka does. */
  scheduleSegmentDeletion(seg: LogSegment): void {
    seg.closeHandles()
    seg.changeFileSuffix('', DELETED_SUFFIX)
    const remove = (): void => seg.deleteFiles()
    if (this.config.fileDeleteDelayMs <= 0) remove()
    else this.clock.setTimeout(() => { try { remove() } catch { /* removed with the dir */ } }, this.config.fileDeleteDelayMs)
  }

  /** Time and size retention for cleanup.policy=delete, plus segments below the log start offset. */
  deleteOldSegments(): number {
    if (this._offline || this.closed) return 0
    let n = this.deleteSegments((seg, next) => next !== null && next.baseOffset <= this._logStartOffset, 'log start offset breach')
    if (!this.config.delete) return n
    const now = this.clock.now()
    const retentionMs = this.config.retentionMs
    if (retentionMs >= 0) {
      n += this.deleteSegments((seg) => now - seg.largestTimestamp > retentionMs, `retention time ${retentionMs}ms breach`)
    }
    const retentionBytes = this.config.retentionBytes
    if (retentionBytes >= 0) {
      let diff = this.size - retentionBytes
      n += this.deleteSegments((seg) => {
        if (diff - seg.size >= 0) {
          diff -= seg.size
          return true
        }
        return false
      }, `retention size in bytes ${retentionBytes} breach`)
    }
    return n
  }

  /** Followers: drops every offset >= offset. */
  truncateTo(offset: bigint): void {
    this.ensureUsable()
    if (offset >= this.logEndOffset) return
    this.io('truncating the log', () => {
      if (offset <= this.segments[0]!.baseOffset) {
        this.truncateFullyAndStartAt(offset)
        return
      }
      while (this.segments.length > 1 && this.activeSegment.baseOffset >= offset) {
        const seg = this.segments.pop()!
        seg.deleteFiles()
      }
      this.activeSegment.truncateTo(offset)
      this.epochs.truncateFromEnd(offset)
      this.epochs.write()
      if (this.recoveryPoint > offset) this.recoveryPoint = offset
      if (this.hw !== null && this.hw > offset) this.hw = offset
    })
  }

  /** Deletes every segment and starts an empty log at offset. */
  truncateFullyAndStartAt(offset: bigint): void {
    for (const seg of this.segments) seg.deleteFiles()
    this.segments = [LogSegment.create(this.dir, offset, this.segmentOptions())]
    this._logStartOffset = offset
    this.recoveryPoint = offset
    this.epochs.clear()
    this.epochs.write()
    if (this.hw !== null) this.hw = offset
  }

  /** Swaps cleaned segments in (cleaner.ts), keeping the list sorted. */
  replaceSegments(newSegments: LogSegment[], oldSegments: LogSegment[]): void {
    const old = new Set(oldSegments)
    this.segments = [...this.segments.filter((s) => !old.has(s)), ...newSegments].sort((a, b) => (a.baseOffset < b.baseOffset ? -1 : a.baseOffset > b.baseOffset ? 1 : 0))
  }

  // ---- durability ----

  /** fsyncs every segment with unflushed data and moves the recovery point to the log end. */
  flush(): void {
    if (this._offline || this.closed) return
    this.io('flushing the log', () => {
      for (const seg of this.segments) if (seg.nextOffset > this.recoveryPoint || seg === this.activeSegment) seg.flush(true)
    })
    this.recoveryPoint = this.logEndOffset
    this.unflushedMessages = 0
    this.lastFlushed = this.clock.now()
  }

  /** The flush.ms check run by the manager's scheduler. */
  maybeFlushByTime(): void {
    if (this.unflushedMessages > 0 && this.clock.now() - this.lastFlushed >= this.config.flushMs) this.flush()
  }

  updateConfig(config: LogConfig): void {
    this.config = config
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Writes index entries out and releases files; the data is flushed only when sync is set. */
  close(sync = true): void {
    if (this.closed) return
    if (!this._offline) {
      try {
        if (sync) this.flush()
        for (const seg of this.segments) seg.close()
      } catch (error) {
        this.logger.error(`[Log partition=${this.name}, dir=${this.dir}] Error while closing: ${(error as Error).message}`)
      }
    } else {
      for (const seg of this.segments) try { seg.closeHandles() } catch { /* offline */ }
    }
    this.closed = true
  }

  /** Marks the log offline (its dir failed) without touching the files. */
  markOffline(): void {
    this._offline = true
  }

  /** Files removed after a directory rename (deleteLog): handles are closed, paths follow the dir. */
  closeHandlesOnly(): void {
    for (const seg of this.segments) try { seg.closeHandles() } catch { /* already gone */ }
    this.closed = true
  }

  /** Whether any batch is a control batch (transaction markers) — for diagnostics. */
  static isControl(h: BatchHeader): boolean {
    return (h.attributes & CONTROL_MASK) !== 0
  }
}

const EMPTY = Buffer.alloc(0)

/** Removes a directory tree, ignoring one that is already gone. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, {recursive: true, force: true})
}
