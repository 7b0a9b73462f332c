// kafkajs 2.2.4 against the in-process broker: produce and consume with every codec, consumer
// groups, admin operations, the idempotent producer, offsets surviving a restart.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {registerKafkajsCodecs} from '../../src/protocol/kafka/records/kafkajs-codecs.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {waitFor} from '../helpers/wait.js'

const {Kafka, logLevel, CompressionTypes, ConfigResourceTypes} = kafkajs

registerKafkajsCodecs()

async function consumeN(kafka: InstanceType<typeof Kafka>, topic: string, n: number, groupId: string, fromBeginning = true): Promise<{key: string | null; value: string | null; partition: number; offset: string}[]> {
  const consumer = kafka.consumer({groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500})
  await consumer.connect()
  await consumer.subscribe({topic, fromBeginning})
  const got: {key: string | null; value: string | null; partition: number; offset: string}[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${got.length}/${n} messages`)), 20_000)
    consumer
      .run({
        eachMessage: async ({message, partition}) => {
          got.push({key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, partition, offset: message.offset})
          if (got.length >= n) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
      .catch(reject)
  })
  await consumer.disconnect()
  return got
}

describe('kafkajs against the broker', () => {
  let b: StartedBroker
  let kafka: InstanceType<typeof Kafka>
  beforeAll(async () => {
    b = await startBroker()
    kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 3}})
  })
  afterAll(async () => {
    await b?.stop()
  })

  for (const [name, codec] of Object.entries({none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD})) {
    it(`produces and consumes with ${name} compression`, async () => {
      const topic = `codec-${name}`
      const producer = kafka.producer({allowAutoTopicCreation: true})
      await producer.connect()
      const messages = Array.from({length: 200}, (_, i) => ({key: `k${i}`, value: `value ${i} `.repeat(5), headers: {h: `x${i}`}}))
      await producer.send({topic, compression: codec, messages: messages.slice(0, 100)})
      await producer.send({topic, compression: codec, messages: messages.slice(100)})
      await producer.disconnect()
      const got = await consumeN(kafka, topic, 200, `g-${name}`)
      expect(got.map((m) => m.value)).toEqual(messages.map((m) => m.value))
      expect(got.map((m) => m.offset)).toEqual(messages.map((_, i) => String(i)))
    })
  }

  it('creates, describes, alters and deletes topics with the admin client', async () => {
    const admin = kafka.admin()
    await admin.connect()
    expect(await admin.createTopics({topics: [{topic: 'adm', numPartitions: 3, configEntries: [{name: 'retention.ms', value: '3600000'}]}]})).toBe(true)
    expect(await admin.createTopics({topics: [{topic: 'adm', numPartitions: 3}]})).toBe(false)
    await expect(admin.createTopics({topics: [{topic: 'bad name!'}]})).rejects.toThrow()
    await expect(admin.createTopics({validateOnly: true, waitForLeaders: false, topics: [{topic: 'only-validated', numPartitions: 1}]})).resolves.toBeDefined()
    const meta = await admin.fetchTopicMetadata({topics: ['adm']})
    expect(meta.topics[0]!.partitions).toHaveLength(3)
    expect((await admin.listTopics()).includes('only-validated')).toBe(false)

    let configs = await admin.describeConfigs({includeSynonyms: true, resources: [{type: ConfigResourceTypes.TOPIC, name: 'adm'}]})
    const entries = configs.resources[0]!.configEntries
    const retention = entries.find((e) => e.configName === 'retention.ms')!
    expect(retention.configValue).toBe('3600000')
    expect(retention.configSource).toBe(1) // TOPIC_CONFIG
    expect(entries.find((e) => e.configName === 'cleanup.policy')!.configValue).toBe('delete')

    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'adm', configEntries: [{name: 'cleanup.policy', value: 'compact'}]}]})
    configs = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'adm'}]})
    const after = configs.resources[0]!.configEntries
    expect(after.find((e) => e.configName === 'cleanup.policy')!.configValue).toBe('compact')
    // AlterConfigs replaces the whole set: retention.ms is back to its default.
    expect(after.find((e) => e.configName === 'retention.ms')!.configValue).toBe('604800000')

    const broker = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.BROKER, name: '0'}]})
    expect(broker.resources[0]!.configEntries.find((e) => e.configName === 'broker.id')!.configValue).toBe('0')

    await admin.createPartitions({topicPartitions: [{topic: 'adm', count: 5}]})
    expect((await admin.fetchTopicMetadata({topics: ['adm']})).topics[0]!.partitions).toHaveLength(5)

    const cluster = await admin.describeCluster()
    expect(cluster.brokers).toEqual([{nodeId: 0, host: '127.0.0.1', port: b.port}])
    expect(cluster.clusterId).toBe(b.broker.clusterId)

    await admin.deleteTopics({topics: ['adm']})
    expect(await admin.listTopics()).not.toContain('adm')
    await admin.disconnect()
  })

  it('refuses acks=all below min.insync.replicas, and follows the topic config when it changes', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'isr2', configEntries: [{name: 'min.insync.replicas', value: '2'}]}]})
    const producer = kafka.producer({retry: {retries: 0}})
    await producer.connect()
    await expect(producer.send({topic: 'isr2', acks: -1, messages: [{value: 'x'}]})).rejects.toMatchObject({cause: {type: 'NOT_ENOUGH_REPLICAS'}})
    expect((await producer.send({topic: 'isr2', acks: 1, messages: [{value: 'y'}]}))[0]!.errorCode).toBe(0)
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.TOPIC, name: 'isr2', configEntries: [{name: 'min.insync.replicas', value: '1'}]}]})
    await waitFor(() => producer.send({topic: 'isr2', acks: -1, messages: [{value: 'z'}]}).then(() => true, () => false), 5000, 'acks=all accepted at min.insync.replicas=1')
    await producer.disconnect()
    await admin.disconnect()
  })

  it('lists offsets by time and deletes records', async () => {
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'times', numPartitions: 1}]})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'times', messages: [{value: 'a', timestamp: '1000'}, {value: 'b', timestamp: '2000'}]})
    await producer.send({topic: 'times', messages: [{value: 'c', timestamp: '3000'}]})
    await producer.disconnect()
    expect(await admin.fetchTopicOffsetsByTimestamp('times', 2500)).toEqual([{partition: 0, offset: '2'}])
    expect(await admin.fetchTopicOffsetsByTimestamp('times', 99999)).toEqual([{partition: 0, offset: '3'}])
    await admin.deleteTopicRecords({topic: 'times', partitions: [{partition: 0, offset: '2'}]})
    const offsets = await admin.fetchTopicOffsets('times')
    expect(offsets[0]).toMatchObject({partition: 0, low: '2', high: '3'})
    await admin.disconnect()
  })

  it('runs an idempotent producer', async () => {
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    for (let i = 0; i < 5; i++) await producer.send({topic: 'idem', acks: -1, messages: [{value: `m${i}`}, {value: `n${i}`}]})
    await producer.disconnect()
    const admin = kafka.admin()
    await admin.connect()
    expect((await admin.fetchTopicOffsets('idem'))[0]!.high).toBe('10')
    await admin.disconnect()
  })
})
