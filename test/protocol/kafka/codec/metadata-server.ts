// A tiny Kafka-speaking server built only from the codec: it answers ApiVersions, Metadata and
// Produce (enough for `kcat -L`, `kcat -P` and a Python client's topic listing) and records every request frame, so
// tests can check that real clients' requests decode and re-encode byte for byte and that real
// clients accept our responses. Not a broker: the broker lives in src/broker.
import net from 'node:net'
import {encodeResponseFrame, FrameDecoder, readRequestHeader} from '../../../../src/protocol/kafka/frame.js'
import {apiSpec} from '../../../../src/protocol/kafka/generated/index.js'
import {ErrorCode} from '../../../../src/protocol/kafka/generated/error-codes.js'

export interface CapturedFrame {
  apiKey: number
  version: number
  clientId: string | null
  /** The request frame without its size prefix. */
  frame: Buffer
}

export interface MetadataServer {
  port: number
  frames: CapturedFrame[]
  close(): Promise<void>
}

// Fetch is advertised (never answered) because librdkafka only writes v2 record batches to a
// broker that also has Fetch v4+.
const SERVED = [18, 3, 0, 1] // ApiVersions, Metadata, Produce, (Fetch)

export async function startMetadataServer(topics: {name: string; partitions: number}[]): Promise<MetadataServer> {
  const frames: CapturedFrame[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const splitter = new FrameDecoder()
    socket.on('data', (chunk) => {
      try {
        for (const frame of splitter.push(chunk)) {
          const out = answer(frame)
          if (out) socket.write(out)
        }
      } catch {
        socket.destroy()
      }
    })
  })

  let nextOffset = 0n
  const answer = (frame: Buffer): Buffer | null => {
    const {header, reader} = readRequestHeader(frame)
    const {requestApiKey: apiKey, requestApiVersion: version, correlationId} = header
    frames.push({apiKey, version, clientId: header.clientId, frame: Buffer.from(frame)})
    const spec = apiSpec(apiKey)
    if (apiKey === 18) {
      const supported = spec && version <= spec.maxVersion
      if (supported) spec.decodeRequest(reader, version)
      const apiKeys = SERVED.map((k) => ({apiKey: k, minVersion: apiSpec(k)!.minVersion, maxVersion: apiSpec(k)!.maxVersion}))
      // An ApiVersions request above our range gets a v0 answer with UNSUPPORTED_VERSION (KIP-511).
      const v = supported ? version : 0
      return encodeResponseFrame(18, v, correlationId, (w) =>
        spec!.encodeResponse(w, {errorCode: supported ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_VERSION, apiKeys}, v),
      )
    }
    if (apiKey === 3 && spec) {
      const req = spec.decodeRequest(reader, version) as {topics: {name: string | null}[] | null}
      const wanted = req.topics === null || req.topics.length === 0 ? topics : topics.filter((t) => req.topics!.some((r) => r.name === t.name))
      const port = (server.address() as net.AddressInfo).port
      const body = {
        brokers: [{nodeId: 1, host: '127.0.0.1', port, rack: null}],
        clusterId: 'ktool-codec-test',
        controllerId: 1,
        topics: wanted.map((t) => ({
          errorCode: 0,
          name: t.name,
          topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
          isInternal: false,
          partitions: [...Array(t.partitions).keys()].map((p) => ({errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: []})),
          topicAuthorizedOperations: -2147483648,
        })),
        clusterAuthorizedOperations: -2147483648,
      }
      return encodeResponseFrame(3, version, correlationId, (w) => spec.encodeResponse(w, body, version))
    }
    if (apiKey === 0 && spec) {
      const req = spec.decodeRequest(reader, version) as {acks: number; topicData: {name: string; partitionData: {index: number; records: Buffer | null}[]}[]}
      if (req.acks === 0) return null
      const responses = req.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          const baseOffset = nextOffset
          // records in a v2 batch: int32 at byte 57 of each batch; one batch per partition is enough here
          nextOffset += BigInt(p.records && p.records.length >= 61 ? p.records.readInt32BE(57) : 1)
          return {index: p.index, errorCode: 0, baseOffset, logAppendTimeMs: -1n, logStartOffset: 0n}
        }),
      }))
      return encodeResponseFrame(0, version, correlationId, (w) => spec.encodeResponse(w, {responses, throttleTimeMs: 0}, version))
    }
    throw new Error(`unexpected api key ${apiKey}`)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    frames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
