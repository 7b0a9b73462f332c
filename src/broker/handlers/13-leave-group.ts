// LeaveGroup v0-5. v0-2 name one member (its error is the response's error); v3+ take a batch of
// members by member id and/or group.instance.id (an empty member id with an instance id removes
// that static member, as the admin client does); v5 adds a reason (logged). Nothing left out.
import type {LeaveGroupRequest} from '../../protocol/kafka/generated/leave-group-request.js'
import type {LeaveGroupResponse} from '../../protocol/kafka/generated/leave-group-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'

export default defineHandler<LeaveGroupRequest, Loose<LeaveGroupResponse>>({
  apiKey: 13,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, request, version) {
    const members = version >= 3
      ? request.members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: version >= 5 ? m.reason : null}))
      : [{memberId: request.memberId, groupInstanceId: null, reason: null}]
    const r = ctx.broker.groups.leaveGroup(request.groupId, members)
    if (version < 3) return {throttleTimeMs: 0, errorCode: r.errorCode !== 0 ? r.errorCode : (r.members[0]?.errorCode ?? 0)}
    return {throttleTimeMs: 0, errorCode: r.errorCode, members: r.members}
  },
})
