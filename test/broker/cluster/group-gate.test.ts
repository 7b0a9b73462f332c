// The broker opens its listeners as soon as it can answer Metadata (start-up time), before its
// logs and group coordinator are up. A client that connects the moment the port opens is served
// Metadata (auto-creating a topic), and its other requests (Produce to that topic, group
// requests) wait until the broker has started instead of failing.
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {KafkaBroker} from '../../../src/broker/server.js'
import {Logger} from '../../../src/common/logger.js'
import {encodeRecordBatch} from '../../../src/protocol/kafka/records/record-batch.js'
import {WireClient} from '../wire-client.js'

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('requests during start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
  let broker: KafkaBroker | undefined
  let started: Promise<void> | undefined
  afterAll(async () => {
    await started?.catch(() => undefined)
    await broker?.stop()
    rmSync(dir, {recursive: true, force: true})
  })

  it('Metadata is answered at once; Produce and group requests wait for the logs and the coordinator', async () => {
    const port = await freePort()
    const lines: string[] = []
    broker = new KafkaBroker(new Map([['broker.id', '0'], ['listeners', `PLAINTEXT://127.0.0.1:${port}`], ['log.dirs', dir], ['ktool.zookeeper.port', '0'], ['offsets.topic.replication.factor', '1'], ['offsets.topic.num.partitions', '2']]), new Logger('test', (l) => void lines.push(l)))
    const records = await encodeRecordBatch({records: [{value: Buffer.from('early')}]})
    started = broker.start()
    let c: WireClient | undefined
    while (!c) c = await WireClient.connect(port).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 1)))
    const metadata = await c.request(3, 4, {topics: [{name: 'early'}], allowAutoTopicCreation: true})
    const startedBefore = lines.some((l) => l.includes('] started'))
    const [produced, groups, coordinator] = await Promise.all([
      c.request(0, 7, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'early', partitionData: [{index: 0, records}]}]}),
      c.request(16, 3, {}),
      c.request(10, 2, {key: 'g', keyType: 0}),
    ])
    await started
    expect(metadata.body.brokers[0]).toMatchObject({nodeId: 0, port})
    expect(metadata.body.topics[0]).toMatchObject({name: 'early', errorCode: 0})
    expect(produced.body.responses[0].partitionResponses[0]).toMatchObject({index: 0, errorCode: 0, baseOffset: 0n})
    expect(groups.body).toMatchObject({errorCode: 0, groups: []})
    expect(coordinator.body).toMatchObject({errorCode: 0, nodeId: 0, port})
    expect(c.closed).toBe(false)
    expect(broker.context!.logs.getLog('early', 0)?.logEndOffset).toBe(1n)
    c.close()
    // Not a guarantee (timing), but the point of the exercise: Metadata came before "started".
    if (!startedBefore) console.warn('group-gate test: the broker had started before the first Metadata')
  })
})
