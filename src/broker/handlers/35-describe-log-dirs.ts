// DescribeLogDirs v0-4: per log dir, its partitions with their size in bytes (offset lag 0: this
// broker leads every partition it holds); v4 adds total and usable bytes of the file system.
import {decodeDescribeLogDirsRequest} from '../../protocol/kafka/generated/describe-log-dirs-request.js'
import {encodeDescribeLogDirsResponse} from '../../protocol/kafka/generated/describe-log-dirs-response.js'
import {statfsSync} from 'node:fs'
import type {DescribeLogDirsRequest} from '../../protocol/kafka/generated/describe-log-dirs-request.js'
import type {DescribeLogDirsResponse, DescribeLogDirsResponseDescribeLogDirsResult as DescribeLogDirsResult} from '../../protocol/kafka/generated/describe-log-dirs-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'

export default defineHandler<DescribeLogDirsRequest, Loose<DescribeLogDirsResponse>>({
  apiKey: 35,
  codec: {name: 'DescribeLogDirs', requestFlexibleMin: 2, responseFlexibleMin: 2, decodeRequest: decodeDescribeLogDirsRequest, encodeResponse: encodeDescribeLogDirsResponse},
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, request) {
    const rt = runtime(ctx)
    const wanted = request.topics === null ? null : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]))
    const results: Loose<DescribeLogDirsResult>[] = rt.logs.describeLogDirs().map((d) => {
      const byTopic = new Map<string, {partitionIndex: number; partitionSize: bigint; offsetLag: bigint; isFutureKey: boolean}[]>()
      for (const p of d.partitions) {
        if (wanted && !wanted.get(p.topic)?.has(p.partition)) continue
        let list = byTopic.get(p.topic)
        if (!list) byTopic.set(p.topic, (list = []))
        list.push({partitionIndex: p.partition, partitionSize: BigInt(p.size), offsetLag: BigInt(p.offsetLag), isFutureKey: false})
      }
      let totalBytes = -1n
      let usableBytes = -1n
      try {
        const s = statfsSync(d.path, {bigint: true})
        totalBytes = s.blocks * s.bsize
        usableBytes = s.bavail * s.bsize
      } catch {
        // an offline dir has no numbers
      }
      return {
        errorCode: d.error ? d.error.errorCode : 0,
        logDir: d.path,
        topics: [...byTopic].map(([name, partitions]) => ({name, partitions})),
        totalBytes,
        usableBytes,
      }
    })
    return {throttleTimeMs: 0, errorCode: 0, results}
  },
})
