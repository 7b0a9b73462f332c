// topics --zookeeper (the pre-3.0 path) against ktool's ZooKeeper with a ZooKeeper-mode broker
// beside it: what the tool writes there, the broker serves.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {ktool} from '../helpers/cli.js'
import {startZooKeeper, type StartedZooKeeper} from '../helpers/zookeeper.js'
import {waitFor} from '../helpers/wait.js'

let zk: StartedZooKeeper
let b: StartedBroker
const zkTopics = (...args: string[]) => ktool(['topics', '--zookeeper', zk.connectString, ...args])

beforeAll(async () => {
  zk = await startZooKeeper()
  b = await startBroker({'zookeeper.connect': zk.connectString, 'delete.topic.enable': 'true'})
})
afterAll(async () => {
  await b?.stop()
  await zk?.stop()
})

describe('topics --zookeeper', () => {
  it('creates, alters, lists, describes and deletes through the ZooKeeper layout', async () => {
    let r = await zkTopics('--create', '--topic', 'legacy', '--partitions', '2', '--replication-factor', '1', '--config', 'retention.ms=5000')
    expect(r).toMatchObject({status: 0, stdout: 'Created topic legacy.\n'})
    // The broker picks the topic up from ZooKeeper.
    await waitFor(async () => (await ktool(['topics', '--bootstrap-server', b.bootstrap, '--list'])).stdout.includes('legacy'), 15_000, 'the broker to serve the topic')
    r = await zkTopics('--alter', '--topic', 'legacy', '--partitions', '3')
    expect(r).toMatchObject({status: 0, stdout: 'WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\nAdding partitions succeeded!\n'})
    r = await zkTopics('--alter', '--topic', 'legacy', '--partitions', '2')
    expect(r).toMatchObject({status: 1, stdout: 'Error while executing topic command : The number of partitions for a topic can only be increased. Topic legacy currently has 3 partitions, 2 would not be an increase.\n'})
    await waitFor(async () => (await zkTopics('--describe', '--topic', 'legacy')).stdout.split('\n').filter(Boolean).length === 4, 15_000, 'three partitions with state')
    r = await zkTopics('--describe', '--topic', 'legacy')
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^Topic: legacy\t(TopicId: \S{22}\t)?PartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=5000$/)
    expect(lines[1]).toBe('\tTopic: legacy\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0')
    r = await zkTopics('--delete', '--topic', 'legacy')
    expect(r).toMatchObject({status: 0, stdout: 'Topic legacy is marked for deletion.\nNote: This will have no impact if delete.topic.enable is not set to true.\n'})
    await waitFor(async () => !(await zkTopics('--list')).stdout.includes('legacy'), 15_000, 'the broker to delete the topic')
  })

  it('fails clearly when ZooKeeper cannot be reached', async () => {
    const r = await ktool(['topics', '--zookeeper', '127.0.0.1:1', '--list'])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('Error while executing topic command : Timed out waiting for connection while in state: CONNECTING\n')
  })
})
