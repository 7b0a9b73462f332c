// Dynamic broker configs end to end against the in-process broker (embedded ZooKeeper): kafkajs
// admin describe/alter on BROKER resources ("" = cluster default, "0" = this broker), Kafka's
// refusals and messages over the raw wire, IncrementalAlterConfigs, the ZooKeeper layout Kafka's
// tools read, precedence shown in topic synonyms, a default log.retention.ms really deleting old
// segments of a topic without an override, a change written straight into ZooKeeper picked up, and
// everything still in force after a restart.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import kafkajs from 'kafkajs'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {WireClient} from '../wire-client.js'
import {ZkClient} from '../../../src/broker/cluster/zk-client.js'
import {expireSession} from '../cluster/expire-session.js'
import {rmSync} from 'node:fs'

const {Kafka, logLevel, ConfigResourceTypes} = kafkajs
const BROKER = ConfigResourceTypes.BROKER
const TOPIC = ConfigResourceTypes.TOPIC
const INVALID_REQUEST = 42

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('dynamic broker configs', () => {
  let b: StartedBroker
  let kafka: InstanceType<typeof Kafka>
  let admin: ReturnType<InstanceType<typeof Kafka>['admin']>
  let wire: WireClient

  const props = {'log.segment.bytes': '1024', 'log.retention.check.interval.ms': '100', 'log.retention.hours': '100', 'num.io.threads': '8'}

  beforeAll(async () => {
    b = await startBroker(props)
    kafka = new Kafka({clientId: 'dyn', brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
    admin = kafka.admin()
    await admin.connect()
    wire = await WireClient.connect(b.port)
  })

  afterAll(async () => {
    wire?.socket.destroy()
    await admin?.disconnect()
    await b?.stop()
  })

  // kafkajs refuses an empty resource name: the cluster default ("") is described over the wire.
  const describeOne = async (type: number, name: string, configNames?: string[]): Promise<any[]> => {
    if (name === '') {
      const res = (await wire.request(32, 1, {resources: [{resourceType: type, resourceName: name, configurationKeys: configNames ?? null}], includeSynonyms: true})).body.results[0]
      expect(res.errorCode).toBe(0)
      return res.configs.map((c: any) => ({configName: c.name, configValue: c.value, configSource: c.configSource, readOnly: c.readOnly, configSynonyms: c.synonyms.map((s: any) => ({configName: s.name, configValue: s.value, configSource: s.source}))}))
    }
    const r = await admin.describeConfigs({includeSynonyms: true, resources: [{type, name, ...(configNames ? {configNames} : {})}]})
    return r.resources[0]!.configEntries
  }
  const alterDefault = async (configs: {name: string; value: string}[]) => expect(await alterWire('', configs)).toMatchObject({errorCode: 0})
  const alterWire = async (name: string, configs: {name: string; value: string | null}[], validateOnly = false) =>
    (await wire.request(33, 1, {resources: [{resourceType: BROKER, resourceName: name, configs}], validateOnly})).body.responses[0]
  const incremental = async (name: string, configs: {name: string; configOperation: number; value: string | null}[], validateOnly = false, resourceType = BROKER) =>
    (await wire.request(44, 1, {resources: [{resourceType, resourceName: name, configs}], validateOnly})).body.responses[0]

  it('alters the cluster-wide default and this broker, stored where Kafka stores them', async () => {
    expect(await describeOne(BROKER, '')).toEqual([])
    await alterDefault([{name: 'log.retention.ms', value: '3600000'}])
    const defaults = await describeOne(BROKER, '')
    expect(defaults).toHaveLength(1)
    expect(defaults[0]).toMatchObject({configName: 'log.retention.ms', configValue: '3600000', configSource: 3, readOnly: false})
    expect(defaults[0]!.configSynonyms.map((s: {configSource: number}) => s.configSource)).toEqual([3])

    const zk = b.broker.zookeeperSession!
    expect(await zk.getJson('/config/brokers/<default>')).toEqual({version: 1, config: {'log.retention.ms': '3600000'}})
    const changes = await zk.getChildren('/config/changes')
    const bodies = await Promise.all(changes.map((c) => zk.getJson<{entity_path: string; version: number}>(`/config/changes/${c}`)))
    expect(bodies).toContainEqual({version: 2, entity_path: 'brokers/<default>'})

    await admin.alterConfigs({validateOnly: false, resources: [{type: BROKER, name: '0', configEntries: [{name: 'log.retention.ms', value: '7200000'}, {name: 'num.io.threads', value: '12'}]}]})
    expect(await zk.getJson('/config/brokers/0')).toEqual({version: 1, config: {'log.retention.ms': '7200000', 'num.io.threads': '12'}})
    const own = await describeOne(BROKER, '0')
    const retention = own.find((e) => e.configName === 'log.retention.ms')!
    expect(retention).toMatchObject({configValue: '7200000', configSource: 2, readOnly: false})
    expect(retention.configSynonyms.map((s: {configName: string; configSource: number}) => `${s.configName}:${s.configSource}`)).toEqual(['log.retention.ms:2', 'log.retention.ms:3', 'log.retention.hours:4', 'log.retention.hours:5'])
    expect(own.find((e) => e.configName === 'num.io.threads')).toMatchObject({configValue: '12', configSource: 2, readOnly: false})
    expect(b.lines.some((l) => l.includes('Dynamic configs Set(num.io.threads) are stored and described, but change nothing'))).toBe(true)
    expect(own.find((e) => e.configName === 'num.partitions')).toMatchObject({readOnly: true, configSource: 5})
    expect(own.find((e) => e.configName === 'log.segment.bytes')).toMatchObject({readOnly: false, configSource: 4, configValue: '1024'})
  })

  it('shows the precedence in a topic\'s synonyms: override > broker > default > static > Kafka', async () => {
    await admin.createTopics({topics: [{topic: 'plain'}, {topic: 'overridden', configEntries: [{name: 'retention.ms', value: '60000'}]}]})
    const plain = (await describeOne(TOPIC, 'plain', ['retention.ms']))[0]!
    expect(plain).toMatchObject({configValue: '7200000', configSource: 2})
    expect(plain.configSynonyms.map((s: {configName: string; configValue: string; configSource: number}) => `${s.configName}=${s.configValue}:${s.configSource}`)).toEqual([
      'log.retention.ms=7200000:2',
      'log.retention.ms=3600000:3',
      'log.retention.hours=360000000:4',
      'log.retention.hours=604800000:5',
    ])
    // Kafka cuts the synonyms before the first broker key's own name: log.roll.hours (its default)
    // is not listed under segment.ms while log.roll.ms is set nowhere.
    const more = Object.fromEntries((await describeOne(TOPIC, 'plain', ['segment.ms', 'segment.bytes'])).map((e) => [e.configName, e]))
    expect(more['segment.ms']).toMatchObject({configValue: '604800000', configSource: 5, configSynonyms: []})
    expect(more['segment.bytes']!.configSynonyms.map((s: {configName: string; configValue: string; configSource: number}) => `${s.configName}=${s.configValue}:${s.configSource}`)).toEqual(['log.segment.bytes=1024:4', 'log.segment.bytes=1073741824:5'])
    const over = (await describeOne(TOPIC, 'overridden', ['retention.ms']))[0]!
    expect(over).toMatchObject({configValue: '60000', configSource: 1})
    expect(over.configSynonyms[1]).toMatchObject({configName: 'log.retention.ms', configSource: 2})
    // The logs see the value in force.
    expect(b.broker.context!.logs.configFor('plain').retentionMs).toBe(7200000)
    expect(b.broker.context!.logs.configFor('overridden').retentionMs).toBe(60000)
    // CreateTopics v5+ reports the new topic's configs with the same sources as DescribeConfigs.
    const created = (await wire.request(19, 5, {topics: [{name: 'created', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: true})).body.topics[0]
    expect(created.configs.find((c: {name: string}) => c.name === 'retention.ms')).toMatchObject({value: '7200000', configSource: 2})
  })

  it('refuses what Kafka refuses, with Kafka\'s messages', async () => {
    const res = "Invalid config value for resource ConfigResource(type=BROKER, name='')"
    expect(await alterWire('', [{name: 'num.partitions', value: '3'}, {name: 'log.retention.ms', value: '1'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: `${res}: Cannot update these configs dynamically: Set(num.partitions)`})
    expect(await alterWire('', [{name: 'listeners', value: 'PLAINTEXT://:9093'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: `${res}: Cannot update these configs at default cluster level, broker id must be specified: Set(listeners)`})
    expect(await alterWire('', [{name: 'log.retention.ms', value: 'soon'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: `${res}: Invalid value soon for configuration log.retention.ms: Not a number of type LONG`})
    expect(await alterWire('', [{name: 'log.segment.bytes', value: '5'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: `${res}: Invalid value 5 for configuration log.segment.bytes: Value must be at least 14`})
    expect(await alterWire('0', [{name: 'num.io.threads', value: '100'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: "Invalid config value for resource ConfigResource(type=BROKER, name='0'): Dynamic thread count update validation failed for num.io.threads=100, value should not be greater than double the current value 12"})
    expect(await alterWire('7', [{name: 'log.retention.ms', value: '1'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 0, but received 7'})
    expect(await alterWire('x', [{name: 'log.retention.ms', value: '1'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Broker id must be an integer, but it is: x'})
    await expect(admin.alterConfigs({validateOnly: false, resources: [{type: BROKER, name: '0', configEntries: [{name: 'zookeeper.connect', value: 'x'}]}]})).rejects.toThrow()
    // validateOnly: checked, not stored.
    expect(await alterWire('', [{name: 'log.retention.ms', value: '1000'}], true)).toMatchObject({errorCode: 0})
    expect((await describeOne(BROKER, ''))[0]).toMatchObject({configName: 'log.retention.ms', configValue: '3600000'})
    // Nothing refused was stored.
    expect(await b.broker.zookeeperSession!.getJson('/config/brokers/<default>')).toEqual({version: 1, config: {'log.retention.ms': '3600000'}})
  })

  it('APPEND and SUBTRACT on a topic work as on a broker: no duplicates, LIST keys only', async () => {
    await admin.createTopics({topics: [{topic: 'listy'}]})
    const topicOp = (configs: {name: string; configOperation: number; value: string | null}[]) => incremental('listy', configs, false, TOPIC)
    expect(await topicOp([{name: 'cleanup.policy', configOperation: 2, value: 'compact, delete'}])).toMatchObject({errorCode: 0})
    expect((await describeOne(TOPIC, 'listy')).find((e) => e.configName === 'cleanup.policy')).toMatchObject({configValue: 'delete,compact'})
    expect(await topicOp([{name: 'cleanup.policy', configOperation: 3, value: 'delete'}])).toMatchObject({errorCode: 0})
    expect((await describeOne(TOPIC, 'listy')).find((e) => e.configName === 'cleanup.policy')).toMatchObject({configValue: 'compact'})
    expect(await topicOp([{name: 'retention.ms', configOperation: 3, value: '1'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Config value subtract is not allowed for config key: retention.ms'})
  })

  it('applies IncrementalAlterConfigs SET, APPEND, SUBTRACT and DELETE at one level', async () => {
    const SET = 0
    const DELETE = 1
    const APPEND = 2
    const SUBTRACT = 3
    expect(await incremental('', [{name: 'log.cleanup.policy', configOperation: APPEND, value: 'compact'}, {name: 'compression.type', configOperation: SET, value: 'lz4'}])).toMatchObject({errorCode: 0})
    let defaults = await describeOne(BROKER, '')
    expect(Object.fromEntries(defaults.map((e) => [e.configName, e.configValue]))).toEqual({'log.retention.ms': '3600000', 'log.cleanup.policy': 'delete,compact', 'compression.type': 'lz4'})
    expect(b.broker.context!.logs.configFor('plain').compressionType).toBe('lz4')
    expect(await incremental('', [{name: 'log.cleanup.policy', configOperation: SUBTRACT, value: 'delete'}, {name: 'compression.type', configOperation: DELETE, value: null}])).toMatchObject({errorCode: 0})
    defaults = await describeOne(BROKER, '')
    expect(Object.fromEntries(defaults.map((e) => [e.configName, e.configValue]))).toEqual({'log.retention.ms': '3600000', 'log.cleanup.policy': 'compact'})
    expect(await incremental('', [{name: 'log.cleanup.policy', configOperation: DELETE, value: null}])).toMatchObject({errorCode: 0})
    expect(await incremental('', [{name: 'log.retention.ms', configOperation: APPEND, value: '1'}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Config value append is not allowed for config key: log.retention.ms'})
    expect(await incremental('', [{name: 'a.b', configOperation: SET, value: '1'}, {name: 'a.b', configOperation: DELETE, value: null}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Error due to duplicate config keys : a.b'})
    expect(await incremental('', [{name: 'log.retention.ms', configOperation: SET, value: null}])).toMatchObject({errorCode: INVALID_REQUEST, errorMessage: 'Null value not supported for : SET:log.retention.ms'})
    expect(b.broker.context!.logs.configFor('plain').compressionType).toBe('producer')
    // A custom key is kept, as Kafka keeps custom broker properties (plugins read them).
    expect(await incremental('', [{name: 'my.plugin.setting', configOperation: SET, value: 'x'}])).toMatchObject({errorCode: 0})
    expect((await describeOne(BROKER, '')).find((e) => e.configName === 'my.plugin.setting')).toMatchObject({configValue: 'x', configSource: 3, readOnly: true})
    expect(await incremental('', [{name: 'my.plugin.setting', configOperation: APPEND, value: 'y'}])).toMatchObject({errorCode: 40, errorMessage: 'Unknown topic config name: my.plugin.setting'})
    // AlterConfigs replaces the level's whole set: what it does not name is gone.
    await alterDefault([{name: 'log.retention.ms', value: '3600000'}])
    expect((await describeOne(BROKER, '')).map((e) => e.configName)).toEqual(['log.retention.ms'])
  })

  it('deletes old segments of a topic without an override once the default retention drops', async () => {
    // Only the cluster default decides from here: 4 h, then 1 h.
    expect(await incremental('0', [{name: 'log.retention.ms', configOperation: 1, value: null}])).toMatchObject({errorCode: 0})
    await alterDefault([{name: 'log.retention.ms', value: String(4 * 3600_000)}])
    await admin.createTopics({topics: [{topic: 'aged'}]})
    const producer = kafka.producer()
    await producer.connect()
    const old = String(Date.now() - 90 * 60_000)
    for (let i = 0; i < 12; i++) await producer.send({topic: 'aged', messages: [{value: 'x'.repeat(300), timestamp: old}]})
    await producer.disconnect()
    const low = async () => Number((await admin.fetchTopicOffsets('aged'))[0]!.low)
    await new Promise((r) => setTimeout(r, 300)) // a few retention passes at 4 h: nothing goes
    expect(await low()).toBe(0)
    expect(b.broker.context!.logs.getLog('aged', 0)!.config.retentionMs).toBe(4 * 3600_000)
    await alterDefault([{name: 'log.retention.ms', value: '3600000'}, {name: 'log.retention.bytes', value: '-1'}])
    expect(b.broker.context!.logs.getLog('aged', 0)!.config.retentionMs).toBe(3600_000)
    await waitFor(async () => (await low()) > 0)
  })

  it('survives what another tool garbles in ZooKeeper and still takes the next good change', async () => {
    const other = await ZkClient.connect(b.broker.zookeeperConnect!, 10_000, 10_000)
    try {
      await other.put('/config/brokers/0', '{not json')
      await other.create('/config/changes/config_change_', '{garbled', 'persistent_sequential')
      await other.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/0'}), 'persistent_sequential')
      await other.put('/config/brokers/<default>', JSON.stringify({version: 1, config: {'log.retention.ms': 3600000, 'log.roll.ms': 7200000}}))
      await other.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/<default>'}), 'persistent_sequential')
      // Numbers written where Kafka writes strings are taken as their text.
      await waitFor(async () => b.broker.context!.logs.getLog('plain', 0)!.config.segmentMs === 7200000)
      expect(b.lines.some((l) => l.includes('Ignoring /config/brokers/0: not JSON'))).toBe(true)
      // The per-broker values in force before the garbled write are kept.
      expect((await describeOne(BROKER, '0')).find((e) => e.configName === 'num.io.threads')).toMatchObject({configValue: '12', configSource: 2})
    } finally {
      await other.close()
    }
  })

  it('still picks up changes after its ZooKeeper session expired (watches installed again)', async () => {
    const session = b.broker.zookeeperSession!
    const old = session.sessionId
    const other = await ZkClient.connect(b.broker.zookeeperConnect!, 10_000, 10_000)
    try {
      await expireSession(b.broker.zookeeperConnect!, session)
      // Written while the broker may still be between sessions: the resync reads it, or the new watch fires.
      await other.put('/config/brokers/0', JSON.stringify({version: 1, config: {'num.io.threads': '12', 'log.segment.bytes': '4096'}}))
      await other.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/0'}), 'persistent_sequential')
      await waitFor(async () => b.broker.context!.logs.getLog('plain', 0)!.config.segmentBytes === 4096, 15_000)
      await waitFor(async () => session.sessionId !== old, 15_000)
      await session.whenReady()
      await other.put('/config/brokers/0', JSON.stringify({version: 1, config: {'num.io.threads': '12', 'log.segment.bytes': '8192'}}))
      await other.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/0'}), 'persistent_sequential')
      await waitFor(async () => b.broker.context!.logs.getLog('plain', 0)!.config.segmentBytes === 8192, 15_000)
    } finally {
      await other.close()
    }
  }, 40_000)

  it('picks up a change written straight into ZooKeeper, and keeps everything across a restart', async () => {
    const other = await ZkClient.connect(b.broker.zookeeperConnect!, 10_000, 10_000)
    try {
      await other.put('/config/brokers/<default>', JSON.stringify({version: 1, config: {'log.retention.ms': '3600000', 'log.retention.bytes': '-1', 'message.max.bytes': '2000000'}}))
      await other.create('/config/changes/config_change_', JSON.stringify({version: 2, entity_path: 'brokers/<default>'}), 'persistent_sequential')
    } finally {
      await other.close()
    }
    await waitFor(async () => b.broker.context!.logs.getLog('plain', 0)!.config.maxMessageBytes === 2000000)
    expect((await describeOne(TOPIC, 'plain', ['max.message.bytes']))[0]).toMatchObject({configValue: '2000000', configSource: 3})

    await admin.disconnect()
    wire.socket.destroy()
    const logDir = b.logDir
    await b.stop({keepLogDir: true})
    b = await startBroker({...props, 'log.dirs': logDir})
    try {
      kafka = new Kafka({clientId: 'dyn2', brokers: [b.bootstrap], logLevel: logLevel.NOTHING})
      admin = kafka.admin()
      await admin.connect()
      wire = await WireClient.connect(b.port)
      const defaults = await describeOne(BROKER, '')
      expect(Object.fromEntries(defaults.map((e) => [e.configName, e.configValue]))).toEqual({'log.retention.ms': '3600000', 'log.retention.bytes': '-1', 'message.max.bytes': '2000000'})
      expect((await describeOne(BROKER, '0')).find((e) => e.configName === 'num.io.threads')).toMatchObject({configValue: '12', configSource: 2})
      // In force for the logs opened at start-up.
      expect(b.broker.context!.logs.configFor('plain').maxMessageBytes).toBe(2000000)
      expect(b.broker.context!.logs.getLog('plain', 0)!.config.maxMessageBytes).toBe(2000000)
    } finally {
      await admin.disconnect()
      wire.socket.destroy()
      await b.stop()
      rmSync(logDir, {recursive: true, force: true})
      b = undefined as unknown as StartedBroker
    }
  })
})
