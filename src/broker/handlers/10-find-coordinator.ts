// FindCoordinator v0-6. This broker coordinates every group, so a group key (type 0) always
// gets this broker's advertised endpoint; v4+ batches several keys in one request.
// Left out: the transaction coordinator (key type 1) answers COORDINATOR_NOT_AVAILABLE until
// transactions exist; share groups (key type 2, v6) and unknown types answer INVALID_REQUEST, as
// Kafka does for a key type it does not serve.
import type {FindCoordinatorRequest} from '../../protocol/kafka/generated/find-coordinator-request.js'
import type {FindCoordinatorResponse} from '../../protocol/kafka/generated/find-coordinator-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler, type HandlerContext} from './context.js'
import {runtime} from '../runtime.js'
import {advertisedBrokers} from '../advertised.js'
import {GroupError} from '../group/errors.js'

interface Answer {
  errorCode: number
  errorMessage: string | null
  nodeId: number
  host: string
  port: number
}

function find(ctx: HandlerContext, keyType: number): Answer {
  const none = (errorCode: number, errorMessage: string): Answer => ({errorCode, errorMessage, nodeId: -1, host: '', port: -1})
  if (keyType === 1) return none(GroupError.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.')
  if (keyType !== 0) return none(GroupError.INVALID_REQUEST, `Unsupported coordinator key type ${keyType}`)
  if (!ctx.broker.groups.isActive) return none(GroupError.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.')
  const rt = runtime(ctx)
  const self = advertisedBrokers(rt, ctx.connection).find((b) => b.id === rt.config.brokerId)
  if (!self) return none(GroupError.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.')
  return {errorCode: GroupError.NONE, errorMessage: null, nodeId: self.id, host: self.host, port: self.port}
}

export default defineHandler<FindCoordinatorRequest, Loose<FindCoordinatorResponse>>({
  apiKey: 10,
  minVersion: 0,
  maxVersion: 6,
  handle(ctx, request, version) {
    if (version >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: request.coordinatorKeys.map((key) => ({key, ...find(ctx, request.keyType)})),
      }
    }
    const a = find(ctx, version >= 1 ? request.keyType : 0)
    return {throttleTimeMs: 0, ...a, errorMessage: a.errorCode === 0 ? null : a.errorMessage}
  },
})
