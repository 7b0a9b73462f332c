// Produce v0-2 and Fetch v0-3 over a raw socket against the in-process broker: magic 0/1 sets are
// up-converted on the way in and the log's v2 batches down-converted on the way out, and a modern
// client (kafkajs) sees the same records from either side.
import {crc32} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import * as H from '../../../src/protocol/kafka/records/batch-header.js'
import {CompressionType as T, compressSync} from '../../../src/protocol/kafka/records/compression.js'
import {registerKafkajsCodecs} from '../../../src/protocol/kafka/records/kafkajs-codecs.js'
import {decodeMessageSet, encodeMessageSetSync} from '../../../src/protocol/kafka/records/legacy.js'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {WireClient} from '../wire-client.js'

const {Kafka, logLevel, CompressionTypes} = kafkajs
registerKafkajsCodecs()

const CORRUPT_MESSAGE = 2
const UNSUPPORTED_COMPRESSION_TYPE = 76
const INVALID_RECORD = 87

type FetchPart = {partitionIndex: number; errorCode: number; highWatermark: bigint; records: Buffer | null}

describe('old message formats on the wire', () => {
  let b: StartedBroker
  let kafka: InstanceType<typeof Kafka>
  let wire: WireClient
  beforeAll(async () => {
    b = await startBroker()
    kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 3}})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: ['old-in', 'modern-in', 'corrupt', 'limits', 'longpoll', 'zstd', 'offsets-v0', 'noconv'].map((topic) => ({topic, numPartitions: 1}))})
    await admin.alterConfigs({validateOnly: false, resources: [{type: 2, name: 'noconv', configEntries: [{name: 'message.downconversion.enable', value: 'false'}]}]})
    await admin.createTopics({
      topics: [
        {topic: 'lat', numPartitions: 1, configEntries: [{name: 'message.timestamp.type', value: 'LogAppendTime'}]},
        {topic: 'compacted', numPartitions: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}]},
      ],
    })
    await admin.disconnect()
    wire = await WireClient.connect(b.port)
  })
  afterAll(async () => {
    wire?.close()
    await b?.stop()
  })

  const produce = async (version: number, topic: string, records: Buffer, acks = 1) =>
    (await wire.request(0, version, {transactionalId: null, acks, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]})).body.responses[0].partitionResponses[0] as {
      errorCode: number
      baseOffset: bigint
      logAppendTimeMs: bigint
    }
  const fetch = async (version: number, topic: string, offset: bigint, opts: {maxBytes?: number; partitionMaxBytes?: number; maxWaitMs?: number; minBytes?: number} = {}) =>
    (
      await wire.request(1, version, {
        clusterId: null,
        replicaId: -1,
        replicaState: {replicaId: -1, replicaEpoch: -1n},
        maxWaitMs: opts.maxWaitMs ?? 0,
        minBytes: opts.minBytes ?? 0,
        maxBytes: opts.maxBytes ?? 0x7fffffff,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20, replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA'}]}],
        forgottenTopicsData: [],
        rackId: '',
      })
    ).body.responses[0].partitions[0] as FetchPart
  const latest = async (topic: string): Promise<bigint> =>
    (await wire.request(2, 1, {replicaId: -1, isolationLevel: 0, topics: [{name: topic, partitions: [{partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1}]}]})).body.topics[0].partitions[0].offset

  it('ApiVersions advertises Produce and Fetch from version 0', async () => {
    const {body} = await wire.request(18, 0, {clientSoftwareName: '', clientSoftwareVersion: ''})
    const keys = body.apiKeys as {apiKey: number; minVersion: number; maxVersion: number}[]
    expect(keys.find((k) => k.apiKey === 0)).toMatchObject({minVersion: 0, maxVersion: 11})
    expect(keys.find((k) => k.apiKey === 1)).toMatchObject({minVersion: 0, maxVersion: 17})
  })

  it('an old producer (Produce v0-2, every legacy codec) is read back by old fetches and by kafkajs', async () => {
    const sent: {key: string | null; value: string | null; ts: bigint}[] = []
    let n = 0
    for (const [version, magic] of [[0, 0], [1, 0], [2, 1]] as const) {
      for (const codec of [T.NONE, T.GZIP, T.SNAPPY, T.LZ4]) {
        const msgs = [0, 1, 2].map((i) => ({key: (n + i) % 4 === 0 ? null : `k${n + i}`, value: `v${n + i}`, timestamp: 1_700_000_000_000n + BigInt(n + i)}))
        const r = await produce(version, 'old-in', encodeMessageSetSync({magic, records: msgs, compression: codec}))
        expect(r.errorCode).toBe(0)
        expect(r.baseOffset).toBe(BigInt(n))
        if (version === 2) expect(r.logAppendTimeMs).toBe(-1n)
        for (const m of msgs) sent.push({key: m.key, value: m.value, ts: magic === 0 ? -1n : m.timestamp})
        n += 3
      }
    }
    for (const version of [0, 1, 2, 3]) {
      const part = await fetch(version, 'old-in', 0n)
      expect(part.errorCode).toBe(0)
      expect(part.highWatermark).toBe(BigInt(n))
      const batches = await decodeMessageSet(part.records!)
      for (const bt of batches) expect(bt.header.magic).toBe(version >= 2 ? 1 : 0)
      const got = batches.flatMap((bt) => bt.records)
      expect(got.map((r) => r.offset)).toEqual(sent.map((_, i) => BigInt(i)))
      expect(got.map((r) => r.key?.toString() ?? null)).toEqual(sent.map((s) => s.key))
      expect(got.map((r) => r.value?.toString() ?? null)).toEqual(sent.map((s) => s.value))
      if (version >= 2) expect(got.map((r) => r.timestamp)).toEqual(sent.map((s) => s.ts))
      // One entry per uncompressed message, one wrapper per compressed produce.
      expect(batches.length).toBe(3 * 3 + 3 * 3)
    }
    const consumer = kafka.consumer({groupId: 'old-in-reader', maxWaitTimeInMs: 100})
    await consumer.connect()
    await consumer.subscribe({topic: 'old-in', fromBeginning: true})
    const seen: {key: string | null; value: string | null; ts: string}[] = []
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${seen.length}`)), 20_000)
      void consumer.run({
        eachMessage: async ({message}) => {
          seen.push({key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, ts: message.timestamp})
          if (seen.length === sent.length) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    expect(seen).toEqual(sent.map((s) => ({key: s.key, value: s.value, ts: String(s.ts)})))
  })

  it('a modern producer (kafkajs, every codec but zstd, headers) is read by Fetch v0-3', async () => {
    const producer = kafka.producer()
    await producer.connect()
    const codecs = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4]
    const sent: {key: string; value: string; timestamp: string}[] = []
    for (const [i, compression] of codecs.entries()) {
      const messages = Array.from({length: 4}, (_, j) => ({key: `m${i}-${j}`, value: `value ${i} ${j}`, timestamp: String(1_710_000_000_000 + i * 10 + j), headers: {h: 'x'}}))
      await producer.send({topic: 'modern-in', compression, messages})
      sent.push(...messages.map(({headers: _h, ...m}) => m))
    }
    await producer.disconnect()
    for (const version of [0, 1, 2, 3]) {
      const part = await fetch(version, 'modern-in', 0n)
      const batches = await decodeMessageSet(part.records!)
      // Per source batch: 4 plain messages for none, one wrapper with its codec otherwise.
      expect(batches.map((bt) => bt.header.attributes & H.COMPRESSION_MASK)).toEqual([0, 0, 0, 0, 1, 2, 3])
      const got = batches.flatMap((bt) => bt.records)
      expect(got.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual(sent.map((s) => [s.key, s.value]))
      expect(got.map((r) => r.offset)).toEqual(sent.map((_, i) => BigInt(i)))
      expect(got.map((r) => String(r.timestamp))).toEqual(version >= 2 ? sent.map((s) => s.timestamp) : sent.map(() => '-1'))
    }
    // From the middle of the uncompressed batch: the records before the fetch offset are left out.
    const mid = await decodeMessageSet((await fetch(3, 'modern-in', 2n)).records!)
    expect(mid[0]!.records[0]!.offset).toBe(2n)
  })

  it('corrupt old-format messages get CORRUPT_MESSAGE or INVALID_RECORD and nothing is written', async () => {
    const good = encodeMessageSetSync({magic: 1, records: [{key: 'a', value: 'b'}, {key: 'c', value: 'd'}], compression: T.NONE})
    const badCrc = Buffer.from(good)
    badCrc[badCrc.length - 1]! ^= 0xff
    const before = await latest('corrupt')
    for (const version of [0, 1, 2]) expect((await produce(version, 'corrupt', badCrc)).errorCode).toBe(CORRUPT_MESSAGE)
    // A bad CRC inside a compressed wrapper (the wrapper's own CRC is right).
    const inner = Buffer.from(encodeMessageSetSync({magic: 0, records: [{key: 'a', value: 'b'}], compression: T.NONE}))
    inner[inner.length - 1]! ^= 1
    expect((await produce(1, 'corrupt', wrapper(0, T.GZIP, compressSync(T.GZIP, inner)))).errorCode).toBe(CORRUPT_MESSAGE)
    // Nested compression and zstd are well-formed but invalid.
    const nested = wrapper(1, T.GZIP, compressSync(T.GZIP, encodeMessageSetSync({magic: 1, records: [{value: 'x'}], compression: T.GZIP})))
    expect((await produce(2, 'corrupt', nested)).errorCode).toBe(INVALID_RECORD)
    expect((await produce(2, 'corrupt', wrapper(1, T.ZSTD, Buffer.from('zz')))).errorCode).toBe(INVALID_RECORD)
    // Old messages in a new request: Kafka refuses them (v3+ carry record batch v2 only).
    expect((await produce(3, 'corrupt', good)).errorCode).toBe(INVALID_RECORD)
    // Good then bad in one set: nothing of it is written.
    expect((await produce(2, 'corrupt', Buffer.concat([good, badCrc]))).errorCode).toBe(CORRUPT_MESSAGE)
    expect(await latest('corrupt')).toBe(before)
    expect((await produce(2, 'corrupt', good)).errorCode).toBe(0)
    expect(await latest('corrupt')).toBe(before + 2n)
  })

  it('LogAppendTime topics: Produce v2 answers the append time, Fetch v2 shows it on every message', async () => {
    const before = Date.now()
    const r = await produce(2, 'lat', encodeMessageSetSync({magic: 1, records: [{key: 'a', value: '1', timestamp: 5}, {key: 'b', value: '2', timestamp: 6}], compression: T.GZIP}))
    expect(r.errorCode).toBe(0)
    expect(Number(r.logAppendTimeMs)).toBeGreaterThanOrEqual(before - 1000)
    for (const version of [2, 3]) {
      const batches = await decodeMessageSet((await fetch(version, 'lat', 0n)).records!)
      expect(batches[0]!.header.attributes & H.TIMESTAMP_TYPE_MASK).toBe(H.TIMESTAMP_TYPE_MASK)
      expect(batches.flatMap((bt) => bt.records.map((x) => x.timestamp))).toEqual([r.logAppendTimeMs, r.logAppendTimeMs])
    }
  })

  it('compacted topics refuse keyless old-format messages (INVALID_RECORD) and take keyed ones', async () => {
    expect((await produce(1, 'compacted', encodeMessageSetSync({magic: 0, records: [{key: 'k', value: 'v'}, {value: 'no key'}]}))).errorCode).toBe(INVALID_RECORD)
    expect(await latest('compacted')).toBe(0n)
    expect((await produce(1, 'compacted', encodeMessageSetSync({magic: 0, records: [{key: 'k', value: 'v'}]}))).errorCode).toBe(0)
  })

  it('acks=0 on Produce v0 gets no response and still writes', async () => {
    const {bytes} = wire.frame(0, 0, {transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{name: 'corrupt', partitionData: [{index: 0, records: encodeMessageSetSync({magic: 0, records: [{value: 'z'}]})}]}]})
    const before = await latest('corrupt')
    await wire.sendRaw(bytes, false)
    expect(await latest('corrupt')).toBe(before + 1n)
  })

  it('limits: partition max bytes (the first batch whole even when larger) and v3 response max bytes', async () => {
    const producer = kafka.producer()
    await producer.connect()
    for (let i = 0; i < 5; i++) await producer.send({topic: 'limits', messages: Array.from({length: 10}, (_, j) => ({key: null, value: `${i}-${j}-`.padEnd(100, 'x')}))})
    await producer.disconnect()
    // 10 magic 1 messages of 100-byte values are 1340 bytes: the first batch is returned whole.
    const tiny = await fetch(3, 'limits', 0n, {partitionMaxBytes: 10})
    expect((await decodeMessageSet(tiny.records!)).length).toBe(10)
    const some = await fetch(2, 'limits', 0n, {partitionMaxBytes: 2000})
    expect(some.records!.length).toBeLessThanOrEqual(2000)
    expect((await decodeMessageSet(some.records!)).length).toBe(10)
    const v3 = await fetch(3, 'limits', 0n, {maxBytes: 3000})
    expect(v3.records!.length).toBeLessThanOrEqual(3000)
    expect((await decodeMessageSet(v3.records!)).length).toBeGreaterThanOrEqual(10)
    const all = await fetch(3, 'limits', 0n)
    expect((await decodeMessageSet(all.records!)).length).toBe(50)
  })

  it('long polling on Fetch v3 is woken by an append', async () => {
    const end = await latest('longpoll')
    const started = Date.now()
    const pending = fetch(3, 'longpoll', end, {maxWaitMs: 10_000, minBytes: 1})
    const other = await WireClient.connect(b.port)
    await new Promise((r) => setTimeout(r, 200))
    await other.request(0, 2, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'longpoll', partitionData: [{index: 0, records: encodeMessageSetSync({magic: 1, records: [{key: 'w', value: 'woken'}]})}]}]})
    other.close()
    const part = await pending
    expect(Date.now() - started).toBeLessThan(5000)
    const got = (await decodeMessageSet(part.records!)).flatMap((bt) => bt.records)
    expect(got.map((r) => r.value?.toString())).toEqual(['woken'])
  })

  it('zstd data cannot be sent to an old consumer; a topic can refuse down-conversion', async () => {
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'zstd', compression: CompressionTypes.ZSTD, messages: [{value: 'z'}]})
    await producer.send({topic: 'noconv', messages: [{value: 'n'}]})
    await producer.disconnect()
    expect((await fetch(3, 'zstd', 0n)).errorCode).toBe(UNSUPPORTED_COMPRESSION_TYPE)
    expect((await fetch(1, 'noconv', 0n)).errorCode).toBe(35)
    expect((await fetch(4, 'noconv', 0n)).errorCode).toBe(0)
  })

  it('Metadata v0, GroupCoordinator v0, OffsetCommit v0-2 and OffsetFetch v0-1 round trip', async () => {
    const md = (await wire.request(3, 0, {topics: [{topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'old-in'}], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false})).body
    expect(md.brokers[0].port).toBe(b.port)
    expect(md.topics[0]).toMatchObject({errorCode: 0, name: 'old-in'})
    expect(md.topics[0].partitions[0]).toMatchObject({partitionIndex: 0, leaderId: 0})
    const fc = (await wire.request(10, 0, {key: 'old-group', keyType: 0, coordinatorKeys: []})).body
    expect(fc).toMatchObject({errorCode: 0, nodeId: 0, port: b.port})
    const commit = async (version: number, offset: bigint) =>
      (
        await wire.request(8, version, {
          groupId: 'old-group',
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1n,
          topics: [{name: 'old-in', partitions: [{partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: `m${version}`}]}],
        })
      ).body.topics[0].partitions[0].errorCode as number
    const fetchOffset = async (version: number) =>
      (await wire.request(9, version, {groupId: 'old-group', topics: [{name: 'old-in', partitionIndexes: [0]}], groups: [], requireStable: false})).body.topics[0].partitions[0] as {committedOffset: bigint; metadata: string; errorCode: number}
    for (const [version, offset] of [[0, 3n], [1, 5n], [2, 7n]] as const) {
      expect(await commit(version, offset)).toBe(0)
      for (const fv of [0, 1]) expect(await fetchOffset(fv)).toMatchObject({committedOffset: offset, metadata: `m${version}`, errorCode: 0})
    }
  })

  it('ListOffsets v0 answers old-style offsets', async () => {
    const v0 = async (timestamp: bigint, maxNumOffsets: number) =>
      (await wire.request(2, 0, {replicaId: -1, isolationLevel: 0, topics: [{name: 'offsets-v0', partitions: [{partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets}]}]})).body.topics[0].partitions[0]
        .oldStyleOffsets as bigint[]
    expect(await v0(-1n, 1)).toEqual([0n])
    expect(await v0(-2n, 1)).toEqual([0n])
    await produce(2, 'offsets-v0', encodeMessageSetSync({magic: 1, records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]}))
    expect(await v0(-1n, 1)).toEqual([3n])
    expect(await v0(-1n, 10)).toEqual([3n, 0n])
    expect(await v0(-2n, 10)).toEqual([0n])
    expect(await v0(-1n, 0)).toEqual([])
    // Before every segment was written: nothing; far in the future: the end and the segment start.
    expect(await v0(1000n, 10)).toEqual([])
    expect(await v0(BigInt(Date.now() + 3_600_000), 10)).toEqual([3n, 0n])
  })
})

/** A legacy wrapper message around arbitrary bytes (right CRC). */
function wrapper(magic: 0 | 1, codec: number, body: Buffer): Buffer {
  const size = (magic === 1 ? 22 : 14) + body.length
  const b = Buffer.alloc(12 + size)
  b.writeInt32BE(size, 8)
  let p = 16
  b[p++] = magic
  b[p++] = codec
  if (magic === 1) p += 8
  p = b.writeInt32BE(-1, p)
  p = b.writeInt32BE(body.length, p)
  body.copy(b, p)
  b.writeUInt32BE(crc32(b.subarray(16)) >>> 0, 12)
  return b
}
