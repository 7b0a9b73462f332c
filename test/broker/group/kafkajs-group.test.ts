// kafkajs consumer groups against the in-process broker: a group of three rebalancing as members
// join and leave, the admin client's group operations, committed offsets surviving a restart.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import kafkajs from 'kafkajs'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {waitFor} from '../../helpers/wait.js'

const {Kafka, logLevel} = kafkajs
type Consumer = kafkajs.Consumer

// Small timeouts keep rebalances fast; the broker allows them.
const FAST = {'group.min.session.timeout.ms': '500', 'group.initial.rebalance.delay.ms': '0'}
const CONSUMER = {sessionTimeout: 3000, heartbeatInterval: 300, rebalanceTimeout: 5000, maxWaitTimeInMs: 100, retry: {retries: 10, initialRetryTime: 100}}

function client(bootstrap: string, clientId = 'ktool-test') {
  return new Kafka({clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 10, initialRetryTime: 100}})
}

/** Tracks a consumer's latest assignment as the GROUP_JOIN events report it. */
function track(consumer: Consumer) {
  const state = {partitions: [] as number[], generation: -1, joins: 0}
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.joins++
    state.generation = (e.payload as unknown as {generationId: number}).generationId
    state.partitions = Object.values(e.payload.memberAssignment).flat().sort((a, b) => a - b)
  })
  return state
}

describe('consumer groups with kafkajs', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker(FAST)
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('rebalances a group of three as members join and leave, each record consumed', async () => {
    const kafka = client(b.bootstrap)
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'rebal', numPartitions: 6}]})
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({topic: 'rebal', messages: Array.from({length: 60}, (_, i) => ({key: `k${i}`, value: `v${i}`}))})

    const seen = new Set<string>()
    const consumers: Consumer[] = []
    const states: ReturnType<typeof track>[] = []
    const start = async (name: string) => {
      const c = kafka.consumer({groupId: 'rebal-group', ...CONSUMER})
      const s = track(c)
      await c.connect()
      await c.subscribe({topic: 'rebal', fromBeginning: true})
      await c.run({eachMessage: async ({message}) => void seen.add(message.value!.toString())})
      consumers.push(c)
      states.push(s)
      return {c, s, name}
    }
    try {
      const a = await start('a')
      await waitFor(() => a.s.partitions.length === 6, 15_000, 'a to own all six partitions')
      await waitFor(() => seen.size === 60, 15_000, 'the first 60 records')

      const bb = await start('b')
      const cc = await start('c')
      await waitFor(() => [a, bb, cc].every((x) => x.s.partitions.length === 2) && new Set([a, bb, cc].map((x) => x.s.generation)).size === 1, 20_000, 'three members with two partitions each')
      const owned = [a, bb, cc].flatMap((x) => x.s.partitions).sort()
      expect(owned).toEqual([0, 1, 2, 3, 4, 5])

      const described = await admin.describeGroups(['rebal-group'])
      expect(described.groups[0]).toMatchObject({groupId: 'rebal-group', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner'})
      expect(described.groups[0].members).toHaveLength(3)
      expect(described.groups[0].members[0].clientHost).toBe('/127.0.0.1')

      await producer.send({topic: 'rebal', messages: Array.from({length: 30}, (_, i) => ({key: `k${i}`, value: `w${i}`}))})
      await waitFor(() => seen.size === 90, 15_000, 'the next 30 records')

      // c leaves: a and b take over its partitions.
      await cc.c.disconnect()
      consumers.splice(consumers.indexOf(cc.c), 1)
      await waitFor(() => a.s.partitions.length === 3 && bb.s.partitions.length === 3, 20_000, 'two members with three partitions each')
      expect([...a.s.partitions, ...bb.s.partitions].sort()).toEqual([0, 1, 2, 3, 4, 5])
      await producer.send({topic: 'rebal', messages: Array.from({length: 30}, (_, i) => ({key: `k${i}`, value: `x${i}`}))})
      await waitFor(() => seen.size === 120, 15_000, 'the last 30 records')

      const listed = await admin.listGroups()
      expect(listed.groups).toContainEqual({groupId: 'rebal-group', protocolType: 'consumer'})
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect()))
      await producer.disconnect()
      await admin.disconnect()
    }
  }, 90_000)

  it('supports the admin client: offsets, reset, delete', async () => {
    const kafka = client(b.bootstrap)
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({topics: [{topic: 'adm', numPartitions: 2}]})
      await admin.setOffsets({groupId: 'adm-group', topic: 'adm', partitions: [{partition: 0, offset: '5'}, {partition: 1, offset: '7'}]})
      const fetched = await admin.fetchOffsets({groupId: 'adm-group', topics: ['adm']})
      expect(fetched[0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([[0, '5'], [1, '7']])
      const described = await admin.describeGroups(['adm-group', 'no-such-group'])
      expect(described.groups.map((g) => g.state)).toEqual(['Empty', 'Dead'])
      await admin.deleteGroups(['adm-group'])
      const after = await admin.fetchOffsets({groupId: 'adm-group', topics: ['adm']})
      expect(after[0].partitions.map((p) => p.offset)).toEqual(['-1', '-1'])
      await expect(admin.deleteGroups(['adm-group'])).rejects.toThrow()
    } finally {
      await admin.disconnect()
    }
  })
})

