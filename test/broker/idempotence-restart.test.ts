// Idempotent producers at the wire level (duplicates over the last five batches, sequence gaps,
// fencing) and what survives a restart: topics, records, producer state, committed offsets.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {encodeRecordBatchSync} from '../../src/protocol/kafka/records/record-batch.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {WireClient} from './wire-client.js'

const {Kafka, logLevel} = kafkajs

function produce(c: WireClient, topic: string, producerId: bigint, epoch: number, baseSequence: number, n: number) {
  const records = encodeRecordBatchSync({producerId, producerEpoch: epoch, baseSequence, records: Array.from({length: n}, (_, i) => ({value: `s${baseSequence + i}`}))})
  return c.request<any>(0, 9, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records}]}]}).then((r) => r.body.responses[0].partitionResponses[0])
}

describe('idempotent producers and restarts', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ktool-'))
  let b: StartedBroker | undefined
  afterAll(async () => {
    await b?.stop()
    rmSync(logDir, {recursive: true, force: true})
  })

  it('checks sequences, answers duplicates with their offsets, and keeps state across a restart', async () => {
    b = await startBroker({'log.dirs': logDir})
    const c = await WireClient.connect(b.port)
    await c.request(19, 5, {topics: [{name: 'idem', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false})
    const init = (await c.request<any>(22, 4, {transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1})).body
    expect(init.errorCode).toBe(0)
    const pid: bigint = init.producerId
    expect(init.producerEpoch).toBe(0)

    expect(await produce(c, 'idem', pid, 0, 0, 3)).toMatchObject({errorCode: 0, baseOffset: 0n})
    expect(await produce(c, 'idem', pid, 0, 3, 2)).toMatchObject({errorCode: 0, baseOffset: 3n})
    // A resend of the first batch is a duplicate: its original offset, nothing appended.
    expect(await produce(c, 'idem', pid, 0, 0, 3)).toMatchObject({errorCode: 0, baseOffset: 0n})
    // A gap in the sequence.
    expect((await produce(c, 'idem', pid, 0, 9, 1)).errorCode).toBe(45)
    expect(await produce(c, 'idem', pid, 0, 5, 1)).toMatchObject({errorCode: 0, baseOffset: 5n})
    const hw = (await c.request<any>(2, 5, {replicaId: -1, isolationLevel: 0, topics: [{name: 'idem', partitions: [{partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n}]}]})).body
    expect(hw.topics[0].partitions[0].offset).toBe(6n)
    c.close()

    // Restart on the same log dir: the topic, its records and the producer's sequence state remain.
    await b.stop({keepLogDir: true})
    b = await startBroker({'log.dirs': logDir})
    const c2 = await WireClient.connect(b.port)
    expect(await produce(c2, 'idem', pid, 0, 3, 2)).toMatchObject({errorCode: 0, baseOffset: 3n})
    expect((await produce(c2, 'idem', pid, 0, 7, 1)).errorCode).toBe(45)
    expect(await produce(c2, 'idem', pid, 0, 6, 1)).toMatchObject({errorCode: 0, baseOffset: 6n})
    // A bumped epoch must start at sequence 0; an older epoch is fenced.
    expect((await produce(c2, 'idem', pid, 1, 5, 1)).errorCode).toBe(45)
    expect(await produce(c2, 'idem', pid, 1, 0, 1)).toMatchObject({errorCode: 0, baseOffset: 7n})
    expect((await produce(c2, 'idem', pid, 0, 7, 1)).errorCode).toBe(47)
    // A new producer id is never one handed out before the restart.
    const init2 = (await c2.request<any>(22, 4, {transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1})).body
    expect(init2.producerId).not.toBe(pid)
    c2.close()
  })

  it('keeps committed offsets across a restart (kafkajs consumer group)', async () => {
    const kafka = new Kafka({brokers: [b!.bootstrap], logLevel: logLevel.NOTHING})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'resume', messages: Array.from({length: 10}, (_, i) => ({value: `m${i}`}))})
    await producer.disconnect()
    const admin = kafka.admin()
    await admin.connect()
    await admin.setOffsets({groupId: 'resumers', topic: 'resume', partitions: [{partition: 0, offset: '7'}]})
    await admin.disconnect()

    await b!.stop({keepLogDir: true})
    b = await startBroker({'log.dirs': logDir})
    const kafka2 = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    const admin2 = kafka2.admin()
    await admin2.connect()
    expect(await admin2.listTopics()).toContain('resume')
    const committed = await admin2.fetchOffsets({groupId: 'resumers', topics: ['resume']})
    expect(committed[0]!.partitions[0]).toMatchObject({partition: 0, offset: '7'})
    await admin2.disconnect()
    const consumer = kafka2.consumer({groupId: 'resumers', maxWaitTimeInMs: 100})
    await consumer.connect()
    await consumer.subscribe({topic: 'resume'})
    const got: string[] = []
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`got ${got.join(',')}`)), 20_000)
      void consumer.run({
        eachMessage: async ({message}) => {
          got.push(message.value!.toString())
          if (got.length === 3) {
            clearTimeout(t)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    expect(got).toEqual(['m7', 'm8', 'm9'])
  })
})
