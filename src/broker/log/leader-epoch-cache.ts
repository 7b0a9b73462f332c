// <partition dir>/leader-epoch-checkpoint: the offset at which each leader epoch began, so that a
// follower (OffsetForLeaderEpoch) learns where its log diverged. Kafka's checkpoint text format:
//
//   0            <- version
//   2            <- entries
//   0 0          <- epoch startOffset, epochs and offsets increasing
//   3 1520
import * as path from 'node:path'
import {readCheckpoint, writeCheckpoint} from './checkpoint-file.js'

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint'

export interface EpochEntry {
  epoch: number
  startOffset: bigint
}

export class LeaderEpochCache {
  private entries: EpochEntry[] = []
  private file: string

  constructor(dir: string, load = true) {
    this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT)
    if (load) {
      try {
        for (const [epoch, offset] of readCheckpoint(this.file, 2)) this.entries.push({epoch: Number(epoch), startOffset: BigInt(offset!)})
      } catch {
        // A bad checkpoint is rebuilt from the batches' partitionLeaderEpoch during recovery.
        this.entries = []
      }
    }
  }

  moveTo(dir: string): void {
    this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT)
  }

  get all(): readonly EpochEntry[] {
    return this.entries
  }

  get latestEpoch(): number {
    return this.entries.length ? this.entries[this.entries.length - 1]!.epoch : -1
  }

  /** Records that epoch starts at startOffset, when it is newer than the latest. Returns whether it changed. */
  assign(epoch: number, startOffset: bigint): boolean {
    if (epoch < 0) return false
    const last = this.entries[this.entries.length - 1]
    if (last && (epoch <= last.epoch || startOffset < last.startOffset)) {
      if (epoch <= last.epoch) return false
      // A newer epoch starting below the latest one's start: the later entries are stale.
      this.entries = this.entries.filter((e) => e.startOffset < startOffset)
    }
    this.entries.push({epoch, startOffset})
    return true
  }

  /** Kafka's endOffsetFor: (epoch, end offset) for OffsetForLeaderEpoch; (-1, -1) when unknown. */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): {leaderEpoch: number; endOffset: bigint} {
    if (requestedEpoch < 0 || this.entries.length === 0) return {leaderEpoch: -1, endOffset: -1n}
    if (requestedEpoch === this.latestEpoch) return {leaderEpoch: requestedEpoch, endOffset: logEndOffset}
    const higher = this.entries.find((e) => e.epoch > requestedEpoch)
    if (!higher) return {leaderEpoch: -1, endOffset: -1n}
    const floor = [...this.entries].reverse().find((e) => e.epoch <= requestedEpoch)
    return floor ? {leaderEpoch: floor.epoch, endOffset: higher.startOffset} : {leaderEpoch: requestedEpoch, endOffset: higher.startOffset}
  }

  /** The epoch of the batch holding offset (-1 unknown). */
  epochForOffset(offset: bigint): number {
    let epoch = -1
    for (const e of this.entries) if (e.startOffset <= offset) epoch = e.epoch
    return epoch
  }

  /** Drops epochs starting at or after endOffset (log truncated). */
  truncateFromEnd(endOffset: bigint): void {
    this.entries = this.entries.filter((e) => e.startOffset < endOffset)
  }

  /** The log now starts at startOffset: earlier epochs go, the one covering it starts there. */
  truncateFromStart(startOffset: bigint): void {
    let keepFrom = 0
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]!.startOffset <= startOffset) keepFrom = i
    this.entries = this.entries.slice(keepFrom)
    const first = this.entries[0]
    if (first && first.startOffset < startOffset) this.entries[0] = {epoch: first.epoch, startOffset}
  }

  clear(): void {
    this.entries = []
  }

  write(): void {
    writeCheckpoint(this.file, this.entries.map((e) => `${e.epoch} ${e.startOffset}`))
  }
}
