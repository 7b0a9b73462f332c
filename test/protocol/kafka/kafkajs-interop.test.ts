// Frames produced by kafkajs's own protocol encoders (an implementation we did not write) decode
// with our codec, every byte consumed, and re-encode byte for byte; and responses we encode decode
// with kafkajs's response decoders to the values we put in.
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'
import {encodeRequestFrame, encodeResponseFrame, encodeResponseFrameChunks, FrameDecoder, readRequestHeader} from '../../../src/protocol/kafka/frame.js'
import {apiSpec} from '../../../src/protocol/kafka/generated/index.js'
import {Reader} from '../../../src/protocol/kafka/reader.js'
import {Writer} from '../../../src/protocol/kafka/writer.js'

const require = createRequire(import.meta.url)
const kafkajsRoot = require.resolve('kafkajs').replace(/index\.js$/, '')
const kjs = (p: string) => require(`${kafkajsRoot}src/protocol/${p}`)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
const encodeKafkajsRequest: (o: {correlationId: number; clientId: string; request: Any}) => Promise<{buffer: Buffer}> = kjs('request.js')

async function kafkajsFrame(api: string, version: number, args: Any): Promise<{frame: Buffer; apiKey: number}> {
  const {request} = kjs(`requests/${api}/index.js`).protocol({version})(args)
  const encoded = await encodeKafkajsRequest({correlationId: 4242 + version, clientId: 'kafkajs-test', request})
  return {frame: Buffer.from(encoded.buffer), apiKey: request.apiKey}
}

const topicData = [
  {topic: 'orders', partitions: [{partition: 0, messages: [{key: 'k1', value: 'v1', headers: {h: 'x'}}, {value: 'v2'}]}, {partition: 2, messages: [{value: Buffer.from([0, 1, 2])}]}]},
  {topic: 'ünïcødé', partitions: [{partition: 1, messages: [{key: null, value: null}]}]},
]
const fetchTopics = [
  {topic: 'orders', partitions: [{partition: 0, fetchOffset: '12345678901', maxBytes: 1048576}, {partition: 3, fetchOffset: '0', maxBytes: 10}]},
  {topic: 'b', partitions: []},
]
const groupProtocols = [{name: 'RoundRobinAssigner', metadata: Buffer.from('sub-meta')}, {name: 'other'}]

