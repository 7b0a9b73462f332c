// kafka-python 2.0.2 pinned to old protocols against the in-process broker:
//   api_version (0, 9): Produce v1 / Fetch v1 with magic 0, Metadata v0, ListOffsets v0,
//     GroupCoordinator v0, JoinGroup v0, OffsetCommit v2, OffsetFetch v1.
//   api_version (0, 10, 1): Produce v2 / Fetch v3 with magic 1 (timestamps), ListOffsets v1, JoinGroup v1.
// Produce with each codec and consume back exactly through a consumer group that commits; records
// written by kafkajs (v2 batches, headers) read by the old consumer, and the other way round.
// snappy and lz4 need python3-snappy, python3-lz4 (and python3-xxhash for magic 0 lz4).
import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {registerKafkajsCodecs} from '../../../src/protocol/kafka/records/kafkajs-codecs.js'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {PYTHON, pythonHas, requirePeers} from '../../helpers/peers.js'

const {Kafka, logLevel, CompressionTypes} = kafkajs
registerKafkajsCodecs()

const SCRIPT = fileURLToPath(new URL('./py/old_client.py', import.meta.url))

interface Out {
  produced: number[]
  consumed: {offset: number; timestamp: number | null; key: string | null; value: string | null}[]
  committed: number | null
}

