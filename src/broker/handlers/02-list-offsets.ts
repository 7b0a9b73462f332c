// ListOffsets v0-9: earliest (-2), latest (-1: the high watermark, or the last stable offset for
// read_committed), max timestamp (-3, v7+), earliest local (-4, v8+; no tiered storage, so the log
// start), earliest tiered (-5, v9; none: -1), and by timestamp (the first offset whose batch has a
// timestamp >= the one asked). v0 answers with the old offsets array, computed as Kafka's
// legacy fetchOffsetsBefore does (oldStyleOffsets below).
import {decodeListOffsetsRequest} from '../../protocol/kafka/generated/list-offsets-request.js'
import {encodeListOffsetsResponse} from '../../protocol/kafka/generated/list-offsets-response.js'
import type {ListOffsetsRequest} from '../../protocol/kafka/generated/list-offsets-request.js'
import type {ListOffsetsResponse, ListOffsetsResponseListOffsetsPartitionResponse as ListOffsetsPartitionResponse} from '../../protocol/kafka/generated/list-offsets-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'
import {LogError, type PartitionLog} from '../log/index.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n
const EARLIEST_TIERED = -5n
const UNKNOWN_SERVER_ERROR = -1

/**
 * ListOffsets v0: the base offsets of the segments last modified at or before the timestamp, and
 * the log end offset (as of now) when the active segment holds data, newest first, at most
 * maxNumOffsets of them. Latest starts from the newest entry, earliest is the log start alone.
 * Offsets above the high watermark are replaced by it (a consumer's view).
 */
function oldStyleOffsets(log: PartitionLog, timestamp: bigint, maxNumOffsets: number, now: number): bigint[] {
  const segments = log.allSegments
  const start = log.logStartOffset
  const points = segments.map((s) => ({offset: s.baseOffset > start ? s.baseOffset : start, time: s.lastModified}))
  if (segments[segments.length - 1]!.size > 0) points.push({offset: log.logEndOffset, time: now})
  let from: number
  if (timestamp === LATEST) from = points.length - 1
  else if (timestamp === EARLIEST) from = 0
  else {
    from = points.length - 1
    while (from >= 0 && points[from]!.time > Number(timestamp)) from--
  }
  const out: bigint[] = []
  for (let i = from; i >= 0 && out.length < maxNumOffsets; i--) out.push(points[i]!.offset)
  const hw = log.highWatermark
  if (out.some((o) => o > hw)) return [hw, ...out.filter((o) => o <= hw)]
  return out
}

export default defineHandler<ListOffsetsRequest, Loose<ListOffsetsResponse>>({
  apiKey: 2,
  codec: {name: 'ListOffsets', requestFlexibleMin: 6, responseFlexibleMin: 6, decodeRequest: decodeListOffsetsRequest, encodeResponse: encodeListOffsetsResponse},
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    const topics = []
    for (const t of request.topics) {
      const partitions: Loose<ListOffsetsPartitionResponse>[] = []
      for (const p of t.partitions) {
        const access = accessPartition(rt, t.name, p.partitionIndex, version >= 4 ? p.currentLeaderEpoch : -1)
        if (!access.log) {
          partitions.push({partitionIndex: p.partitionIndex, errorCode: access.errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1})
          continue
        }
        const log = access.log
        try {
          let offset = -1n
          let timestamp = -1n
          let leaderEpoch = -1
          const ts = p.timestamp
          if (ts === LATEST) {
            offset = version >= 2 && request.isolationLevel === 1 ? log.lastStableOffset : log.highWatermark
            leaderEpoch = log.latestEpoch
          } else if (ts === EARLIEST || ts === EARLIEST_LOCAL) {
            offset = log.logStartOffset
            const found = await log.offsetForTimestamp(EARLIEST)
            leaderEpoch = found?.leaderEpoch ?? -1
          } else if (ts === EARLIEST_TIERED) {
            offset = -1n
          } else {
            const found = await log.offsetForTimestamp(ts === MAX_TIMESTAMP ? MAX_TIMESTAMP : ts)
            if (found && found.offset < log.highWatermark) {
              offset = found.offset
              timestamp = found.timestamp
              leaderEpoch = found.leaderEpoch
            } else if (ts === MAX_TIMESTAMP) {
              offset = -1n
            }
          }
          if (version === 0) {
            partitions.push({partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: oldStyleOffsets(log, ts, p.maxNumOffsets, rt.clock.now())})
          } else {
            partitions.push({partitionIndex: p.partitionIndex, errorCode: 0, timestamp, offset, leaderEpoch})
          }
        } catch (error) {
          const code = error instanceof LogError ? error.errorCode : UNKNOWN_SERVER_ERROR
          if (!(error instanceof LogError)) rt.logger.error(`ListOffsets ${t.name}-${p.partitionIndex}: ${(error as Error).stack}`)
          partitions.push({partitionIndex: p.partitionIndex, errorCode: code, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1})
        }
      }
      topics.push({name: t.name, partitions})
    }
    return {throttleTimeMs: 0, topics}
  },
})
