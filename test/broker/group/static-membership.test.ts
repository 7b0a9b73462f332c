// Static membership (group.instance.id, KIP-345) with librdkafka through confluent_kafka: kafkajs
// has no static membership. A restarted static member gets its partitions back with no rebalance
// of the others, under a new member id.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {fileURLToPath} from 'node:url'
import kafkajs from 'kafkajs'
import {startBroker, type StartedBroker} from '../../helpers/broker.js'
import {PYTHON, requirePeers} from '../../helpers/peers.js'

const run = promisify(execFile)
const script = fileURLToPath(new URL('./py/static_member.py', import.meta.url))

describe.skipIf(!requirePeers('python3-confluent-kafka'))('static membership with librdkafka', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker({'group.min.session.timeout.ms': '500', 'group.initial.rebalance.delay.ms': '0'})
    const admin = new kafkajs.Kafka({brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING}).admin()
    await admin.connect()
    await admin.createTopics({topics: [{topic: 'static', numPartitions: 4}]})
    await admin.disconnect()
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('lets a restarted static member take its partitions back without a rebalance', async () => {
    const {stdout} = await run(PYTHON, [script, b.bootstrap, 'static'], {timeout: 60_000})
    const r = JSON.parse(stdout.trim().split('\n').pop()!)
    expect(r.ok).toEqual([true, true, true])
    expect(r.a2_parts).toEqual(r.a_parts)
    // The coordinator swapped the member id of instance "a" in place, with the group Stable.
    expect(b.lines.some((l) => /Static member with groupInstanceId=a and unknown member id joins group static-group in Stable state/.test(l))).toBe(true)
    // The other member saw nothing: no revoke, no new assignment.
    expect(r.after_restart.filter((e: [string]) => e[0] === 'b')).toEqual([])
    expect(r.b_parts).toHaveLength(2)
  }, 90_000)
})
