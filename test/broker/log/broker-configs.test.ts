// The log's append-time configs end to end, with kafkajs (in process) against the in-process
// broker: compression.type (also altered at run time; dump-log shows the stored codec),
// LogAppendTime, the CreateTime bounds (INVALID_TIMESTAMP), DescribeConfigs; and an idempotent
// kafkajs producer that keeps producing after its last batch was compacted away and the broker
// restarted.
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {registerKafkajsCodecs} from '../../../src/protocol/kafka/records/kafkajs-codecs.js'
import {dumpLog} from '../../../src/tools/dump-log.js'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {tempDir, removeDir} from './helpers.js'

const {Kafka, logLevel, CompressionTypes, ConfigResourceTypes} = kafkajs
type KafkaClient = InstanceType<typeof Kafka>

registerKafkajsCodecs()

async function consumeAll(kafka: KafkaClient, topic: string, n: number): Promise<{key: string | null; value: string | null; offset: string; timestamp: string}[]> {
  const consumer = kafka.consumer({groupId: `g-${topic}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500})
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning: true})
  const got: {key: string | null; value: string | null; offset: string; timestamp: string}[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${got.length}/${n} messages`)), 20_000)
      consumer
        .run({
          eachMessage: async ({message}) => {
            got.push({key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, offset: message.offset, timestamp: message.timestamp})
            if (got.length >= n) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
  } finally {
    await consumer.disconnect()
  }
  return got
}

/** `ktool dump-log` of the partition's first segment, in process: the batch lines. */
async function dumpBatches(b: StartedBroker, topic: string): Promise<string[]> {
  const lines: string[] = []
  const status = await dumpLog({files: [path.join(b.logDir, `${topic}-0`, '00000000000000000000.log')]}, {out: (l) => void lines.push(l), err: (l) => void lines.push(`ERR ${l}`)})
  expect(status).toBe(0)
  return lines.filter((l) => l.startsWith('baseOffset:'))
}

const codecOf = (line: string): string => /compresscodec: (\w+)/.exec(line)![1]!

describe('append-time topic configs through kafkajs', () => {
  let b: StartedBroker
  let kafka: KafkaClient
  beforeAll(async () => {
    b = await startBroker()
    kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 2}})
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('compression.type recompresses what producers send, and follows AlterConfigs at run time', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'recompressed', numPartitions: 1, configEntries: [{name: 'compression.type', value: 'zstd'}]}]})
    const producer = kafka.producer()
    await producer.connect()
    const messages = (from: number) => Array.from({length: 20}, (_, i) => ({key: `k${from + i}`, value: `value ${from + i} `.repeat(8), headers: {h: `x${from + i}`}}))
    await producer.send({topic: 'recompressed', compression: CompressionTypes.GZIP, messages: messages(0)})
    await producer.send({topic: 'recompressed', compression: CompressionTypes.None, messages: messages(20)})
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'recompressed', configEntries: [{name: 'compression.type', value: 'lz4'}]}]})
    const described = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'recompressed', configNames: ['compression.type']}]})
    expect(described.resources[0]!.configEntries.find((c) => c.configName === 'compression.type')!.configValue).toBe('lz4')
    await producer.send({topic: 'recompressed', compression: CompressionTypes.Snappy, messages: messages(40)})
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'recompressed', configEntries: [{name: 'compression.type', value: 'producer'}]}]})
    await producer.send({topic: 'recompressed', compression: CompressionTypes.GZIP, messages: messages(60)})
    await producer.disconnect()
    await admin.disconnect()

    const batches = await dumpBatches(b, 'recompressed')
    expect(batches.map(codecOf)).toEqual(['zstd', 'zstd', 'lz4', 'gzip'])
    expect(batches.every((l) => l.includes('isvalid: true'))).toBe(true)
    expect(batches.map((l) => /baseOffset: (\d+) lastOffset: (\d+) count: (\d+)/.exec(l)!.slice(1).join('-'))).toEqual(['0-19-20', '20-39-20', '40-59-20', '60-79-20'])
    const got = await consumeAll(kafka, 'recompressed', 80)
    expect(got.map((m) => [m.offset, m.key, m.value])).toEqual([...messages(0), ...messages(20), ...messages(40), ...messages(60)].map((m, i) => [String(i), m.key, m.value]))
  })

  it('message.timestamp.type=LogAppendTime: the broker time replaces the producer timestamps', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'append-time', numPartitions: 1, configEntries: [{name: 'message.timestamp.type', value: 'LogAppendTime'}]}]})
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    const before = Date.now()
    const [meta] = await producer.send({topic: 'append-time', messages: [{value: 'a', timestamp: '1000'}, {value: 'b', timestamp: '2000'}]})
    const after = Date.now()
    await producer.disconnect()
    const appendTime = Number(meta!.logAppendTime)
    expect(appendTime).toBeGreaterThanOrEqual(before)
    expect(appendTime).toBeLessThanOrEqual(after)
    const got = await consumeAll(kafka, 'append-time', 2)
    expect(got.map((m) => Number(m.timestamp))).toEqual([appendTime, appendTime])
    const [line] = await dumpBatches(b, 'append-time')
    expect(line).toContain(`LogAppendTime: ${appendTime}`)
  })

  it('message.timestamp.before/after.max.ms refuse out-of-range CreateTime records with INVALID_TIMESTAMP', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'bounded', numPartitions: 1, configEntries: [{name: 'message.timestamp.before.max.ms', value: '60000'}, {name: 'message.timestamp.after.max.ms', value: '60000'}]}]})
    const described = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'bounded', configNames: ['message.timestamp.before.max.ms', 'message.timestamp.after.max.ms', 'message.timestamp.difference.max.ms']}]})
    expect(Object.fromEntries(described.resources[0]!.configEntries.map((c) => [c.configName, c.configValue]))).toEqual({
      'message.timestamp.before.max.ms': '60000',
      'message.timestamp.after.max.ms': '60000',
      'message.timestamp.difference.max.ms': '9223372036854775807',
    })
    await admin.disconnect()
    const producer = kafka.producer({retry: {retries: 0}})
    await producer.connect()
    try {
      for (const ts of [Date.now() - 3_600_000, Date.now() + 3_600_000]) {
        const error = await producer.send({topic: 'bounded', acks: -1, messages: [{value: 'ok', timestamp: String(Date.now())}, {value: 'bad', timestamp: String(ts)}]}).then(() => null, (e: unknown) => e as {type?: string; cause?: {type?: string}})
        expect(error?.type ?? error?.cause?.type).toBe('INVALID_TIMESTAMP')
      }
      await producer.send({topic: 'bounded', messages: [{value: 'fine', timestamp: String(Date.now() - 1000)}]})
    } finally {
      await producer.disconnect()
    }
    // Nothing of the refused sends was written.
    const got = await consumeAll(kafka, 'bounded', 1)
    expect(got.map((m) => [m.offset, m.value])).toEqual([['0', 'fine']])
    expect(b.broker.context!.logs.getLog('bounded', 0)!.logEndOffset).toBe(1n)
  })
})

