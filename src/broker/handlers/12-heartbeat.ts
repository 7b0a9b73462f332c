// Heartbeat v0-4 (v3 adds group.instance.id, v4 is flexible). Keeps a member's session alive and
// tells it when to rejoin (REBALANCE_IN_PROGRESS). Nothing left out.
import type {HeartbeatRequest} from '../../protocol/kafka/generated/heartbeat-request.js'
import type {HeartbeatResponse} from '../../protocol/kafka/generated/heartbeat-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

export default defineHandler<HeartbeatRequest, Loose<HeartbeatResponse>>({
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, request, version) {
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: version >= 3 ? request.groupInstanceId : null,
    })
    return {throttleTimeMs: 0, errorCode}
  },
})
