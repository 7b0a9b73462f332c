// The broker rides out a ZooKeeper restart within its session timeout (same session, watches
// re-armed), and survives a session expiry as Kafka does: a new session, /brokers/ids/<id>
// created again, a controller election with a new epoch, watches installed again (a topic made by
// another tool after the expiry is picked up), and clients still served. The session is expired
// for real, against ktool's ZooKeeper server: a second connection resumes it with its id and
// password and closes it.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {waitFor} from '../helpers/wait.js'
import {ZooKeeperClient} from '../../src/protocol/zookeeper/client/index.js'
import {expireSession} from './cluster/expire-session.js'

const {Kafka, logLevel} = kafkajs

describe('broker: ZooKeeper session expiry', () => {
  let zk: StartedZooKeeper
  let b: StartedBroker
  let watcher: ZooKeeperClient
  beforeAll(async () => {
    zk = await startZooKeeper({tickTime: 500})
    b = await startBroker({'zookeeper.connect': `${zk.connectString}/kafka`, 'broker.id': '7', 'zookeeper.session.timeout.ms': '6000'})
    watcher = new ZooKeeperClient(`${zk.connectString}/kafka`, {sessionTimeoutMs: 6000})
    await watcher.connect()
  }, 60_000)
  afterAll(async () => {
    await watcher?.close()
    await b?.stop()
    await zk?.stop()
  })

  it('registers again, re-elects itself, re-installs watches and keeps serving', async () => {
    const session = b.broker.zookeeperSession!
    const before = await watcher.getData('/brokers/ids/7')
    expect(before.stat.ephemeralOwner).toBe(session.sessionId)
    const epochBefore = Number((await watcher.getData('/controller_epoch')).data!.toString())
    const oldSession = session.sessionId

    await expireSession(`${zk.connectString}/kafka`, session)
    await waitFor(() => b.lines.some((l) => l.includes('Session expired.')), 10_000, 'the expiry log line')
    await waitFor(async () => (await watcher.exists('/brokers/ids/7'))?.ephemeralOwner === session.sessionId && session.sessionId !== oldSession, 15_000, '/brokers/ids/7 from the new session')
    await session.whenReady()

    const reg = JSON.parse((await watcher.getData('/brokers/ids/7')).data!.toString())
    expect(reg).toMatchObject({endpoints: [`PLAINTEXT://127.0.0.1:${b.port}`], port: b.port, version: 5})
    await waitFor(async () => (await watcher.exists('/controller'))?.ephemeralOwner === session.sessionId, 10_000, '/controller from the new session')
    expect(JSON.parse((await watcher.getData('/controller')).data!.toString()).brokerid).toBe(7)
    expect(Number((await watcher.getData('/controller_epoch')).data!.toString())).toBe(epochBefore + 1)
    expect(b.broker.context!.metadata.controllerEpoch).toBe(epochBefore + 1)

    const text = b.lines.join('\n')
    expect(text).toMatch(/WARN .*Unable to reconnect to ZooKeeper service, session 0x[0-9a-f]+ has expired/)
    expect(text).toMatch(/\[Controller id=7\] Resigned/)
    expect(text).toMatch(/\[ZooKeeperClient Kafka server\] Initializing a new session to .*\/kafka\./)
    expect(text.match(/Registered broker 7 at path \/brokers\/ids\/7/g)).toHaveLength(2)
    expect(text).toContain(`7 successfully elected as the controller. Epoch incremented to ${epochBefore + 1}`)

    // Watches are back: a topic written by another tool is picked up.
    await watcher.create('/brokers/topics/after-expiry', JSON.stringify({version: 1, partitions: {0: [7]}}))
    await waitFor(() => b.broker.context!.metadata.topic('after-expiry') !== undefined, 10_000, 'topic picked up after expiry')

    // And clients are served: Metadata (auto-create writes to ZooKeeper), Produce, Fetch.
    const kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'after-expiry', messages: [{value: 'one'}]})
    await producer.send({topic: 'auto-after-expiry', messages: [{value: 'two'}]})
    await producer.disconnect()
    expect(await watcher.exists('/brokers/topics/auto-after-expiry')).not.toBeNull()
    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets('after-expiry')
    await admin.disconnect()
    expect(offsets[0]!.high).toBe('1')
  })

  it('survives a second expiry too', async () => {
    const session = b.broker.zookeeperSession!
    const first = session.sessionId
    await expireSession(`${zk.connectString}/kafka`, session)
    await waitFor(async () => session.sessionId !== first && (await watcher.exists('/brokers/ids/7'))?.ephemeralOwner === session.sessionId, 15_000, 're-registration')
    await session.whenReady()
    expect(b.lines.filter((l) => l.includes('Session expired.'))).toHaveLength(2)
  })

  it('rides out a ZooKeeper restart within the session timeout: same session, same registration', async () => {
    const session = b.broker.zookeeperSession!
    const id = session.sessionId
    const port = zk.port
    const dataDir = zk.dataDir
    const reconnects = () => b.lines.filter((l) => l.includes('Session establishment complete on server')).length
    const before = reconnects()
    await zk.stop({keepData: true})
    const restarted = await startZooKeeper({tickTime: 500, clientPort: port, dataDir})
    try {
      await waitFor(() => reconnects() === before + 1, 15_000, 'the reconnect')
      expect(session.sessionId).toBe(id)
      expect((await session.stat('/brokers/ids/7'))?.ephemeralOwner).toBe(id)
      // Watches were re-armed on the new connection: a topic written now is picked up.
      await session.create('/brokers/topics/after-restart', JSON.stringify({version: 1, partitions: {0: [7]}}))
      await waitFor(() => b.broker.context!.metadata.topic('after-restart') !== undefined, 10_000, 'topic picked up after the restart')
    } finally {
      zk = restarted
    }
  })
})
