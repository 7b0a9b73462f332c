// Creating the broker's ephemeral nodes (/brokers/ids/<id>, /controller) against ktool's
// ZooKeeper server: a node still held by an earlier session of this process is waited out (it
// goes when ZooKeeper closes that session), one held by an unknown session is replaced, and one
// this session already holds is kept.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startZooKeeper, type StartedZooKeeper} from '../../helpers/zookeeper.js'
import {memoryLogger} from '../../../src/common/logger.js'
import {ZkClient} from '../../../src/broker/cluster/zk-client.js'
import {createEphemeral} from '../../../src/broker/cluster/coordination.js'

describe('createEphemeral', () => {
  let zk: StartedZooKeeper
  const clients: ZkClient[] = []
  const connect = async () => {
    const c = await ZkClient.connect(zk.connectString, 6000, 5000)
    clients.push(c)
    return c
  }
  beforeAll(async () => {
    zk = await startZooKeeper({tickTime: 500})
  })
  afterAll(async () => {
    for (const c of clients) await c.close()
    await zk?.stop()
  })

  it('waits out a node held by an earlier session of this process, then creates it', async () => {
    const old = await connect()
    await old.create('/b1', 'old', 'ephemeral')
    const current = await connect()
    current.previousSessions.push(old.sessionId)
    const {logger, lines} = memoryLogger()
    const created = createEphemeral(current, '/b1', 'new', logger, 6000)
    await new Promise((r) => setTimeout(r, 300))
    expect(lines.some((l) => l.includes('I wrote this conflicted ephemeral node [new] at /b1 a while back in a different session, hence I will backoff for this node to be deleted by Zookeeper and retry'))).toBe(true)
    expect((await current.getData('/b1')).data?.toString()).toBe('old') // still waiting
    await old.close() // ZooKeeper removes the old session's nodes
    await created
    const {data, stat} = await current.getData('/b1')
    expect([data?.toString(), stat.ephemeralOwner]).toEqual(['new', current.sessionId])
  })

  it('replaces a node held by an unknown session, and keeps one this session holds', async () => {
    const other = await connect()
    await other.create('/b2', 'other', 'ephemeral')
    const current = await connect()
    const {logger, lines} = memoryLogger()
    await createEphemeral(current, '/b2', 'mine', logger, 6000)
    expect(lines.some((l) => /WARN \/b2 already exists, owned by session 0x[0-9a-f]+ .*replacing it/.test(l))).toBe(true)
    expect((await current.stat('/b2'))?.ephemeralOwner).toBe(current.sessionId)
    await createEphemeral(current, '/b2', 'mine again', logger, 6000)
    expect((await current.getData('/b2')).data?.toString()).toBe('mine')
  })
})