function run(args: string[], debug = false): Promise<Out & {requests: string[]}> {
  return new Promise((resolve, reject) => {
    const env = debug ? {...process.env, OLD_CLIENT_DEBUG: '1'} : process.env
    execFile(PYTHON, [SCRIPT, ...args], {timeout: 60_000, env, maxBuffer: 64 << 20}, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr.slice(-4000)}`))
      else resolve({...(JSON.parse(stdout) as Out), requests: [...new Set(stderr.match(/\b[A-Za-z]+Request_v\d+/g) ?? [])].sort()})
    })
  })
}

/** The requests (and versions) kafka-python sends when pinned to each api_version. */
const VERSIONS: Record<string, string[]> = {
  '0.9': ['FetchRequest_v1', 'GroupCoordinatorRequest_v0', 'JoinGroupRequest_v0', 'LeaveGroupRequest_v0', 'MetadataRequest_v0', 'OffsetCommitRequest_v2', 'OffsetFetchRequest_v1', 'OffsetRequest_v0', 'ProduceRequest_v1', 'SyncGroupRequest_v0'],
  '0.10.1': ['FetchRequest_v3', 'GroupCoordinatorRequest_v0', 'JoinGroupRequest_v1', 'LeaveGroupRequest_v0', 'MetadataRequest_v1', 'OffsetCommitRequest_v2', 'OffsetFetchRequest_v1', 'OffsetRequest_v1', 'ProduceRequest_v2', 'SyncGroupRequest_v0'],
}

/** What old_client.py sends for index i. */
const expected = (i: number, prefix = 'k') => ({key: i % 7 === 3 ? null : `${prefix}${i}`, value: i % 11 === 5 && i % 7 !== 3 ? null : `value ${i} ${'x'.repeat(i % 50)}`})

describe.skipIf(!requirePeers('python3-kafka'))('kafka-python with old api_version against the broker', () => {
  let b: StartedBroker
  let kafka: InstanceType<typeof Kafka>
  // Under KTOOL_REQUIRE_PEERS=1 a missing codec module fails here instead of narrowing the test.
  const allCodecs = requirePeers('python3-codecs')
  const snappy = allCodecs || pythonHas('snappy')
  const lz4 = allCodecs || pythonHas('lz4.frame')
  const xxhash = allCodecs || pythonHas('xxhash')
  beforeAll(async () => {
    b = await startBroker({'num.partitions': '1'})
    kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 3}})
  })
  afterAll(async () => {
    await b?.stop()
  })

  for (const api of ['0.9', '0.10.1']) {
    const codecs = ['none', 'gzip', ...(snappy ? ['snappy'] : []), ...(lz4 && (api !== '0.9' || xxhash) ? ['lz4'] : [])]
    it(`api_version ${api}: produce with ${codecs.join(', ')} and consume back exactly in a group that commits`, async () => {
      for (const codec of codecs) {
        const topic = `kp-${api.replace(/\./g, '')}-${codec}`
        const n = 300
        const out = await run([b.bootstrap, api, topic, 'both', codec, String(n), `g-${topic}`], codec === 'none')
        if (codec === 'none') for (const r of VERSIONS[api]!) expect(out.requests).toContain(r)
        expect(out.requests.filter((r) => r.startsWith('ApiVersion'))).toEqual([])
        expect(out.produced).toEqual(Array.from({length: n}, (_, i) => i))
        expect(out.consumed.map((m) => m.offset)).toEqual(Array.from({length: n}, (_, i) => i))
        expect(out.consumed.map((m) => ({key: m.key, value: m.value}))).toEqual(Array.from({length: n}, (_, i) => expected(i)))
        // Magic 0 has no timestamps (kafka-python: None); magic 1 keeps the producer's.
        expect(out.consumed.map((m) => m.timestamp)).toEqual(Array.from({length: n}, (_, i) => (api === '0.9' ? null : 1_700_000_000_000 + i)))
        expect(out.committed).toBe(n)
      }
    })

    it(`api_version ${api}: a restarted group member resumes at the committed offset`, async () => {
      const topic = `kp-resume-${api.replace(/\./g, '')}`
      const first = await run([b.bootstrap, api, topic, 'both', 'gzip', '20', 'resume'])
      expect(first.committed).toBe(20)
      const more = await run([b.bootstrap, api, topic, 'produce', 'none', '5', 'resume', 'r'])
      expect(more.produced).toEqual([20, 21, 22, 23, 24])
      const second = await run([b.bootstrap, api, topic, 'consume', 'none', '5', 'resume'])
      expect(second.consumed.map((m) => m.offset)).toEqual([20, 21, 22, 23, 24])
      expect(second.consumed.map((m) => m.key)).toEqual([0, 1, 2, 3, 4].map((i) => expected(i, 'r').key))
      expect(second.committed).toBe(25)
    })

    it(`api_version ${api}: reads what kafkajs wrote (v2 batches, every codec but zstd, headers)`, async () => {
      const topic = `kp-modern-${api.replace(/\./g, '')}`
      const producer = kafka.producer()
      await producer.connect()
      const sent: {key: string; value: string; timestamp: string}[] = []
      for (const [i, compression] of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4].entries()) {
        const messages = Array.from({length: 25}, (_, j) => ({key: `m${i}-${j}`, value: `modern ${i} ${j}`, timestamp: String(1_720_000_000_000 + i * 100 + j), headers: {trace: `t${j}`}}))
        await producer.send({topic, compression, messages})
        sent.push(...messages.map(({headers: _h, ...m}) => m))
      }
      await producer.disconnect()
      const out = await run([b.bootstrap, api, topic, 'consume', 'none', String(sent.length), `g-${topic}`])
      expect(out.consumed.map((m) => [m.key, m.value])).toEqual(sent.map((s) => [s.key, s.value]))
      expect(out.consumed.map((m) => m.timestamp)).toEqual(sent.map((s) => (api === '0.9' ? null : Number(s.timestamp))))
      expect(out.committed).toBe(sent.length)
    })

    it(`api_version ${api}: what it writes is read by kafkajs`, async () => {
      const topic = `kp-to-modern-${api.replace(/\./g, '')}`
      const out = await run([b.bootstrap, api, topic, 'produce', 'gzip', '50', 'unused'])
      expect(out.produced.length).toBe(50)
      const consumer = kafka.consumer({groupId: `kjs-${topic}`, maxWaitTimeInMs: 100})
      await consumer.connect()
      await consumer.subscribe({topic, fromBeginning: true})
      const seen: {key: string | null; value: string | null; timestamp: string}[] = []
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out with ${seen.length}`)), 20_000)
        void consumer.run({
          eachMessage: async ({message}) => {
            seen.push({key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: message.timestamp})
            if (seen.length === 50) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
      })
      await consumer.disconnect()
      expect(seen).toEqual(Array.from({length: 50}, (_, i) => ({...expected(i), timestamp: api === '0.9' ? '-1' : String(1_700_000_000_000 + i)})))
    })
  }
})
