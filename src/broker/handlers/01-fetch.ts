// Fetch v0-17 for consumers. v0-3 are for clients older than record batch v2: what the log holds
// is down-converted per batch (records/convert-down.ts) to magic 0 (v0, v1) or magic 1 (v2, v3),
// as Kafka does; zstd data gets UNSUPPORTED_COMPRESSION_TYPE, a topic with
// message.downconversion.enable=false UNSUPPORTED_VERSION. The limits apply to the converted
// bytes; the long-poll rechecks count the log's bytes (as Kafka does) and convert only the answer.
// Difference: Kafka serves v0-2 with a hard size limit (a first message above the partition's max
// bytes comes back cut, and old clients report it as too large); we return the first batch whole
// for every version, as KIP-74 does from v3, so an old consumer never stalls on a large batch.
// v4+ send the log's bytes untouched.
// - Whole batches as stored, up to each partition's max bytes and the response's max bytes; the
//   first batch of the first non-empty partition comes back even when larger (KIP-74).
// - read_uncommitted reads up to the high watermark, read_committed up to the last stable offset.
// - Long polling: with fewer than min.bytes available, the request waits for appends to any of its
//   partitions (the log's onAppend), for max.wait.ms, for the connection to close or the broker to
//   stop, whichever comes first. No timer polls.
// - Fetch sessions (KIP-227) are declined: the response's session id is 0, so clients keep sending
//   full requests; an incremental request for a session id we never gave out gets
//   FETCH_SESSION_ID_NOT_FOUND.
// - v13+ names topics by id; an unknown id gets UNKNOWN_TOPIC_ID.
import {decodeFetchRequest} from '../../protocol/kafka/generated/fetch-request.js'
import {encodeFetchResponse as encodeGeneratedFetchResponse} from '../../protocol/kafka/generated/fetch-response.js'
import type {FetchRequest} from '../../protocol/kafka/generated/fetch-request.js'
import {defineHandler, RawResponse} from './context.js'
import {runtime, type BrokerRuntime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'
import {LogError, type PartitionLog} from '../log/index.js'
import {encodeFetchResponse, type FetchPartitionOut, type FetchTopicOut} from '../fetch-response.js'
import {downConvertRecordSet, UnsupportedDownConversionError} from '../../protocol/kafka/records/convert-down.js'

const UNKNOWN_SERVER_ERROR = -1
const UNSUPPORTED_VERSION = 35
const UNSUPPORTED_COMPRESSION_TYPE = 76
const FETCH_SESSION_ID_NOT_FOUND = 70
const UNKNOWN_TOPIC_ID = 100
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

interface Target {
  topic: string
  topicId: string
  partition: number
  fetchOffset: bigint
  partitionMaxBytes: number
  currentLeaderEpoch: number
  /** v0-3: false when the topic has message.downconversion.enable=false. */
}

function targets(rt: BrokerRuntime, request: FetchRequest, version: number): {topic: string; topicId: string; known: boolean; parts: Target[]}[] {
  return request.topics.map((t) => {
    let name = t.topic
    let topicId = t.topicId ?? ZERO_UUID
    let known = true
    if (version >= 13) {
      const info = rt.metadata.topicById(t.topicId)
      known = info !== undefined
      name = info?.name ?? ''
    } else {
      topicId = rt.metadata.topic(name)?.topicId ?? ZERO_UUID
    }
    return {
      topic: name,
      topicId,
      known,
      parts: t.partitions.map((p) => ({topic: name, topicId, partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: version >= 9 ? p.currentLeaderEpoch : -1})),
    }
  })
}

/**
 * Reads every partition once. Returns the response topics and the bytes gathered. toMagic 0 or 1
 * (Fetch v0-3) down-converts what was read when convert is set; otherwise the bytes counted are
 * the log's.
 */
function readAll(rt: BrokerRuntime, topics: ReturnType<typeof targets>, maxBytes: number, readCommitted: boolean, toMagic = 2, convert = true): {out: FetchTopicOut[]; bytes: number; errors: boolean; logs: PartitionLog[]} {
  let remaining = maxBytes
  let bytes = 0
  let errors = false
  const logs: PartitionLog[] = []
  const out = topics.map((t): FetchTopicOut => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.parts.map((p): FetchPartitionOut => {
      const empty = (errorCode: number): FetchPartitionOut => {
        if (errorCode !== 0) errors = true
        return {partitionIndex: p.partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: readCommitted ? [] : null, records: EMPTY}
      }
      if (!t.known) return empty(UNKNOWN_TOPIC_ID)
      const access = accessPartition(rt, p.topic, p.partition, p.currentLeaderEpoch)
      if (!access.log) return empty(access.errorCode)
      const log = access.log
      if (toMagic < 2 && !log.config.messageDownconversionEnable) return empty(UNSUPPORTED_VERSION)
      logs.push(log)
      try {
        const limit = Math.min(p.partitionMaxBytes, remaining)
        const maxOffset = readCommitted ? log.lastStableOffset : log.highWatermark
        const r = limit > 0 || bytes === 0 ? log.readSync(p.fetchOffset, Math.max(limit, 0), {maxOffset, minOneMessage: bytes === 0}) : null
        if (toMagic < 2 && convert && r && r.records.length > 0) {
          const converted = downConvertRecordSet(r.records, {toMagic: toMagic as 0 | 1, firstOffset: p.fetchOffset, maxBytes: Math.max(limit, 0), minOne: bytes === 0})
          bytes += converted.size
          remaining -= converted.size
          return {partitionIndex: p.partition, errorCode: 0, highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset, logStartOffset: r.logStartOffset, abortedTransactions: null, records: null, recordChunks: converted}
        }
        const records = r?.records ?? EMPTY
        bytes += records.length
        remaining -= records.length
        return {
          partitionIndex: p.partition,
          errorCode: 0,
          highWatermark: r?.highWatermark ?? log.highWatermark,
          lastStableOffset: r?.lastStableOffset ?? log.lastStableOffset,
          logStartOffset: r?.logStartOffset ?? log.logStartOffset,
          abortedTransactions: readCommitted ? [] : null,
          records,
        }
      } catch (error) {
        errors = true
        if (!(error instanceof LogError) && !(error instanceof UnsupportedDownConversionError)) rt.logger.error(`Fetch ${p.topic}-${p.partition}: ${(error as Error).stack}`)
        const code = error instanceof LogError ? error.errorCode : error instanceof UnsupportedDownConversionError ? UNSUPPORTED_COMPRESSION_TYPE : UNKNOWN_SERVER_ERROR
        return {partitionIndex: p.partition, errorCode: code, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions: readCommitted ? [] : null, records: EMPTY}
      }
    }),
  }))
  return {out, bytes, errors, logs}
}

