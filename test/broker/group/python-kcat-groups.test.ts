// Consumer groups driven by clients we did not write, each at the protocol versions it picks:
// kafka-python 2.0.2 (JoinGroup v0-v2, OffsetCommit v2, OffsetFetch v1) and kcat's balanced
// consumer (librdkafka 2.0.2). Each commits, stops, and a second run resumes at the commit.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {fileURLToPath} from 'node:url'
import kafkajs from 'kafkajs'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'

const run = promisify(execFile)
const script = fileURLToPath(new URL('./py/kafka_python_group.py', import.meta.url))

async function produce(bootstrap: string, topic: string, values: string[]): Promise<void> {
  const p = new kafkajs.Kafka({brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING}).producer()
  await p.connect()
  await p.send({topic, messages: values.map((value) => ({value}))})
  await p.disconnect()
}

async function committed(bootstrap: string, groupId: string, topic: string): Promise<number> {
  const admin = new kafkajs.Kafka({brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING}).admin()
  await admin.connect()
  try {
    const r = await admin.fetchOffsets({groupId, topics: [topic]})
    return r[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)
  } finally {
    await admin.disconnect()
  }
}

describe('consumer groups with other clients', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker({'group.min.session.timeout.ms': '500', 'group.initial.rebalance.delay.ms': '0'})
    const admin = new kafkajs.Kafka({brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING}).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'py', numPartitions: 2}, {topic: 'kc', numPartitions: 2}]})
    await admin.disconnect()
  })
  afterAll(async () => {
    await b?.stop()
  })

  it.skipIf(!requirePeers('python3-kafka'))('kafka-python commits and resumes at its committed offsets', async () => {
    await produce(b.bootstrap, 'py', Array.from({length: 20}, (_, i) => `a${i}`))
    const first = JSON.parse((await run(PYTHON, [script, b.bootstrap, 'py', 'py-group', '20'], {timeout: 60_000})).stdout.trim())
    expect(first.sort()).toEqual(Array.from({length: 20}, (_, i) => `a${i}`).sort())
    expect(await committed(b.bootstrap, 'py-group', 'py')).toBe(20)
    await produce(b.bootstrap, 'py', ['b0', 'b1', 'b2'])
    const second = JSON.parse((await run(PYTHON, [script, b.bootstrap, 'py', 'py-group', '3'], {timeout: 60_000})).stdout.trim())
    expect(second.sort()).toEqual(['b0', 'b1', 'b2'])
    expect(await committed(b.bootstrap, 'py-group', 'py')).toBe(23)
  }, 120_000)

  it.skipIf(!requirePeers('kcat'))('kcat -G consumes as a group member and commits', async () => {
    await produce(b.bootstrap, 'kc', Array.from({length: 10}, (_, i) => `k${i}`))
    const kcat = (n: number) => run('kcat', ['-b', b.bootstrap, '-G', 'kc-group', '-X', 'auto.offset.reset=earliest', '-c', String(n), '-q',
      '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', '-X', 'auto.commit.interval.ms=100', 'kc'], {timeout: 60_000})
    const first = (await kcat(10)).stdout.trim().split('\n')
    expect(first.sort()).toEqual(Array.from({length: 10}, (_, i) => `k${i}`).sort())
    expect(await committed(b.bootstrap, 'kc-group', 'kc')).toBe(10)
    await produce(b.bootstrap, 'kc', ['x0', 'x1'])
    const second = (await kcat(2)).stdout.trim().split('\n')
    expect(second.sort()).toEqual(['x0', 'x1'])
  }, 120_000)
})
