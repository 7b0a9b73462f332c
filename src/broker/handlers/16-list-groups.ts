// ListGroups v0-5. Every group the coordinator holds, including those that only store offsets
// (protocol type ""). v4 filters by state and returns it; v5 filters by type and returns it (all
// groups here are "classic"). While __consumer_offsets is loading the answer carries
// COORDINATOR_LOAD_IN_PROGRESS with the groups loaded so far, like Kafka. Nothing left out.
import type {ListGroupsRequest} from '../../protocol/kafka/generated/list-groups-request.js'
import type {ListGroupsResponse} from '../../protocol/kafka/generated/list-groups-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

export default defineHandler<ListGroupsRequest, Loose<ListGroupsResponse>>({
  apiKey: 16,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, request, version) {
    const r = ctx.broker.groups.listGroups(version >= 4 ? request.statesFilter : [], version >= 5 ? request.typesFilter : [])
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      groups: r.groups.map((g) => ({groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.groupType})),
    }
  },
})
