// Turns what a __consumer_offsets partition holds (offsets-store.ts) back into groups: a group
// with members of its last stored generation comes back Stable (their sessions start anew), one
// without members Empty; a group with only offsets is an Empty "simple" group. Tombstoned
// groups and offsets stay gone.
import {GroupMetadata} from './group.js'
import {MemberMetadata} from './member.js'
import type {LoadedPartition} from './offsets-store.js'
import type {GroupMetadataValue} from './offsets-records.js'

export function groupsFromPartition(loaded: LoadedPartition, now: number): GroupMetadata[] {
  const ids = new Set<string>()
  for (const [id, value] of loaded.groups) if (value) ids.add(id)
  for (const [id, offsets] of loaded.offsets) if ([...offsets.values()].some((o) => o.value !== null)) ids.add(id)
  return [...ids].map((groupId) => {
    const value = loaded.groups.get(groupId)
    const group = value ? groupFromRecord(groupId, value, now) : new GroupMetadata(groupId, 'Empty', now)
    for (const o of loaded.offsets.get(groupId)?.values() ?? []) if (o.value) group.putOffset(o.topic, o.partition, o.value)
    return group
  })
}

export function groupFromRecord(groupId: string, v: GroupMetadataValue, now: number): GroupMetadata {
  const group = new GroupMetadata(groupId, v.members.length > 0 ? 'Stable' : 'Empty', v.currentStateTimestamp ?? now)
  group.currentStateTimestamp = v.currentStateTimestamp
  group.protocolType = v.protocolType === '' ? null : v.protocolType
  group.generationId = v.generation
  const protocol = v.protocol ?? ''
  for (const m of v.members) {
    const member = new MemberMetadata(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs,
      v.protocolType, [{name: protocol, metadata: m.subscription}])
    member.assignment = m.assignment
    group.add(member, null)
  }
  group.protocolType = v.protocolType === '' ? null : v.protocolType
  group.protocolName = v.members.length > 0 ? protocol : v.protocol
  group.leaderId = v.leader !== null && group.has(v.leader) ? v.leader : group.members.keys().next().value ?? null
  group.subscribedTopics = group.computeSubscribedTopics()
  return group
}
