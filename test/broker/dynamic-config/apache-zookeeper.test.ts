// Interop: dynamic broker configs with zookeeper.connect pointing at Apache ZooKeeper 3.8. A per-broker
// change made with kafkajs lands in /config/brokers/<id> under the chroot; a cluster default
// written by zkCli.sh (a znode plus a change notification, as Kafka's AdminZkClient writes them) is
// picked up by the running broker and reaches its logs; a restarted broker loads both before its
// logs open.
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {rmSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {ZOOKEEPER_HOME, requirePeers} from '../../helpers/peers.js'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {waitFor} from '../../helpers/wait.js'
import {ZkClient} from '../../../src/broker/cluster/zk-client.js'
import {startApacheZk, type ApacheZk} from '../../interop/zookeeper-apache.js'

const {Kafka, logLevel, ConfigResourceTypes} = kafkajs

function zkCli(port: number, ...command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(join(ZOOKEEPER_HOME, 'bin/zkCli.sh'), ['-server', `127.0.0.1:${port}`, ...command], {timeout: 30_000}, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr.slice(-2000)}`))
      else resolve(stdout)
    })
  })
}

describe.skipIf(!requirePeers('zookeeper', 'zkCli', 'java'))('dynamic broker configs with Apache ZooKeeper 3.8', () => {
  let zk: ApacheZk
  let b: StartedBroker
  let client: ZkClient
  let connect: string
  beforeAll(async () => {
    zk = await startApacheZk()
    connect = `127.0.0.1:${zk.port}/kafka`
    b = await startBroker({'zookeeper.connect': connect, 'broker.id': '2'})
    client = await ZkClient.connect(connect, 10_000, 10_000)
  }, 60_000)
  afterAll(async () => {
    await client?.close()
    await b?.stop()
    await zk?.stop()
  })

  it('stores per-broker changes, picks up a default zkCli.sh wrote, and loads both after a restart', async () => {
    let kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    let admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'zk-dyn'}]})
    await admin.alterConfigs({validateOnly: false, resources: [{type: ConfigResourceTypes.BROKER, name: '2', configEntries: [{name: 'log.segment.bytes', value: '65536'}]}]})
    expect(await client.getJson('/config/brokers/2')).toEqual({version: 1, config: {'log.segment.bytes': '65536'}})
    await waitFor(() => b.broker.context!.logs.getLog('zk-dyn', 0)!.config.segmentBytes === 65536)

    await zkCli(zk.port, 'create', '/kafka/config/brokers/<default>', JSON.stringify({version: 1, config: {'log.retention.ms': '1234567'}}))
    await zkCli(zk.port, 'create', '-s', '/kafka/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/<default>'}))
    await waitFor(() => b.broker.context!.logs.getLog('zk-dyn', 0)!.config.retentionMs === 1234567)
    const topic = await admin.describeConfigs({includeSynonyms: true, resources: [{type: ConfigResourceTypes.TOPIC, name: 'zk-dyn', configNames: ['retention.ms', 'segment.bytes']}]})
    const entries = Object.fromEntries(topic.resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]))
    expect(entries).toEqual({'retention.ms': ['1234567', 3], 'segment.bytes': ['65536', 2]})
    await admin.disconnect()

    const logDir = b.logDir
    await b.stop({keepLogDir: true})
    b = await startBroker({'zookeeper.connect': connect, 'broker.id': '2', 'log.dirs': logDir})
    try {
      const log = b.broker.context!.logs.getLog('zk-dyn', 0)!
      expect([log.config.retentionMs, log.config.segmentBytes]).toEqual([1234567, 65536])
      kafka = new Kafka({brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
      admin = kafka.admin()
      await admin.connect()
      const own = await admin.describeConfigs({includeSynonyms: false, resources: [{type: ConfigResourceTypes.BROKER, name: '2', configNames: ['log.retention.ms', 'log.segment.bytes']}]})
      expect(Object.fromEntries(own.resources[0]!.configEntries.map((e) => [e.configName, [e.configValue, e.configSource]]))).toEqual({'log.retention.ms': ['1234567', 3], 'log.segment.bytes': ['65536', 2]})
      await admin.disconnect()
    } finally {
      await b.stop()
      rmSync(logDir, {recursive: true, force: true})
      b = undefined as unknown as StartedBroker
    }
  }, 60_000)
})
