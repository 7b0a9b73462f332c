// Sync (ZooKeeper's SyncRequestProcessor): writes prepped transactions to the log and hands them
// to final only once they are on disk. Group commit: while one batch is being written and
// fsynced, new transactions queue up and go out together in the next write + fsync. Every
// snapCount transactions (randomised to between half and all of it, as ZooKeeper does so that
// servers do not snapshot in step), the log rolls and a snapshot is written in the background.
import type {ZkCore} from './core.js'
import type {Request} from './request.js'
import {serializeTxn} from '../txn.js'
import type {LogEntry} from '../persistence/txn-log.js'

/** ZooKeeper's fsync.warningthresholdms default. */
const FSYNC_WARNING_MS = 1000

export class SyncProcessor {
  private queue: Request[] = []
  private entries: LogEntry[] = []
  private flushing = false
  private logCount = 0
  private randRoll: number
  private snapshotInFlight: Promise<void> | null = null
  private idle: (() => void)[] = []
  failed: Error | null = null

  constructor(private readonly core: ZkCore) {
    this.randRoll = Math.floor(Math.random() * Math.max(1, core.config.snapCount / 2))
  }

  submit(req: Request): void {
    const s = this.core.stats.summaries
    s.sync_processor_queue_size.add(this.queue.length)
    const t = Date.now()
    req.syncQueuedAt = t
    this.queue.push(req)
    this.entries.push({zxid: req.hdr!.zxid, bytes: serializeTxn(req.hdr!, req.txn!)})
    s.sync_process_time.add(Date.now() - t)
    if (!this.flushing) {
      this.flushing = true
      setImmediate(() => void this.flush())
    }
  }

  pending(): number {
    return this.queue.length
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.failed) {
      const batch = this.queue
      const entries = this.entries
      this.queue = []
      this.entries = []
      const s = this.core.stats.summaries
      const t = Date.now()
      for (const req of batch) s.sync_processor_queue_time_ms.add(t - req.syncQueuedAt!)
      try {
        await this.core.txnLog.append(entries)
        const took = Date.now() - t
        s.fsynctime.add(took)
        if (took > FSYNC_WARNING_MS) {
          this.core.stats.fsyncThresholdExceeded++
          this.core.logger.warn(`fsync-ing the write ahead log in SyncThread:0 took ${took}ms which will adversely effect operation latency.File size is ${this.core.txnLog.position} bytes. See the ZooKeeper troubleshooting guide`)
        }
        s.sync_processor_batch_size.add(entries.length)
      } catch (e) {
        // ZooKeeper halts when it cannot write its log: nothing after this can be acknowledged.
        this.failed = e as Error
        this.core.logger.error(`Severe unrecoverable error, exiting: cannot write the transaction log: ${(e as Error).message}`)
        this.core.fatal(this.failed)
        break
      }
      for (const req of batch) this.core.final.applyWrite(req)
      const done = Date.now()
      s.sync_processor_queue_flush_time_ms.add(done - t)
      for (const req of batch) s.sync_processor_queue_and_flush_time_ms.add(done - req.syncQueuedAt!)
      this.logCount += batch.length
      if (this.logCount > this.core.config.snapCount / 2 + this.randRoll) this.rollAndSnapshot()
    }
    this.flushing = false
    const waiters = this.idle
    this.idle = []
    for (const w of waiters) w()
  }

  private rollAndSnapshot(): void {
    this.logCount = 0
    this.randRoll = Math.floor(Math.random() * Math.max(1, this.core.config.snapCount / 2))
    if (this.snapshotInFlight) {
      this.core.logger.warn('Too busy to snap, skipping')
      return
    }
    const roll = this.core.txnLog.rollLog()
    this.snapshotInFlight = roll
      .then(() => this.core.takeSnapshot())
      .catch((e) => this.core.logger.error(`Unexpected exception while taking a snapshot: ${(e as Error).message}`))
      .finally(() => (this.snapshotInFlight = null))
  }

  /** Resolves once everything queued so far is written and applied (and any snapshot is done). */
  async drain(): Promise<void> {
    if (this.flushing) await new Promise<void>((res) => this.idle.push(res))
    await this.snapshotInFlight
  }
}
