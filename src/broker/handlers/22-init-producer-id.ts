// InitProducerId v0-5 for idempotent producers (no transactional id). A transactional id needs the
// transaction coordinator, which this broker does not have yet: COORDINATOR_NOT_AVAILABLE, as a
// Kafka cluster whose __transaction_state cannot be created answers.
import {decodeInitProducerIdRequest} from '../../protocol/kafka/generated/init-producer-id-request.js'
import {encodeInitProducerIdResponse} from '../../protocol/kafka/generated/init-producer-id-response.js'
import type {InitProducerIdRequest} from '../../protocol/kafka/generated/init-producer-id-request.js'
import type {InitProducerIdResponse} from '../../protocol/kafka/generated/init-producer-id-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'

const COORDINATOR_NOT_AVAILABLE = 15

export default defineHandler<InitProducerIdRequest, Loose<InitProducerIdResponse>>({
  apiKey: 22,
  codec: {name: 'InitProducerId', requestFlexibleMin: 2, responseFlexibleMin: 2, decodeRequest: decodeInitProducerIdRequest, encodeResponse: encodeInitProducerIdResponse},
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request, version) {
    const rt = runtime(ctx)
    if (request.transactionalId !== null && request.transactionalId !== '') {
      return {throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1}
    }
    const result = await rt.producers.initProducer(version >= 3 ? request.producerId : -1n, version >= 3 ? request.producerEpoch : -1)
    if ('errorCode' in result) return {throttleTimeMs: 0, errorCode: result.errorCode, producerId: -1n, producerEpoch: -1}
    return {throttleTimeMs: 0, errorCode: 0, producerId: result.producerId, producerEpoch: result.epoch}
  },
})
