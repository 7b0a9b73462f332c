// Produce v0-11. v3+ carry RecordBatch v2, handed to the log as received. v0-2 (old clients:
// kafka-python api_version (0, 9) / (0, 10, 1), librdkafka with broker.version.fallback 0.9/0.10)
// carry magic 0/1 message sets: those are validated and up-converted to one v2 batch first
// (records/convert-up.ts), as Kafka 3.x does; a v2 batch in an old request goes through unchanged
// (Kafka never checked the magic of old requests). acks 0 (no response), 1 and -1 (one replica: the write is
// committed when appended; min.insync.replicas above the ISR size gives NOT_ENOUGH_REPLICAS).
// Every partition's record set is handed to its log as received, in request order: the log checks
// it batch by batch (length, magic, CRC, sizes), stamps offsets in place and writes the same bytes.
// Idempotent batches (producer id >= 0) are checked inside the partition's append turn against the
// producer state (see producer-state.ts); a duplicate is answered with its original offsets.
// Transactional batches need the transaction coordinator (later): INVALID_TXN_STATE.
import {decodeProduceRequest} from '../../protocol/kafka/generated/produce-request.js'
import {encodeProduceResponse} from '../../protocol/kafka/generated/produce-response.js'
import type {ProduceRequest} from '../../protocol/kafka/generated/produce-request.js'
import type {ProduceResponse, ProduceResponsePartitionProduceResponse as PartitionProduceResponse} from '../../protocol/kafka/generated/produce-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {MAGIC, TRANSACTIONAL_MASK, type BatchEntry} from '../../protocol/kafka/records/batch-header.js'
import {upConvertMessageSet} from '../../protocol/kafka/records/convert-up.js'
import {CorruptRecordError} from '../../protocol/kafka/records/errors.js'
import {InvalidLegacyRecordError} from '../../protocol/kafka/records/legacy.js'
import {defineHandler, NO_RESPONSE} from './context.js'
import {runtime, type BrokerRuntime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'
import {LogError, type AppendResult, type PartitionLog} from '../log/index.js'
import type {PartitionProducerState} from '../producer-state.js'

const CORRUPT_MESSAGE = 2
const INVALID_TOPIC_EXCEPTION = 17
const NOT_ENOUGH_REPLICAS = 19
const INVALID_REQUIRED_ACKS = 21
const INVALID_TXN_STATE = 48
const INVALID_RECORD = 87
const UNKNOWN_SERVER_ERROR = -1

type PartitionResult = Loose<PartitionProduceResponse>

function producerState(rt: BrokerRuntime, log: PartitionLog): PartitionProducerState {
  return rt.producers.get(`${log.topic}-${log.partition}`, (state) => {
    // First idempotent batch since start: rebuild from the batch headers in the log.
    const now = rt.clock.now()
    for (const e of log.batchHeaders()) if (e.header.producerId >= 0n) state.update(e.header, e.header.baseOffset, now)
  })
}

function appendOptions(rt: BrokerRuntime, log: PartitionLog, leaderEpoch: number) {
  let state: PartitionProducerState | undefined
  return {
    leaderEpoch,
    precheck(entries: readonly BatchEntry[]): AppendResult | void {
      let duplicate: AppendResult | undefined
      for (const e of entries) {
        const h = e.header
        if (h.attributes & TRANSACTIONAL_MASK) throw new LogError(INVALID_TXN_STATE, `Transactional records are not supported yet (partition ${log.topic}-${log.partition})`)
        if (h.producerId < 0n) continue
        state ??= producerState(rt, log)
        const check = state.check(h, `${log.topic}-${log.partition}`)
        if (check.kind === 'error') throw new LogError(check.errorCode, check.message)
        if (check.kind === 'duplicate' && entries.length === 1) {
          duplicate = {baseOffset: check.batch.firstOffset, lastOffset: check.batch.lastOffset, logAppendTime: -1n, logStartOffset: log.logStartOffset, recordCount: 0, batches: []}
        }
      }
      return duplicate
    },
    onAppended(result: AppendResult): void {
      if (!state) return
      const now = rt.clock.now()
      for (const h of result.batches) if (h.producerId >= 0n) state.update(h, h.baseOffset, now)
    },
  }
}

/**
 * Produce v0-2: a magic 0/1 set becomes one v2 batch before the append. Synchronous, so that the
 * append is still issued in request order. Returns the bytes to append or the partition's error.
 */
function upConvert(records: Buffer, name: string, maxDecompressed: number): Buffer | PartitionResult {
  if (records.length <= MAGIC || records[MAGIC]! >= 2) return records
  try {
    return upConvertMessageSet(records, {maxDecompressed}).batch
  } catch (error) {
    const why = `Record set for partition ${name} is corrupt: ${(error as Error).message}`
    if (error instanceof InvalidLegacyRecordError) return failed(-1, INVALID_RECORD, why)
    if (error instanceof CorruptRecordError) return failed(-1, CORRUPT_MESSAGE, why)
    throw error
  }
}

function failed(partitionIndex: number, errorCode: number, message: string | null, recordErrors: {batchIndex: number; batchIndexErrorMessage: string | null}[] = []): PartitionResult {
  return {index: partitionIndex, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors, errorMessage: message}
}

export default defineHandler<ProduceRequest, Loose<ProduceResponse> | typeof NO_RESPONSE>({
  apiKey: 0,
  codec: {name: 'Produce', requestFlexibleMin: 9, responseFlexibleMin: 9, decodeRequest: decodeProduceRequest, encodeResponse: encodeProduceResponse},
  minVersion: 0,
  maxVersion: 11,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const acks = request.acks
    const pending: {topic: string; results: Promise<PartitionResult>[]}[] = []
    for (const t of request.topicData) {
      const results: Promise<PartitionResult>[] = []
      for (const p of t.partitionData) {
        const index = p.index
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          results.push(Promise.resolve(failed(index, INVALID_REQUIRED_ACKS, null)))
          continue
        }
        const access = accessPartition(rt, t.name, index)
        if (!access.log) {
          results.push(Promise.resolve(failed(index, access.errorCode, null)))
          continue
        }
        const topic = rt.metadata.topic(t.name)!
        if (topic.internal) {
          results.push(Promise.resolve(failed(index, INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${t.name}`)))
          continue
        }
        if (acks === -1) {
          const minIsr = access.log.config.minInsyncReplicas
          const isr = topic.partitions[index]!.isr.length
          if (isr < minIsr) {
            results.push(Promise.resolve(failed(index, NOT_ENOUGH_REPLICAS, `The size of the current ISR Set(${topic.partitions[index]!.isr.join(', ')}) is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${t.name}-${index}`)))
            continue
          }
        }
        if (!p.records || p.records.length === 0) {
          results.push(Promise.resolve(failed(index, CORRUPT_MESSAGE, 'Produce request has no records')))
          continue
        }
        // The append is issued now, synchronously, so that pipelined requests append in order.
        const log = access.log
        let records = p.records
        if (version <= 2) {
          const converted = upConvert(records, `${t.name}-${index}`, Math.max(log.config.maxMessageBytes * 4, 64 << 20))
          if (!Buffer.isBuffer(converted)) {
            results.push(Promise.resolve({...converted, index}))
            continue
          }
          records = converted
        } else if (records.length > MAGIC && records[MAGIC]! < 2) {
          // Kafka's ProduceRequest.validateRecords: v3+ carry record batch v2 only.
          results.push(Promise.resolve(failed(index, INVALID_RECORD, `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`)))
          continue
        }
        results.push(
          log.append(records, appendOptions(rt, log, access.leaderEpoch)).then(
            (r): PartitionResult => ({index, errorCode: 0, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTime, logStartOffset: r.logStartOffset, recordErrors: [], errorMessage: null}),
            (error): PartitionResult => {
              if (error instanceof LogError) return failed(index, error.errorCode, error.message, error.recordErrors)
              rt.logger.error(`[ReplicaManager broker=${rt.config.brokerId}] Error processing append operation on partition ${t.name}-${index}: ${(error as Error).stack}`)
              return failed(index, UNKNOWN_SERVER_ERROR, (error as Error).message)
            },
          ),
        )
      }
      pending.push({topic: t.name, results})
    }
    const responses = []
    for (const t of pending) responses.push({name: t.topic, partitionResponses: await Promise.all(t.results)})
    if (acks === 0) return NO_RESPONSE
    return {responses, throttleTimeMs: 0}
  },
})
