// DeleteRecords v0-2: moves the log start offset forward (offset -1 = the high watermark); whole
// segments below it are removed by retention later. Returns the new low watermark.
import {decodeDeleteRecordsRequest} from '../../protocol/kafka/generated/delete-records-request.js'
import {encodeDeleteRecordsResponse} from '../../protocol/kafka/generated/delete-records-response.js'
import type {DeleteRecordsRequest} from '../../protocol/kafka/generated/delete-records-request.js'
import type {DeleteRecordsResponse, DeleteRecordsResponseDeleteRecordsPartitionResult as DeleteRecordsPartitionResult} from '../../protocol/kafka/generated/delete-records-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {accessPartition} from '../partition-access.js'
import {LogError} from '../log/index.js'

const UNKNOWN_SERVER_ERROR = -1

export default defineHandler<DeleteRecordsRequest, Loose<DeleteRecordsResponse>>({
  apiKey: 21,
  codec: {name: 'DeleteRecords', requestFlexibleMin: 2, responseFlexibleMin: 2, decodeRequest: decodeDeleteRecordsRequest, encodeResponse: encodeDeleteRecordsResponse},
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const rt = runtime(ctx)
    const topics = []
    for (const t of request.topics) {
      const partitions: Loose<DeleteRecordsPartitionResult>[] = []
      for (const p of t.partitions) {
        const access = accessPartition(rt, t.name, p.partitionIndex)
        if (!access.log) {
          partitions.push({partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: access.errorCode})
          continue
        }
        try {
          const low = await access.log.deleteRecordsBefore(p.offset)
          partitions.push({partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: 0})
        } catch (error) {
          const code = error instanceof LogError ? error.errorCode : UNKNOWN_SERVER_ERROR
          partitions.push({partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: code})
        }
      }
      topics.push({name: t.name, partitions})
    }
    return {throttleTimeMs: 0, topics}
  },
})