describe('committed offsets across a broker restart', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ktool-'))
  afterAll(() => rmSync(logDir, {recursive: true, force: true}))

  it('resumes a group at its committed offsets after the broker restarts', async () => {
    let b = await startBroker({...FAST, 'log.dirs': logDir})
    try {
      let kafka = client(b.bootstrap)
      const admin = kafka.admin()
      await admin.connect()
      await admin.createTopics({topics: [{topic: 'durable', numPartitions: 3}]})
      const producer = kafka.producer()
      await producer.connect()
      await producer.send({topic: 'durable', messages: Array.from({length: 30}, (_, i) => ({key: `k${i}`, value: `a${i}`}))})
      await producer.disconnect()

      const first: string[] = []
      const c1 = kafka.consumer({groupId: 'durable-group', ...CONSUMER})
      await c1.connect()
      await c1.subscribe({topic: 'durable', fromBeginning: true})
      await c1.run({eachMessage: async ({message}) => void first.push(message.value!.toString())})
      await waitFor(() => first.length === 30, 15_000, 'the first 30 records')
      await c1.disconnect() // commits what it consumed
      const before = await admin.fetchOffsets({groupId: 'durable-group', topics: ['durable']})
      expect(before[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(30)
      // Five more the group has not consumed yet.
      const producer2 = kafka.producer()
      await producer2.connect()
      await producer2.send({topic: 'durable', messages: Array.from({length: 5}, (_, i) => ({key: `k${i}`, value: `b${i}`}))})
      await producer2.disconnect()
      await admin.disconnect()
      await b.stop({keepLogDir: true})

      b = await startBroker({...FAST, 'log.dirs': logDir})
      kafka = client(b.bootstrap)
      const admin2 = kafka.admin()
      await admin2.connect()
      await waitFor(async () => {
        const r = await admin2.fetchOffsets({groupId: 'durable-group', topics: ['durable']}).catch(() => null)
        return r !== null && r[0].partitions.reduce((n, p) => n + Number(p.offset), 0) === 30
      }, 15_000, 'the committed offsets after the restart')
      const listed = await admin2.listGroups()
      expect(listed.groups).toContainEqual({groupId: 'durable-group', protocolType: 'consumer'})
      expect((await admin2.describeGroups(['durable-group'])).groups[0].state).toBe('Empty')

      const second: string[] = []
      const c2 = kafka.consumer({groupId: 'durable-group', ...CONSUMER})
      await c2.connect()
      await c2.subscribe({topic: 'durable', fromBeginning: true})
      await c2.run({eachMessage: async ({message}) => void second.push(message.value!.toString())})
      await waitFor(() => second.length >= 5, 15_000, 'the 5 new records')
      await new Promise((r) => setTimeout(r, 300))
      expect(second.sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4'])
      await c2.disconnect()
      await admin2.disconnect()

      // What was committed after the restart survives the next one too.
      await b.stop({keepLogDir: true})
      b = await startBroker({...FAST, 'log.dirs': logDir})
      const admin3 = client(b.bootstrap).admin()
      await admin3.connect()
      const again = await admin3.fetchOffsets({groupId: 'durable-group', topics: ['durable']})
      expect(again[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(35)
      await admin3.disconnect()
    } finally {
      await b.stop({keepLogDir: true})
    }
  }, 60_000)
})
