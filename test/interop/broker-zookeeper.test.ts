// The broker with zookeeper.connect pointing at Apache ZooKeeper 3.8: Kafka's layout is written,
// and a topic written into ZooKeeper by another tool (as kafka-topics --zookeeper does) is picked
// up and served.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {requirePeers} from '../helpers/peers.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {waitFor} from '../helpers/wait.js'
import {ZkClient} from '../../src/broker/cluster/zk-client.js'
import {startApacheZk, type ApacheZk} from './zookeeper-apache.js'
import {expireSession} from '../broker/cluster/expire-session.js'

const {Kafka, logLevel} = kafkajs

describe.skipIf(!requirePeers('zookeeper', 'java'))('broker with zookeeper.connect = Apache ZooKeeper 3.8', () => {
  let zk: ApacheZk
  let b: StartedBroker
  let client: ZkClient
  beforeAll(async () => {
    zk = await startApacheZk()
    b = await startBroker({'zookeeper.connect': `127.0.0.1:${zk.port}/kafka`, 'broker.id': '3'})
    client = await ZkClient.connect(`127.0.0.1:${zk.port}/kafka`, 10_000, 10_000)
  }, 60_000)
  afterAll(async () => {
    client?.close()
    await b?.stop()
    await zk?.stop()
  })

  it('registers itself and keeps Kafka\'s layout under the chroot', async () => {
    const reg = await client.getJson<{endpoints: string[]; port: number; version: number}>('/brokers/ids/3')
    expect(reg).toMatchObject({endpoints: [`PLAINTEXT://127.0.0.1:${b.port}`], port: b.port, version: 5})
    expect((await client.getJson<{brokerid: number}>('/controller'))?.brokerid).toBe(3)
    expect((await client.getJson<{id: string}>('/cluster/id'))?.id).toBe(b.broker.clusterId)

    const kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'zk-made', numPartitions: 2, configEntries: [{name: 'cleanup.policy', value: 'compact'}]}]})
    await admin.disconnect()
    const t = await client.getJson<{partitions: Record<string, number[]>; topic_id: string}>('/brokers/topics/zk-made')
    expect(t?.partitions).toEqual({0: [3], 1: [3]})
    expect(t?.topic_id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(await client.getJson('/brokers/topics/zk-made/partitions/1/state')).toMatchObject({leader: 3, isr: [3], leader_epoch: 0})
    expect(await client.getJson('/config/topics/zk-made')).toEqual({version: 1, config: {'cleanup.policy': 'compact'}})
  })

  it('serves a topic another tool wrote into ZooKeeper, and deletes one marked under /admin/delete_topics', async () => {
    await client.put('/config/topics/from-tool', JSON.stringify({version: 1, config: {}}))
    await client.create('/brokers/topics/from-tool', JSON.stringify({version: 1, partitions: {0: [3], 1: [3], 2: [3]}}))
    await waitFor(() => b.broker.context!.metadata.topic('from-tool') !== undefined, 10_000, 'topic picked up')
    const kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'from-tool', messages: [{value: 'a', partition: 2}]})
    await producer.disconnect()
    const t = await client.getJson<{topic_id?: string}>('/brokers/topics/from-tool')
    expect(t?.topic_id).toBeDefined() // the controller assigns a topic id, as Kafka's does

    await client.create('/admin/delete_topics/from-tool', null)
    await waitFor(() => b.broker.context!.metadata.topic('from-tool') === undefined, 10_000, 'topic deleted')
    expect(await client.exists('/brokers/topics/from-tool')).toBe(false)
  })
  it('after a session expiry, registers again, re-elects itself and keeps serving', async () => {
    const session = b.broker.zookeeperSession!
    const old = session.sessionId
    await expireSession(`127.0.0.1:${zk.port}/kafka`, session)
    await waitFor(async () => session.sessionId !== old && (await client.stat('/brokers/ids/3'))?.ephemeralOwner === session.sessionId, 20_000, 're-registration')
    await session.whenReady()
    expect((await client.getJson<{brokerid: number}>('/controller'))?.brokerid).toBe(3)
    expect(b.lines.join('\n')).toMatch(/Unable to reconnect to ZooKeeper service, session 0x[0-9a-f]+ has expired/)
    const kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'zk-after-expiry', messages: [{value: 'x'}]})
    await producer.disconnect()
    expect(await client.exists('/brokers/topics/zk-after-expiry')).toBe(true)
  })
})
