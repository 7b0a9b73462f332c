// The contract between the broker's network layer and the handlers (one file per API key in this
// folder, `NN-kebab-name.ts`, each default-exporting a Handler). The registry discovers them and
// ApiVersions is computed from their [minVersion, maxVersion]; a handler advertises exactly the
// versions it implements.
//
// Requests arrive decoded by the generated codec (`apiSpec(apiKey).decodeRequest`), and the value a
// handler returns is encoded with `encodeResponse` for the same version, so handlers only deal in
// typed values. Two escape hatches:
//   - NO_RESPONSE: the request gets no response at all (Produce with acks=0).
//   - RawResponse: the handler has encoded the body itself as a list of buffers, so large record
//     sets go to the socket as the same bytes the log returned (Fetch), with no copy.
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import type {BrokerConfig} from '../config.js'
import type {MetadataView} from '../cluster/metadata.js'
import type {LogManager} from '../log/index.js'
import type {GroupCoordinator} from '../group/coordinator.js'

export type {BrokerConfig} from '../config.js'
export type {MetadataView} from '../cluster/metadata.js'

/** The request header (v0..v2), as decoded by the network layer. */
export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/** Who sent the request. One per TCP connection; `id` is unique for the broker's lifetime. */
export interface ConnectionInfo {
  id: number
  listenerName: string
  remoteAddress: string
  remotePort: number
  localAddress: string
  localPort: number
  /** Aborted when the connection closes: waits (long-poll fetch, acks=all) give up and free their state. */
  signal: AbortSignal
}

/** What every handler can reach: the owners of broker state. Handlers stay thin and call these. */
export interface BrokerContext {
  readonly config: BrokerConfig
  readonly clock: Clock
  readonly logger: Logger
  /** Cluster id, brokers (advertised endpoints), controller, topics with partition leaders/ISR. */
  readonly metadata: MetadataView
  /** Per-partition logs (src/broker/log). */
  readonly logs: LogManager
  /** The group coordinator (src/broker/group/coordinator.ts), backed by __consumer_offsets. */
  readonly groups: GroupCoordinator
}

export interface HandlerContext {
  readonly broker: BrokerContext
  readonly header: RequestHeader
  readonly connection: ConnectionInfo
}

/** Return this from a handler to send nothing back (Produce acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('ktool.no-response')
export type NoResponse = typeof NO_RESPONSE

/** A response body the handler encoded itself (without the response header), as buffers to writev. */
export class RawResponse {
  constructor(readonly chunks: Buffer[]) {}
}

/**
 * The codec of a handler's API. Optional: without it the dispatcher loads the generated API index
 * (every message module) the first time the API is used. Handlers on the start-up path carry
 * their own so that a broker starts without loading ~190 codec modules.
 */
export interface HandlerCodec {
  name: string
  requestFlexibleMin: number
  responseFlexibleMin: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  decodeRequest(r: import('../../protocol/kafka/reader.js').Reader, version: number): any
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  encodeResponse(w: import('../../protocol/kafka/writer.js').Writer, v: any, version: number): void
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Handler<Req = any, Res = any> {
  readonly apiKey: number
  readonly codec?: HandlerCodec
  readonly minVersion: number
  readonly maxVersion: number
  /**
   * Handles one request. It may wait (acks=all, long-poll fetch, JoinGroup): the connection keeps
   * reading and handling later requests, and writes responses in request order. A thrown error
   * is logged and closes the connection (what Kafka does for a request it cannot process).
   */
  handle(ctx: HandlerContext, request: Req, version: number): Promise<Res | NoResponse | RawResponse> | Res | NoResponse | RawResponse
}

/** Identity helper that gives handler files type inference: `export default defineHandler({...})`. */
export function defineHandler<Req, Res>(handler: Handler<Req, Res>): Handler<Req, Res> {
  return handler
}
