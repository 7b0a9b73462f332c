// SyncGroup v0-5. The leader sends every member's assignment (opaque bytes); each member gets its
// own back once the leader's has been stored. v3 adds group.instance.id; v5 has the client send,
// and the broker check and return, the protocol type and name. Nothing left out.
import type {SyncGroupRequest} from '../../protocol/kafka/generated/sync-group-request.js'
import type {SyncGroupResponse} from '../../protocol/kafka/generated/sync-group-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

export default defineHandler<SyncGroupRequest, Loose<SyncGroupResponse>>({
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, request, version) {
    const r = await ctx.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: version >= 3 ? request.groupInstanceId : null,
      protocolType: version >= 5 ? request.protocolType : null,
      protocolName: version >= 5 ? request.protocolName : null,
      // Copied: the request frame is not kept alive by the group's stored assignments.
      assignments: request.assignments.map((a) => ({memberId: a.memberId, assignment: Buffer.from(a.assignment)})),
    })
    return {throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment}
  },
})
