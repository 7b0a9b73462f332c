// JoinGroup v0-9. v0 has no rebalance timeout (the session timeout serves as both); from v4 a
// dynamic member first gets MEMBER_ID_REQUIRED with its id; v5 adds group.instance.id (static
// members, admitted in one step); v7 returns the protocol type; v8 carries a reason (logged);
// v9 lets a rejoining static leader of a Stable group skip the assignment.
// Nothing left out of the classic protocol; the logic is in src/broker/group/rebalance.ts.
import type {JoinGroupRequest} from '../../protocol/kafka/generated/join-group-request.js'
import type {JoinGroupResponse} from '../../protocol/kafka/generated/join-group-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {clientHost, clientId} from '../group/handler-support.js'

export default defineHandler<JoinGroupRequest, Loose<JoinGroupResponse>>({
  apiKey: 11,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, request, version) {
    const r = await ctx.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: version >= 5 ? request.groupInstanceId : null,
      requireKnownMemberId: version >= 4 && (version < 5 || request.groupInstanceId === null),
      supportSkippingAssignment: version >= 9,
      clientId: clientId(ctx),
      clientHost: clientHost(ctx),
      rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({name: p.name, metadata: Buffer.from(p.metadata)})),
      reason: version >= 8 ? request.reason : null,
    })
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Nullable only from v7; before, "no protocol" is the empty string.
      protocolName: version >= 7 ? r.protocolName : (r.protocolName ?? ''),
      leader: r.leaderId,
      skipAssignment: r.skipAssignment,
      memberId: r.memberId,
      members: r.members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata})),
    }
  },
})
