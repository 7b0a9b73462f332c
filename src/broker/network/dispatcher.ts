// Frame -> handler -> response buffers. Decodes the request header, picks the handler, decodes the
// body with the generated codec, and encodes what the handler returns with the response header
// version Kafka uses for that API and version.
//
// What Kafka does with requests it cannot serve, and so do we:
//   - ApiVersions at a version above the highest we know: a v0 response with UNSUPPORTED_VERSION and
//     the full list, so the client can retry at a version we speak (KIP-511).
//   - any other unknown API key or unsupported version: the connection is closed.
//   - a body that does not decode: the connection is closed (one log line).
import {Reader} from '../../protocol/kafka/reader.js'
import {Writer} from '../../protocol/kafka/writer.js'
import {ProtocolError} from '../../protocol/kafka/protocol-error.js'
import type {BrokerContext, ConnectionInfo, Handler, HandlerCodec, HandlerContext, RequestHeader} from '../handlers/context.js'
import {NO_RESPONSE, RawResponse} from '../handlers/context.js'
import type {HandlerRegistry} from '../handlers/registry.js'
import {FrameError, type Dispatcher} from './connection.js'

const API_VERSIONS = 18
const UNSUPPORTED_VERSION = 35

type Codec = HandlerCodec
// The generated API index imports every message module (~150 ms, ~15 MB): loaded only when a
// handler without its own codec is first used.
let index: Promise<(apiKey: number) => Codec | undefined> | undefined
function loadIndex(): Promise<(apiKey: number) => Codec | undefined> {
  index ??= import('../../protocol/kafka/generated/index.js').then((m) => m.apiSpec)
  return index
}

export class RequestDispatcher implements Dispatcher {
  constructor(
    private readonly broker: BrokerContext,
    private readonly registry: HandlerRegistry,
  ) {}

  dispatch(frame: Buffer, conn: ConnectionInfo): Promise<Buffer[] | null> | Buffer[] | null {
    if (frame.length < 8) throw new FrameError(`request of ${frame.length} bytes is shorter than a request header`)
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    const correlationId = frame.readInt32BE(4)
    const handler = this.registry.get(apiKey)
    if (apiKey === API_VERSIONS && handler && apiVersion > handler.maxVersion) {
      return [this.unsupportedApiVersions(correlationId)]
    }
    if (!handler) throw new FrameError(`unknown or unsupported API key ${apiKey} (version ${apiVersion})`)
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      throw new FrameError(`unsupported version ${apiVersion} of API key ${apiKey}; supported ${handler.minVersion}-${handler.maxVersion}`)
    }
    const spec = handler.codec ?? this.codecs.get(apiKey)
    if (spec) return this.run(handler, spec, frame, conn, apiKey, apiVersion, correlationId)
    return loadIndex().then((find) => {
      const found = find(apiKey)
      if (!found) throw new FrameError(`no codec for API key ${apiKey}`)
      this.codecs.set(apiKey, found)
      return this.run(handler, found, frame, conn, apiKey, apiVersion, correlationId)
    })
  }

  private readonly codecs = new Map<number, Codec>()

  private run(handler: Handler, spec: Codec, frame: Buffer, conn: ConnectionInfo, apiKey: number, apiVersion: number, correlationId: number): Promise<Buffer[] | null> | Buffer[] | null {
    const reader = new Reader(frame, 8)
    let header: RequestHeader
    let request: unknown
    try {
      // Request header v0 (ControlledShutdown v0 only) has no client id; v1 adds it; v2 adds tags.
      const clientId = apiKey === 7 && apiVersion === 0 ? null : reader.nullableString()
      const flexible = spec.requestFlexibleMin >= 0 && apiVersion >= spec.requestFlexibleMin
      if (flexible) reader.skipTaggedFields()
      header = {apiKey, apiVersion, correlationId, clientId}
      request = spec.decodeRequest(reader, apiVersion)
    } catch (error) {
      if (error instanceof ProtocolError || error instanceof RangeError) {
        throw new FrameError(`error reading ${spec.name} v${apiVersion} request (correlation id ${correlationId}): ${error.message}`)
      }
      throw error
    }

    const ctx: HandlerContext = {broker: this.broker, header, connection: conn}
    const result = handler.handle(ctx, request, apiVersion)
    if (result instanceof Promise) return result.then((value) => this.encode(spec, apiKey, apiVersion, correlationId, value))
    return this.encode(spec, apiKey, apiVersion, correlationId, result)
  }

  private encode(spec: Codec, apiKey: number, version: number, correlationId: number, value: unknown): Buffer[] | null {
    if (value === NO_RESPONSE) return null
    const flexibleHeader = apiKey !== API_VERSIONS && spec.responseFlexibleMin >= 0 && version >= spec.responseFlexibleMin
    const headerSize = flexibleHeader ? 5 : 4
    if (value instanceof RawResponse) {
      let size = headerSize
      for (const c of value.chunks) size += c.length
      return [responsePrefix(size, correlationId, flexibleHeader), ...value.chunks]
    }
    // Reserve the size prefix and header in the same buffer as the body: one write, no copy.
    const w = new Writer(1024)
    w.int32(0).int32(correlationId)
    if (flexibleHeader) w.uvarint(0)
    spec.encodeResponse(w, value as never, version)
    const out = w.finish()
    out.writeInt32BE(out.length - 4, 0)
    return [out]
  }

  /** ApiVersions v0 body: error UNSUPPORTED_VERSION and our versions, so the client can downgrade. */
  private unsupportedApiVersions(correlationId: number): Buffer {
    const versions = this.registry.versions()
    const w = new Writer(64 + versions.length * 6)
    w.int32(0).int32(correlationId).int16(UNSUPPORTED_VERSION).int32(versions.length)
    for (const v of versions) w.int16(v.apiKey).int16(v.minVersion).int16(v.maxVersion)
    const out = w.finish()
    out.writeInt32BE(out.length - 4, 0)
    return out
  }
}

function responsePrefix(size: number, correlationId: number, flexible: boolean): Buffer {
  const b = Buffer.allocUnsafe(flexible ? 9 : 8)
  b.writeInt32BE(size, 0)
  b.writeInt32BE(correlationId, 4)
  if (flexible) b[8] = 0
  return b
}