/** kafkajs request encoders: [directory, version, arguments]. */
const CASES: [string, number, Any][] = [
  ['produce', 0, {acks: 1, timeout: 30000, topicData}],
  ['produce', 3, {acks: -1, timeout: 30000, transactionalId: 'tx-1', producerId: 77, producerEpoch: 3, topicData}],
  ['produce', 7, {acks: -1, timeout: 1000, topicData}],
  ['fetch', 0, {maxWaitTime: 500, minBytes: 1, topics: fetchTopics}],
  ['fetch', 4, {maxWaitTime: 500, minBytes: 1, maxBytes: 52428800, topics: fetchTopics}],
  ['fetch', 7, {maxWaitTime: 500, minBytes: 1, maxBytes: 52428800, topics: fetchTopics, sessionId: 9, sessionEpoch: 2, forgottenTopics: [{topic: 'gone', partitions: [1, 2]}]}],
  ['fetch', 11, {replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 52428800, topics: fetchTopics, rackId: 'rack-a', forgottenTopics: [{topic: 'gone', partitions: [4]}]}],
  ['listOffsets', 0, {replicaId: -1, topics: [{topic: 'orders', partitions: [{partition: 0, timestamp: -2}]}]}],
  ['listOffsets', 2, {replicaId: -1, isolationLevel: 1, topics: [{topic: 'orders', partitions: [{partition: 0, timestamp: '1700000000000'}, {partition: 1}]}]}],
  ['listOffsets', 3, {replicaId: -1, isolationLevel: 0, topics: [{topic: 'orders', partitions: [{partition: 5, timestamp: -1}]}]}],
  ['metadata', 0, {topics: ['orders', 'b']}],
  ['metadata', 1, {topics: []}],
  // (kafkajs's writeNullableArray cannot write null itself)
  ['metadata', 4, {topics: ['a', 'b'], allowAutoTopicCreation: false}],
  ['metadata', 6, {topics: ['orders'], allowAutoTopicCreation: true}],
  ['offsetCommit', 0, {groupId: 'g', topics: [{topic: 'orders', partitions: [{partition: 0, offset: '42'}]}]}],
  ['offsetCommit', 2, {groupId: 'g', groupGenerationId: 3, memberId: 'm-1', retentionTime: -1, topics: [{topic: 'orders', partitions: [{partition: 0, offset: '42', metadata: 'meta'}]}]}],
  ['offsetCommit', 5, {groupId: 'g', groupGenerationId: 3, memberId: 'm-1', topics: [{topic: 'orders', partitions: [{partition: 0, offset: '42'}, {partition: 1, offset: '9007199254740993'}]}]}],
  ['offsetFetch', 1, {groupId: 'g', topics: [{topic: 'orders', partitions: [{partition: 0}, {partition: 1}]}]}],
  ['offsetFetch', 3, {groupId: 'g', topics: [{topic: 'orders', partitions: [{partition: 0}]}]}],
  ['offsetFetch', 4, {groupId: 'g', topics: []}],
  ['findCoordinator', 0, {groupId: 'g'}],
  ['findCoordinator', 1, {groupId: 'tx-1', coordinatorType: 1}],
  ['findCoordinator', 2, {groupId: 'g', coordinatorType: 0}],
  ['joinGroup', 0, {groupId: 'g', sessionTimeout: 30000, memberId: '', protocolType: 'consumer', groupProtocols}],
  ['joinGroup', 2, {groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: 'm-1', protocolType: 'consumer', groupProtocols}],
  ['joinGroup', 5, {groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: 'm-1', groupInstanceId: 'static-1', protocolType: 'consumer', groupProtocols}],
  ['heartbeat', 0, {groupId: 'g', groupGenerationId: 1, memberId: 'm-1'}],
  ['heartbeat', 3, {groupId: 'g', groupGenerationId: 1, memberId: 'm-1', groupInstanceId: null}],
  ['leaveGroup', 0, {groupId: 'g', memberId: 'm-1'}],
  ['leaveGroup', 3, {groupId: 'g', memberId: 'm-2', groupInstanceId: 'static-2'}],
  ['syncGroup', 0, {groupId: 'g', generationId: 1, memberId: 'm-1', groupAssignment: [{memberId: 'm-1', memberAssignment: Buffer.from('assign')}]}],
  ['syncGroup', 3, {groupId: 'g', generationId: 1, memberId: 'm-1', groupInstanceId: 'static-1', groupAssignment: []}],
  ['describeGroups', 0, {groupIds: ['g', 'h']}],
  ['describeGroups', 2, {groupIds: ['g']}],
  ['listGroups', 0, {}],
  ['listGroups', 2, {}],
  ['apiVersions', 0, {}],
  ['apiVersions', 1, {}],
  ['apiVersions', 2, {}],
  ['saslHandshake', 1, {mechanism: 'PLAIN'}],
  // kafkajs's SASL mechanisms hand over authBytes already length-prefixed (BYTES)
  ['saslAuthenticate', 1, {authBytes: Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('\0user\0pass')])}],
  ['createTopics', 0, {topics: [{topic: 'new', numPartitions: 3, replicationFactor: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}]}], timeout: 5000}],
  ['createTopics', 3, {topics: [{topic: 'new', replicaAssignment: [{partition: 0, replicas: [1, 2]}]}], validateOnly: true, timeout: 1000}],
  ['deleteTopics', 0, {topics: ['a', 'b'], timeout: 5000}],
  ['deleteTopics', 1, {topics: ['a'], timeout: 5000}],
  ['createPartitions', 0, {topicPartitions: [{topic: 'a', count: 4, assignments: [[1], [2]]}], timeout: 5000}],
  ['describeConfigs', 0, {resources: [{type: 2, name: 'orders', configNames: ['retention.ms']}]}],
  ['describeConfigs', 2, {resources: [{type: 4, name: '1', configNames: []}], includeSynonyms: true}],
  ['alterConfigs', 1, {resources: [{type: 2, name: 'orders', configEntries: [{name: 'retention.ms', value: '1000'}]}], validateOnly: false}],
  ['initProducerId', 0, {transactionalId: null, transactionTimeout: 60000}],
  ['initProducerId', 1, {transactionalId: 'tx-1', transactionTimeout: 60000}],
  ['addPartitionsToTxn', 1, {transactionalId: 'tx-1', producerId: '99', producerEpoch: 1, topics: [{topic: 'orders', partitions: [0, 1]}]}],
  ['addOffsetsToTxn', 1, {transactionalId: 'tx-1', producerId: '99', producerEpoch: 1, groupId: 'g'}],
  ['endTxn', 1, {transactionalId: 'tx-1', producerId: '99', producerEpoch: 1, transactionResult: true}],
  ['txnOffsetCommit', 1, {transactionalId: 'tx-1', groupId: 'g', producerId: '99', producerEpoch: 1, topics: [{topic: 'orders', partitions: [{partition: 0, offset: '5', metadata: null}]}]}],
  ['deleteGroups', 1, ['g', 'h']],
  ['deleteRecords', 1, {topics: [{topic: 'orders', partitions: [{partition: 0, offset: '10'}]}], timeout: 5000}],
  ['createAcls', 1, {creations: [{resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: 'User:bob', host: '*', operation: 3, permissionType: 3}]}],
  ['describeAcls', 1, {resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: null, host: null, operation: 1, permissionType: 1}],
  ['deleteAcls', 1, {filters: [{resourceType: 2, resourceName: null, resourcePatternType: 1, principal: 'User:bob', host: null, operation: 1, permissionType: 1}]}],
  ['alterPartitionReassignments', 0, {topics: [{topic: 'orders', partitionAssignment: [{partition: 0, replicas: [1, 2, 3]}]}], timeout: 5000}],
  ['listPartitionReassignments', 0, {topics: [{topic: 'orders', partitions: [0, 1]}], timeout: 5000}],
  ['listPartitionReassignments', 0, {topics: null}],
]

