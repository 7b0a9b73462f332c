// DescribeGroups v0-5. A group this coordinator does not know is described as Dead with no
// error, as Kafka does. Member metadata and assignments (opaque bytes) are shown only for a
// Stable group. v3+ may ask for authorized operations: with no authorizer, all of them
// (READ, DELETE, DESCRIBE); v4 adds group.instance.id. Nothing left out.
import type {DescribeGroupsRequest} from '../../protocol/kafka/generated/describe-groups-request.js'
import type {DescribeGroupsResponse} from '../../protocol/kafka/generated/describe-groups-response.js'
import type {Loose} from '../../protocol/kafka/generated/runtime.js'
import {defineHandler} from './context.js'
import {ALL_GROUP_OPERATIONS, OPERATIONS_OMITTED} from '../group/handler-support.js'

export default defineHandler<DescribeGroupsRequest, Loose<DescribeGroupsResponse>>({
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, request, version) {
    const includeOps = version >= 3 && request.includeAuthorizedOperations
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const {errorCode, summary} = ctx.broker.groups.describeGroup(groupId)
        return {
          errorCode, groupId,
          groupState: summary.state,
          protocolType: summary.protocolType,
          protocolData: summary.protocolName,
          members: summary.members.map((m) => ({
            memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
            memberMetadata: m.metadata, memberAssignment: m.assignment,
          })),
          authorizedOperations: includeOps && errorCode === 0 ? ALL_GROUP_OPERATIONS : OPERATIONS_OMITTED,
        }
      }),
    }
  },
})
