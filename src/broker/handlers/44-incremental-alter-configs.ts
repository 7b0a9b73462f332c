// IncrementalAlterConfigs v0-1: SET (0), DELETE (1), APPEND (2), SUBTRACT (3) per topic config key,
// validateOnly included. Broker resources (dynamic broker
// configs) are passed on to dynamic-config/alter-broker-configs.ts by changeConfigs.
import {decodeIncrementalAlterConfigsRequest} from '../../protocol/kafka/generated/incremental-alter-configs-request.js'
import {encodeIncrementalAlterConfigsResponse} from '../../protocol/kafka/generated/incremental-alter-configs-response.js'
import type {IncrementalAlterConfigsRequest} from '../../protocol/kafka/generated/incremental-alter-configs-request.js'
import type {IncrementalAlterConfigsResponse} from '../../protocol/kafka/generated/incremental-alter-configs-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {changeConfigs, type Op} from '../topic-config-change.js'

const OPS = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const
const INVALID_REQUEST = 42

export default defineHandler<IncrementalAlterConfigsRequest, Loose<IncrementalAlterConfigsResponse>>({
  apiKey: 44,
  codec: {name: 'IncrementalAlterConfigs', requestFlexibleMin: 1, responseFlexibleMin: 1, decodeRequest: decodeIncrementalAlterConfigsRequest, encodeResponse: encodeIncrementalAlterConfigsResponse},
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request) {
    const rt = runtime(ctx)
    const responses = []
    for (const r of request.resources) {
      const bad = r.configs.find((c) => !OPS[c.configOperation])
      if (bad) {
        responses.push({errorCode: INVALID_REQUEST, errorMessage: `Unknown config operation ${bad.configOperation}`, resourceType: r.resourceType, resourceName: r.resourceName})
        continue
      }
      const ops: Op[] = r.configs.map((c) => ({name: c.name, op: OPS[c.configOperation]!, value: c.value}))
      const result = await changeConfigs(rt, r.resourceType, r.resourceName, ops, false, request.validateOnly)
      responses.push({...result, resourceType: r.resourceType, resourceName: r.resourceName})
    }
    return {throttleTimeMs: 0, responses}
  },
})