describe('requests encoded by kafkajs decode and re-encode byte for byte', () => {
  it.each(CASES.map((c, i) => [`${c[0]} v${c[1]}${CASES.findIndex((d) => d[0] === c[0] && d[1] === c[1]) === i ? '' : ` (#${i})`}`, ...c] as const))(
    '%s',
    async (_label, api, version, args) => {
      const {frame, apiKey} = await kafkajsFrame(api, version, args)
      // Split as a server would, from a stream cut into small chunks.
      const splitter = new FrameDecoder()
      const frames: Buffer[] = []
      for (let i = 0; i < frame.length; i += 7) frames.push(...splitter.push(frame.subarray(i, i + 7)))
      expect(frames).toHaveLength(1)
      const {header, headerVersion, reader} = readRequestHeader(frames[0])
      expect(header).toMatchObject({requestApiKey: apiKey, requestApiVersion: version, correlationId: 4242 + version, clientId: 'kafkajs-test'})
      const spec = apiSpec(apiKey)!
      const body = spec.decodeRequest(reader, version)
      expect(reader.remaining()).toBe(0)
      const again = encodeRequestFrame(apiKey, version, header.correlationId, header.clientId, (w) => spec.encodeRequest(w, body, version))
      expect(again.toString('hex')).toBe(frame.toString('hex'))
      expect(headerVersion).toBe(spec.requestFlexibleMin >= 0 && version >= spec.requestFlexibleMin ? 2 : 1)
    },
  )

  it('decodes the values kafkajs put in (Produce v3 and Fetch v11)', async () => {
    const {decodeProduceRequest} = await import('../../../src/protocol/kafka/generated/produce-request.js')
    const {decodeFetchRequest} = await import('../../../src/protocol/kafka/generated/fetch-request.js')
    const p = await kafkajsFrame('produce', 3, {acks: -1, timeout: 30000, transactionalId: 'tx-1', producerId: 77, producerEpoch: 3, topicData})
    const {reader} = readRequestHeader(p.frame.subarray(4))
    const produce = decodeProduceRequest(reader, 3)
    expect(produce.transactionalId).toBe('tx-1')
    expect(produce.acks).toBe(-1)
    expect(produce.topicData.map((t) => t.name)).toEqual(['orders', 'ünïcødé'])
    const records = produce.topicData[0].partitionData[0].records!
    // A record batch, magic 2, its length matching the field; a view of the frame, not a copy.
    expect(records.readInt8(16)).toBe(2)
    expect(records.readInt32BE(8) + 12).toBe(records.length)
    expect(records.buffer).toBe(p.frame.buffer)

    const f = await kafkajsFrame('fetch', 11, {replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 52428800, topics: fetchTopics, rackId: 'rack-a'})
    const fetch = decodeFetchRequest(readRequestHeader(f.frame.subarray(4)).reader, 11)
    expect(fetch).toMatchObject({replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: 'rack-a'})
    expect(fetch.topics[0].partitions[0]).toMatchObject({partition: 0, fetchOffset: 12345678901n, logStartOffset: -1n, partitionMaxBytes: 1048576, currentLeaderEpoch: -1})
  })
})

/** Our response frames, decoded by kafkajs's response decoders (what kafkajs sees from our broker). */
async function kafkajsDecodeResponse(api: string, version: number, apiKey: number, value: Any): Promise<Any> {
  const spec = apiSpec(apiKey)!
  const frame = encodeResponseFrame(apiKey, version, 7, (w) => spec.encodeResponse(w, value, version))
  // kafkajs reads the size and correlation id, then hands the rest to the version's decoder.
  const r = new Reader(frame)
  expect(r.int32()).toBe(frame.length - 4)
  expect(r.int32()).toBe(7)
  const {response} = kjs(`requests/${api}/index.js`).protocol({version})({topics: [], groupIds: [], resources: [], topicData: [], creations: [], filters: []})
  return response.decode(frame.subarray(8))
}

describe('responses we encode decode with kafkajs', () => {
  it('ApiVersions v0, v1, v2', async () => {
    for (const version of [0, 1, 2]) {
      const d = await kafkajsDecodeResponse('apiVersions', version, 18, {errorCode: 0, apiKeys: [{apiKey: 0, minVersion: 0, maxVersion: 9}, {apiKey: 18, minVersion: 0, maxVersion: 3}], throttleTimeMs: 5})
      expect(d.errorCode).toBe(0)
      expect(d.apiVersions).toEqual([{apiKey: 0, minVersion: 0, maxVersion: 9}, {apiKey: 18, minVersion: 0, maxVersion: 3}])
      if (version >= 1) expect(d.clientSideThrottleTime ?? d.throttleTime).toBe(5)
    }
  })

  it('Metadata v0 and v6', async () => {
    const value = {
      throttleTimeMs: 0,
      brokers: [{nodeId: 1, host: '127.0.0.1', port: 9092, rack: 'r1'}],
      clusterId: 'cluster-x',
      controllerId: 1,
      topics: [{errorCode: 0, name: 'orders', isInternal: false, partitions: [{errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: []}]}],
    }
    const v0 = await kafkajsDecodeResponse('metadata', 0, 3, value)
    expect(v0.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: 9092}])
    expect(v0.topicMetadata[0]).toMatchObject({topicErrorCode: 0, topic: 'orders', partitionMetadata: [{partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1]}]})
    const v6 = await kafkajsDecodeResponse('metadata', 6, 3, value)
    expect(v6).toMatchObject({clusterId: 'cluster-x', controllerId: 1, brokers: [{nodeId: 1, host: '127.0.0.1', port: 9092, rack: 'r1'}]})
    expect(v6.topicMetadata[0]).toMatchObject({topic: 'orders', isInternal: false, partitionMetadata: [{partitionId: 0, leader: 1, offlineReplicas: []}]})
  })

  it('Produce v3 and v7', async () => {
    for (const version of [3, 7]) {
      const d = await kafkajsDecodeResponse('produce', version, 0, {
        responses: [{name: 'orders', partitionResponses: [{index: 2, errorCode: 0, baseOffset: 41n, logAppendTimeMs: -1n, logStartOffset: 0n}]}],
        throttleTimeMs: 0,
      })
      expect(d.topics[0].topicName).toBe('orders')
      expect(d.topics[0].partitions[0]).toMatchObject({partition: 2, errorCode: 0, baseOffset: '41', logAppendTime: '-1'})
    }
  })

  it('Fetch v4 and v11 carry the record set through untouched', async () => {
    const {RecordBatch} = kjs('recordBatch/v0/index.js')
    const Record = kjs('recordBatch/record/v0/index.js')
    const batch = await RecordBatch({
      records: [Record({offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k'), value: Buffer.from('hello'), headers: {}})],
      firstOffset: '5',
      firstTimestamp: 1700000000000,
      maxTimestamp: 1700000000000,
      lastOffsetDelta: 0,
    })
    const records = Buffer.from(batch.buffer)
    for (const version of [4, 11]) {
      const d = await kafkajsDecodeResponse('fetch', version, 1, {
        throttleTimeMs: 0,
        responses: [{topic: 'orders', partitions: [{partitionIndex: 0, errorCode: 0, highWatermark: 6n, lastStableOffset: 6n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records}]}],
      })
      const p = d.responses[0].partitions[0]
      expect(d.responses[0].topicName).toBe('orders')
      expect(p).toMatchObject({partition: 0, errorCode: 0, highWatermark: '6'})
      expect(p.messages.map((m: Any) => [m.offset, m.key.toString(), m.value.toString()])).toEqual([['5', 'k', 'hello']])
    }
  })

  it('FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, ListOffsets', async () => {
    const fc = await kafkajsDecodeResponse('findCoordinator', 2, 10, {errorCode: 0, errorMessage: null, nodeId: 3, host: 'h', port: 9093})
    expect(fc).toMatchObject({errorCode: 0, coordinator: {nodeId: 3, host: 'h', port: 9093}})
    const jg = await kafkajsDecodeResponse('joinGroup', 5, 11, {
      errorCode: 0,
      generationId: 4,
      protocolName: 'RoundRobinAssigner',
      leader: 'm-1',
      memberId: 'm-1',
      members: [{memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from('meta')}],
    })
    expect(jg).toMatchObject({errorCode: 0, generationId: 4, groupProtocol: 'RoundRobinAssigner', leaderId: 'm-1', memberId: 'm-1'})
    expect(jg.members[0].memberMetadata.toString()).toBe('meta')
    const sg = await kafkajsDecodeResponse('syncGroup', 3, 14, {errorCode: 0, assignment: Buffer.from('assignment')})
    expect(sg.memberAssignment.toString()).toBe('assignment')
    const hb = await kafkajsDecodeResponse('heartbeat', 3, 12, {errorCode: 0})
    expect(hb.errorCode).toBe(0)
    const oc = await kafkajsDecodeResponse('offsetCommit', 5, 8, {topics: [{name: 'orders', partitions: [{partitionIndex: 0, errorCode: 0}]}]})
    expect(oc.responses[0]).toMatchObject({topic: 'orders', partitions: [{partition: 0, errorCode: 0}]})
    const of = await kafkajsDecodeResponse('offsetFetch', 4, 9, {
      errorCode: 0,
      topics: [{name: 'orders', partitions: [{partitionIndex: 0, committedOffset: 42n, metadata: '', errorCode: 0}]}],
    })
    expect(of.responses[0].partitions[0]).toMatchObject({partition: 0, offset: '42', errorCode: 0})
    const lo = await kafkajsDecodeResponse('listOffsets', 3, 2, {topics: [{name: 'orders', partitions: [{partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 17n}]}]})
    expect(lo.responses[0].partitions[0]).toMatchObject({partition: 0, errorCode: 0, offset: '17'})
  })

  it('CreateTopics v3 and DescribeConfigs v2', async () => {
    const ct = await kafkajsDecodeResponse('createTopics', 3, 19, {topics: [{name: 'new', errorCode: 0, errorMessage: null}]})
    expect(ct.topicErrors[0]).toMatchObject({topic: 'new', errorCode: 0})
    const dc = await kafkajsDecodeResponse('describeConfigs', 2, 32, {
      results: [{errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders', configs: [{name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false, synonyms: []}]}],
    })
    expect(dc.resources[0]).toMatchObject({resourceType: 2, resourceName: 'orders', configEntries: [{configName: 'retention.ms', configValue: '1000', readOnly: false, isSensitive: false}]})
  })
})

describe('frames', () => {
  it('spliced record sets: the log buffer itself goes out, and the bytes equal a copying encode', async () => {
    const {encodeFetchResponse, decodeFetchResponse} = await import('../../../src/protocol/kafka/generated/fetch-response.js')
    const records = Buffer.alloc(4096, 7)
    const small = Buffer.alloc(100, 3)
    const value = {responses: [{topic: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: [{partitionIndex: 0, records}, {partitionIndex: 1, records: small}, {partitionIndex: 2, records: null}]}]}
    for (const version of [4, 11, 12, 16]) {
      const w = new Writer()
      w.spliceMin = 1024
      const chunks = encodeResponseFrameChunks(1, version, 9, (x) => encodeFetchResponse(x, value, version), w)
      expect(chunks).toContain(records) // the very buffer, not a copy
      expect(chunks).not.toContain(small)
      const copied = encodeResponseFrame(1, version, 9, (x) => encodeFetchResponse(x, value, version))
      expect(Buffer.concat(chunks).toString('hex')).toBe(copied.toString('hex'))
      expect(copied.readInt32BE(0)).toBe(copied.length - 4)
      const r = new Reader(copied, version >= 12 ? 9 : 8)
      expect(decodeFetchResponse(r, version).responses[0].partitions[0].records).toEqual(records)
      expect(r.remaining()).toBe(0)
    }
  })

  it('a spliced buffer inside a tagged field is refused', () => {
    const w = new Writer()
    w.spliceMin = 1
    const m = w.beginSized()
    w.raw(Buffer.from([1, 2]))
    expect(() => w.endSized(m)).toThrow(/tagged/)
  })

  it('response headers: flexible responses carry tagged fields, ApiVersions never does', () => {
    const w = new Writer()
    const spec = apiSpec(18)!
    const f = encodeResponseFrame(18, 3, 1, (x) => spec.encodeResponse(x, {errorCode: 0, apiKeys: []}, 3), w)
    // size, correlation id, then straight into the body (error code int16 = 0)
    expect(f.subarray(4, 10).toString('hex')).toBe('000000010000')
    const meta = apiSpec(3)!
    const g = encodeResponseFrame(3, 12, 1, (x) => meta.encodeResponse(x, {}, 12))
    expect(g.subarray(4, 9).toString('hex')).toBe('0000000100')
  })
})
