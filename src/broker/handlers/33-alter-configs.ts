// AlterConfigs v0-2: replaces a topic's whole set of overrides (keys not named go back to their
// defaults), validateOnly included. Broker resources (dynamic broker
// configs) are passed on to dynamic-config/alter-broker-configs.ts by changeConfigs.
import {decodeAlterConfigsRequest} from '../../protocol/kafka/generated/alter-configs-request.js'
import {encodeAlterConfigsResponse} from '../../protocol/kafka/generated/alter-configs-response.js'
import type {AlterConfigsRequest} from '../../protocol/kafka/generated/alter-configs-request.js'
import type {AlterConfigsResponse} from '../../protocol/kafka/generated/alter-configs-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {runtime} from '../runtime.js'
import {changeConfigs} from '../topic-config-change.js'

export default defineHandler<AlterConfigsRequest, Loose<AlterConfigsResponse>>({
  apiKey: 33,
  codec: {name: 'AlterConfigs', requestFlexibleMin: 2, responseFlexibleMin: 2, decodeRequest: decodeAlterConfigsRequest, encodeResponse: encodeAlterConfigsResponse},
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    const rt = runtime(ctx)
    const responses = []
    for (const r of request.resources) {
      const ops = r.configs.map((c) => ({name: c.name, op: 'SET' as const, value: c.value}))
      const result = await changeConfigs(rt, r.resourceType, r.resourceName, ops, true, request.validateOnly)
      responses.push({...result, resourceType: r.resourceType, resourceName: r.resourceName})
    }
    return {throttleTimeMs: 0, responses}
  },
})