const EMPTY = Buffer.alloc(0)

export default defineHandler<FetchRequest, RawResponse>({
  apiKey: 1,
  codec: {name: 'Fetch', requestFlexibleMin: 12, responseFlexibleMin: 12, decodeRequest: decodeFetchRequest, encodeResponse: encodeGeneratedFetchResponse},
  minVersion: 0,
  maxVersion: 17,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const encode = (errorCode: number, responses: FetchTopicOut[]) => new RawResponse(encodeFetchResponse({errorCode, sessionId: 0, responses}, version))
    if (version >= 7 && request.sessionId !== 0) return encode(FETCH_SESSION_ID_NOT_FOUND, [])
    const topics = targets(rt, request, version)
    const maxBytes = version >= 3 ? request.maxBytes : 0x7fffffff
    const readCommitted = version >= 4 && request.isolationLevel === 1
    const toMagic = version >= 4 ? 2 : version >= 2 ? 1 : 0
    let result = readAll(rt, topics, maxBytes, readCommitted, toMagic)
    const minBytes = request.minBytes
    if (result.bytes >= minBytes || result.errors || request.maxWaitMs <= 0 || result.logs.length === 0) {
      return encode(0, result.out)
    }
    // Long poll: wait for an append to one of our partitions, then read again.
    await new Promise<void>((resolve) => {
      let done = false
      let scheduled = false
      const unsubscribe: (() => void)[] = []
      const finish = () => {
        if (done) return
        done = true
        timer.cancel()
        for (const u of unsubscribe) u()
        ctx.connection.signal.removeEventListener('abort', finish)
        rt.stopping.removeEventListener('abort', finish)
        resolve()
      }
      const recheck = () => {
        if (done || scheduled) return
        // Coalesce a burst of appends into one re-read.
        scheduled = true
        setImmediate(() => {
          scheduled = false
          if (done) return
          const again = readAll(rt, topics, maxBytes, readCommitted, toMagic, false)
          if (again.bytes >= minBytes || again.errors) {
            result = again
            finish()
          }
        })
      }
      const timer = rt.clock.setTimeout(finish, request.maxWaitMs)
      for (const log of new Set(result.logs)) unsubscribe.push(log.onAppend(recheck))
      ctx.connection.signal.addEventListener('abort', finish)
      rt.stopping.addEventListener('abort', finish)
      if (ctx.connection.signal.aborted || rt.stopping.aborted) finish()
    })
    if (ctx.connection.signal.aborted) return encode(0, [])
    result = readAll(rt, topics, maxBytes, readCommitted, toMagic)
    return encode(0, result.out)
  },
})