describe('an idempotent kafkajs producer across compaction and a restart', () => {
  const logDir = tempDir()
  let b: StartedBroker | undefined
  afterAll(async () => {
    await b?.stop()
    removeDir(logDir)
  })

  it('continues its sequence after its last batch was cleaned away, and producer state is rebuilt', async () => {
    b = await startBroker({'log.dirs': logDir, 'log.cleaner.backoff.ms': '3600000'})
    const port = b.port
    const kafka = new Kafka({brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: {retries: 1, initialRetryTime: 100}})
    const admin = kafka.admin()
    await admin.connect()
    // About 230 bytes a batch: four batches a segment.
    await admin.createTopics({topics: [{topic: 'compacted', numPartitions: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}, {name: 'segment.bytes', value: '1000'}, {name: 'min.cleanable.dirty.ratio', value: '0.01'}]}]})
    await admin.disconnect()
    const idem = kafka.producer({idempotent: true, maxInFlightRequests: 1})
    const plain = kafka.producer()
    await idem.connect()
    await plain.connect()
    const value = (s: string) => `${s}-${'v'.repeat(150)}`
    await idem.send({topic: 'compacted', acks: -1, messages: [{key: 'a', value: value('a0')}]})
    await idem.send({topic: 'compacted', acks: -1, messages: [{key: 'b', value: value('b0')}]})
    // Another producer supersedes the idempotent producer's last record (key b).
    await plain.send({topic: 'compacted', messages: [{key: 'b', value: value('b1')}]})
    for (let i = 0; i < 6; i++) await plain.send({topic: 'compacted', messages: [{key: `z${i}`, value: value(`z${i}`)}]})
    await plain.disconnect()

    const log = b.broker.context!.logs.getLog('compacted', 0)!
    expect(log.numSegments).toBeGreaterThanOrEqual(2)
    expect(log.allSegments[0]!.nextOffset).toBeGreaterThan(3n)
    await b.broker.context!.logs.runCleaner()
    const kept = [...log.batchHeaders()].map((e) => e.header).filter((h) => h.producerId >= 0n)
    // The batch with key b (sequence 1) lost its record but not its place in the producer's history.
    expect(kept.map((h) => [h.baseSequence, h.recordsCount])).toEqual([[0, 1], [1, 0]])

    // Restart on the same port and log dir; the producer stays connected and goes on at sequence 2.
    await b.stop({keepLogDir: true})
    b = await startBroker({'log.dirs': logDir, listeners: `PLAINTEXT://127.0.0.1:${port}`, 'log.cleaner.backoff.ms': '3600000'})
    const [meta] = await idem.send({topic: 'compacted', acks: -1, messages: [{key: 'c', value: value('c0')}]})
    expect(meta!.errorCode).toBe(0)
    await idem.disconnect()
    const state = b.broker.context!.producers.get('compacted-0', () => {
      throw new Error('producer state should have been rebuilt by the append')
    })
    const entries = [...state.producers.values()]
    expect(entries).toHaveLength(1)
    expect(entries[0]!.batches.map((x) => [x.firstSeq, x.lastSeq])).toEqual([[0, 0], [1, 1], [2, 2]])
  })
})
