// ListOffsets v0-9: earliest (-2), latest (-1: the high watermark, or the last stable offset for
// read_committed), max timestamp (-3, v7+), earliest local (-4, v8+; no tiered storage, so the log
// start), earliest tiered (-5, v9; none: -1), and by timestamp (the first offset whose batch has a
// timestamp >= the one asked). v0 answers with the old offsets array.
import {decodeListOffsetsRequest} from '../../protocol/kafka/generated/list-offsets-request.js'
import {encodeListOffsetsResponse} from '../../protocol/kafka/generated/list-offsets-response.js'
import type {ListOffsetsRequest} from '../../protocol/kafka/generated/list-offsets-request.js'
import type {ListOffsetsResponse, ListOffsetsResponseListOffsetsPartitionResponse as ListOffsetsPartitionResponse} from '../../protocol/kafka/generated/list-offsets-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'
import {LogError} from '../log/index.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n
const EARLIEST_TIERED = -5n
const UNKNOWN_SERVER_ERROR = -1

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
            // Old-style: offsets of segment starts before the timestamp; latest/earliest give one.
            const old = ts === LATEST ? [log.highWatermark] : ts === EARLIEST ? [log.logStartOffset] : offset >= 0n ? [offset] : [log.highWatermark]
            partitions.push({partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: old.slice(0, Math.max(1, p.maxNumOffsets))})
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
