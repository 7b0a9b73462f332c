// DeleteGroups v0-2. Only an Empty group can go (NON_EMPTY_GROUP otherwise; GROUP_ID_NOT_FOUND
// for one that does not exist); its offsets and metadata get tombstones in __consumer_offsets.
// Nothing left out.
import type {DeleteGroupsRequest} from '../../protocol/kafka/generated/delete-groups-request.js'
import type {DeleteGroupsResponse} from '../../protocol/kafka/generated/delete-groups-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

export default defineHandler<DeleteGroupsRequest, Loose<DeleteGroupsResponse>>({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, request) {
    // A name given twice is answered once, as Kafka's keyed result collection does.
    const results = await ctx.broker.groups.deleteGroups([...new Set(request.groupsNames)])
    return {throttleTimeMs: 0, results}
  },
})
