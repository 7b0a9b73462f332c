// The group coordinator starts once the listeners are up (start-up time). A client that connects
// the moment the port opens is served Metadata at once, and its group requests wait for the
// coordinator instead of failing.
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {KafkaBroker} from '../../../src/broker/server.js'
import {Logger} from '../../../src/common/logger.js'
import {WireClient} from '../wire-client.js'

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('group requests during start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
  let broker: KafkaBroker | undefined
  let started: Promise<void> | undefined
  afterAll(async () => {
    await started?.catch(() => undefined)
    await broker?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('are held until the coordinator has started, while Metadata is served', async () => {
    const port = await freePort()
    const lines: string[] = []
    broker = new KafkaBroker(new Map([['broker.id', '0'], ['listeners', `PLAINTEXT://127.0.0.1:${port}`], ['log.dirs', dir], ['ktool.zookeeper.port', '0'], ['offsets.topic.replication.factor', '1'], ['offsets.topic.num.partitions', '2']]), new Logger('test', (l) => void lines.push(l)))
    started = broker.start()
    let c: WireClient | undefined
    while (!c) c = await WireClient.connect(port).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 1)))
    const [metadata, groups, coordinator] = await Promise.all([
      c.request(3, 1, {topics: [], allowAutoTopicCreation: false}),
      c.request(16, 3, {}),
      c.request(10, 2, {key: 'g', keyType: 0}),
    ])
    await started
    expect(metadata.body.brokers[0]).toMatchObject({nodeId: 0, port})
    expect(groups.body).toMatchObject({errorCode: 0, groups: []})
    expect(coordinator.body).toMatchObject({errorCode: 0, nodeId: 0, port})
    expect(c.closed).toBe(false)
    c.close()
  })
})
