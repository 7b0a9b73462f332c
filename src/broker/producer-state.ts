// Idempotent producers: per partition and producer id, the current epoch and the metadata of the
// last five batches (Kafka's NUM_BATCHES_TO_RETAIN), which is what a producer with up to five
// requests in flight may resend. Checked before a batch is appended:
//   - epoch below the current one            -> INVALID_PRODUCER_EPOCH
//   - same epoch, same first/last sequence as a retained batch -> duplicate: answer with the
//     original offsets, append nothing
//   - same epoch, first sequence != last + 1  -> OUT_OF_ORDER_SEQUENCE_NUMBER
//   - new epoch with first sequence != 0      -> OUT_OF_ORDER_SEQUENCE_NUMBER
//   - a producer with no state yet (new, or its batches were deleted) -> any sequence is accepted
// State is rebuilt from the batch headers in the log the first time an idempotent batch reaches a
// partition after a start, so a restart forgets nothing (Kafka keeps snapshots; we rescan headers).
import type {BatchHeader} from '../protocol/kafka/records/batch-header.js'

export const NUM_BATCHES_TO_RETAIN = 5

export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: bigint
  lastOffset: bigint
  timestamp: bigint
}

export interface ProducerEntry {
  producerId: bigint
  epoch: number
  batches: BatchMetadata[]
  lastTimestamp: number
}

export type SequenceCheck =
  | {kind: 'append'}
  | {kind: 'duplicate'; batch: BatchMetadata}
  | {kind: 'error'; errorCode: number; message: string}

const INVALID_PRODUCER_EPOCH = 47
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 2147483647)
}

/** Producer state of one partition. */
export class PartitionProducerState {
  readonly producers = new Map<bigint, ProducerEntry>()

  check(h: BatchHeader, partitionName: string): SequenceCheck {
    const entry = this.producers.get(h.producerId)
    if (!entry) return {kind: 'append'}
    if (h.producerEpoch < entry.epoch) {
      return {kind: 'error', errorCode: INVALID_PRODUCER_EPOCH, message: `Epoch of producer ${h.producerId} is ${h.producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`}
    }
    const lastSeq = (h.baseSequence + h.lastOffsetDelta) % 2147483648
    if (h.producerEpoch === entry.epoch) {
      const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq)
      if (dup) return {kind: 'duplicate', batch: dup}
      const current = entry.batches.at(-1)
      if (current && !inSequence(current.lastSeq, h.baseSequence)) {
        return {kind: 'error', errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER, message: `Out of order sequence number for producer ${h.producerId} at offset ${current.lastOffset + 1n} in partition ${partitionName}: ${h.baseSequence} (incoming seq. number), ${current.lastSeq} (current end sequence number)`}
      }
    } else if (h.baseSequence !== 0) {
      return {kind: 'error', errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER, message: `Invalid sequence number for new epoch of producer ${h.producerId} in partition ${partitionName}: ${h.producerEpoch} (request epoch), ${h.baseSequence} (seq. number), ${entry.epoch} (current producer epoch)`}
    }
    return {kind: 'append'}
  }

  /** Records an appended batch (or one found in the log on rebuild). */
  update(h: BatchHeader, firstOffset: bigint, now: number): void {
    if (h.producerId < 0n) return
    let entry = this.producers.get(h.producerId)
    if (!entry) {
      entry = {producerId: h.producerId, epoch: h.producerEpoch, batches: [], lastTimestamp: now}
      this.producers.set(h.producerId, entry)
    }
    if (h.producerEpoch > entry.epoch) {
      entry.epoch = h.producerEpoch
      entry.batches = []
    }
    entry.lastTimestamp = now
    if (h.baseSequence < 0) return
    entry.batches.push({
      firstSeq: h.baseSequence,
      lastSeq: (h.baseSequence + h.lastOffsetDelta) % 2147483648,
      firstOffset,
      lastOffset: firstOffset + BigInt(h.lastOffsetDelta),
      timestamp: h.maxTimestamp,
    })
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift()
  }

  /** Removes producers idle for longer than producer.id.expiration.ms. */
  expire(now: number, expirationMs: number): void {
    for (const [id, e] of this.producers) if (now - e.lastTimestamp > expirationMs) this.producers.delete(id)
  }
}

/** All partitions' producer state, plus producer id allocation. */
export class ProducerStateManager {
  private readonly partitions = new Map<string, PartitionProducerState>()
  /** Highest producer epoch handed out per id (InitProducerId epoch bumps). */
  private readonly epochs = new Map<bigint, number>()

  constructor(private readonly allocateId: () => Promise<bigint>) {}

  has(key: string): boolean {
    return this.partitions.has(key)
  }

  /** The state of a partition; `rebuild` runs once, the first time, to scan the log. */
  get(key: string, rebuild: (state: PartitionProducerState) => void): PartitionProducerState {
    let s = this.partitions.get(key)
    if (!s) {
      s = new PartitionProducerState()
      rebuild(s)
      this.partitions.set(key, s)
    }
    return s
  }

  forget(key: string): void {
    this.partitions.delete(key)
  }

  /**
   * InitProducerId for an idempotent producer. A fresh producer gets a new id and epoch 0; one that
   * passes its id and epoch (KIP-360, after a sequence error) gets the same id with the epoch bumped,
   * or a new id when the epoch would overflow.
   */
  async initProducer(producerId: bigint, epoch: number): Promise<{producerId: bigint; epoch: number} | {errorCode: number}> {
    if (producerId >= 0n) {
      const known = this.epochs.get(producerId)
      if (known !== undefined && epoch !== known) return {errorCode: INVALID_PRODUCER_EPOCH}
      const next = (known ?? epoch) + 1
      if (next <= 32767) {
        this.epochs.set(producerId, next)
        return {producerId, epoch: next}
      }
    }
    const id = await this.allocateId()
    this.epochs.set(id, 0)
    return {producerId: id, epoch: 0}
  }

  expire(now: number, expirationMs: number): void {
    for (const s of this.partitions.values()) s.expire(now, expirationMs)
  }
}
