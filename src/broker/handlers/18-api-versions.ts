// ApiVersions v0-4. The list is computed from the handler registry, so it is exactly what this
// broker implements. No feature flags are advertised (ZooKeeper-mode brokers advertise none).
// A request above v4 never reaches here: the dispatcher answers it with a v0 UNSUPPORTED_VERSION
// response carrying this same list (KIP-511).
import {decodeApiVersionsRequest} from '../../protocol/kafka/generated/api-versions-request.js'
import {encodeApiVersionsResponse} from '../../protocol/kafka/generated/api-versions-response.js'
import type {ApiVersionsRequest} from '../../protocol/kafka/generated/api-versions-request.js'
import type {ApiVersionsResponse} from '../../protocol/kafka/generated/api-versions-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'

export default defineHandler<ApiVersionsRequest, Loose<ApiVersionsResponse>>({
  apiKey: 18,
  codec: {name: 'ApiVersions', requestFlexibleMin: 3, responseFlexibleMin: 3, decodeRequest: decodeApiVersionsRequest, encodeResponse: encodeApiVersionsResponse},
  minVersion: 0,
  maxVersion: 4,
  handle(ctx) {
    return {
      errorCode: 0,
      apiKeys: runtime(ctx).registry.versions(),
      throttleTimeMs: 0,
    }
  },
})
