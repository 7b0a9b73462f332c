// The connection layer with a raw client: pipelined requests answered in order even while a
// long-poll fetch waits; what Kafka does with oversized, malformed and unknown requests; idle
// connections; ApiVersions computed from the handlers.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {encodeRecordBatchSync} from '../../src/protocol/kafka/records/record-batch.js'
import {startBroker, type StartedBroker} from '../helpers/broker.js'
import {WireClient} from './wire-client.js'

describe('broker network layer', () => {
  let b: StartedBroker
  beforeAll(async () => {
    b = await startBroker({'socket.request.max.bytes': '200000', 'connections.max.idle.ms': '1500'})
  })
  afterAll(async () => {
    await b?.stop()
  })

  it('advertises exactly the registered handlers in ApiVersions', async () => {
    const c = await WireClient.connect(b.port)
    const r = await c.request(18, 3, {clientSoftwareName: 'wire', clientSoftwareVersion: '1'})
    expect(r.body.errorCode).toBe(0)
    const keys = new Map(r.body.apiKeys.map((k: any) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(keys.get(0)).toEqual([0, 11]) // v0-2 up-converted from magic 0/1
    expect(keys.get(1)).toEqual([0, 17]) // v0-3 down-converted to magic 0/1
    expect(keys.get(3)).toEqual([0, 12])
    expect(keys.get(18)).toEqual([0, 4])
    expect(keys.has(24)).toBe(false) // AddPartitionsToTxn: not implemented, not advertised
    c.close()
  })

  it('gives handlers that carry their own codec the same flexible versions as the generated index', async () => {
    const {API_SPECS} = await import('../../src/protocol/kafka/generated/index.js')
    const {loadHandlers} = await import('../../src/broker/handlers/registry.js')
    const registry = await loadHandlers()
    for (const {apiKey} of registry.versions()) {
      const codec = registry.get(apiKey)!.codec
      if (!codec) continue
      const spec = API_SPECS.find((s) => s.apiKey === apiKey)!
      expect([codec.name, codec.requestFlexibleMin, codec.responseFlexibleMin], `api ${apiKey}`).toEqual([spec.name, spec.requestFlexibleMin, spec.responseFlexibleMin])
    }
  })

  it('answers ApiVersions above its version with a v0 UNSUPPORTED_VERSION response listing versions', async () => {
    const c = await WireClient.connect(b.port)
    const {bytes} = c.frame(18, 3, {clientSoftwareName: 'x', clientSoftwareVersion: '1'})
    bytes.writeInt16BE(99, 6) // request api version
    const frame = await c.sendRaw(bytes)
    const r = c.decode<any>(18, 0, frame)
    expect(r.body.errorCode).toBe(35)
    expect(r.body.apiKeys.length).toBeGreaterThan(10)
    c.close()
  })

  it('closes the connection on an unknown API key, an unsupported version or a malformed body', async () => {
    for (const mutate of [
      (f: Buffer) => f.writeInt16BE(999, 4),
      (f: Buffer) => f.writeInt16BE(50, 6), // Metadata v50
      (f: Buffer) => f.writeInt32BE(f.length - 4 - 3, 0), // body truncated by 3 bytes
    ]) {
      const c = await WireClient.connect(b.port)
      const {bytes} = c.frame(3, 9, {topics: [{name: 'x', topicId: 'AAAAAAAAAAAAAAAAAAAAAA'}], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false})
      mutate(bytes)
      const truncated = bytes.subarray(0, 4 + bytes.readInt32BE(0))
      c.sendRaw(truncated).catch(() => undefined)
      expect(await c.whenClosed()).toBe(true)
    }
  })

  it('closes a connection whose request is larger than socket.request.max.bytes', async () => {
    const c = await WireClient.connect(b.port)
    const header = Buffer.alloc(4)
    header.writeInt32BE(300_000, 0)
    c.sendRaw(header, false)
    expect(await c.whenClosed()).toBe(true)
    expect(b.lines.some((l) => l.includes('Invalid receive (size = 300000 larger than 200000)'))).toBe(true)
  })

  it('answers pipelined requests in order while a long-poll fetch waits, and wakes it on append', async () => {
    const admin = await WireClient.connect(b.port)
    await admin.request(19, 5, {topics: [{name: 'pipe', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false})
    const topicId = (await admin.request(3, 12, {topics: [{name: 'pipe'}], allowAutoTopicCreation: false})).body.topics[0].topicId
    const c = await WireClient.connect(b.port)
    const fetch = c.frame(1, 13, {replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topicId, partitions: [{partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''})
    const meta = c.frame(3, 1, {topics: [{name: 'pipe'}]})
    const order: string[] = []
    const started = Date.now()
    const fetchDone = c.sendRaw(fetch.bytes).then((f) => (order.push('fetch'), c.decode<any>(1, 13, f)))
    const metaDone = c.sendRaw(meta.bytes).then((f) => (order.push('metadata'), c.decode<any>(3, 1, f)))
    await new Promise((r) => setTimeout(r, 200))
    expect(order).toEqual([])
    const records = encodeRecordBatchSync({records: [{value: 'hello'}]})
    const produced = await admin.request(0, 9, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'pipe', partitionData: [{index: 0, records}]}]})
    expect(produced.body.responses[0].partitionResponses[0].errorCode).toBe(0)
    const [f, m] = await Promise.all([fetchDone, metaDone])
    expect(order).toEqual(['fetch', 'metadata'])
    expect(Date.now() - started).toBeLessThan(3000)
    expect(f.correlationId).toBe(fetch.correlationId)
    expect(m.correlationId).toBe(meta.correlationId)
    const p = f.body.responses[0].partitions[0]
    expect(p.errorCode).toBe(0)
    expect(p.highWatermark).toBe(1n)
    expect(p.records.length).toBe(records.length)
    expect(f.body.sessionId).toBe(0)
    admin.close()
    c.close()
  })

  it('returns a long poll after max.wait.ms with no data', async () => {
    const c = await WireClient.connect(b.port)
    const started = Date.now()
    const r = await c.request(1, 11, {replicaId: -1, maxWaitMs: 300, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic: 'pipe', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 1n, logStartOffset: -1n, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''})
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(r.body.responses[0].partitions[0].records.length).toBe(0)
    c.close()
  })

  it('closes idle connections after connections.max.idle.ms', async () => {
    const c = await WireClient.connect(b.port)
    await c.request(18, 0, {})
    expect(await c.whenClosed(4000)).toBe(true)
  })

  it('survives random and mutated frames of every API and still serves a good client', async () => {
    const {API_SPECS} = await import('../../src/protocol/kafka/generated/index.js')
    let seed = 12345
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
    const before = process.memoryUsage().rss
    for (const spec of API_SPECS.filter((s) => s.apiKey <= 75)) {
      const c = await WireClient.connect(b.port)
      for (let i = 0; i < 6 && !c.closed; i++) {
        const version = spec.minVersion + Math.floor(rand() * (spec.maxVersion - spec.minVersion + 1))
        const len = 8 + Math.floor(rand() * 200)
        const frame = Buffer.alloc(4 + len)
        frame.writeInt32BE(len, 0)
        for (let j = 8; j < frame.length; j++) frame[j] = Math.floor(rand() * 256)
        frame.writeInt16BE(spec.apiKey, 4)
        frame.writeInt16BE(version, 6)
        // Some frames claim huge counts or strings right after the header.
        if (i % 3 === 1 && frame.length >= 20) frame.writeInt32BE(0x7ffffff0, 14)
        if (i % 3 === 2 && frame.length >= 20) frame.fill(0xff, 14, 20) // bad varints
        c.sendRaw(frame).catch(() => undefined)
        await new Promise((r) => setTimeout(r, 2))
      }
      c.close()
    }
    // Valid requests with one byte changed: they often decode, and reach the handlers.
    const records = encodeRecordBatchSync({records: [{key: 'k', value: 'v'}]})
    const valid: [number, number, unknown][] = [
      [0, 9, {transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{name: 'fuzz', partitionData: [{index: 0, records}]}]}],
      [1, 12, {replicaId: -1, maxWaitMs: 10, minBytes: 1, maxBytes: 1000, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic: 'fuzz', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1000}]}], forgottenTopicsData: [], rackId: ''}],
      [2, 7, {replicaId: -1, isolationLevel: 0, topics: [{name: 'fuzz', partitions: [{partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n}]}]}],
      [3, 9, {topics: [{name: 'fuzz'}], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: true}],
      [19, 5, {topics: [{name: 'fuzz2', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{name: 'retention.ms', value: '1000'}]}], timeoutMs: 1000, validateOnly: true}],
      [32, 4, {resources: [{resourceType: 2, resourceName: 'fuzz', configurationKeys: null}], includeSynonyms: true, includeDocumentation: false}],
      [23, 4, {replicaId: -1, topics: [{topic: 'fuzz', partitions: [{partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0}]}]}],
      [37, 3, {topics: [{name: 'fuzz', count: 2, assignments: null}], timeoutMs: 1000, validateOnly: true}],
      [22, 4, {transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1}],
    ]
    for (const [apiKey, version, body] of valid) {
      let c = await WireClient.connect(b.port)
      for (let i = 0; i < 25; i++) {
        if (c.closed) c = await WireClient.connect(b.port)
        const {bytes} = c.frame(apiKey, version, body)
        const at = 12 + Math.floor(rand() * (bytes.length - 12))
        bytes[at] = Math.floor(rand() * 256)
        // acks=0 or a huge max wait give no (timely) answer: move on after a while.
        const answered = await Promise.race([c.sendRaw(bytes).then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), 300))])
        if (!answered) c.close()
      }
      c.close()
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
    const crashes = b.lines.filter((l) => l.includes('Error processing request'))
    if (crashes.length) console.log(crashes.slice(0, 5).join('\n'))
    const good = await WireClient.connect(b.port)
    const r = await good.request(3, 12, {topics: null, allowAutoTopicCreation: false})
    expect(r.body.brokers[0].port).toBe(b.port)
    good.close()
  })
})
