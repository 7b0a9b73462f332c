// The classic group state machine (the one Kafka's GroupCoordinator runs for JoinGroup/SyncGroup
// groups). Every transition goes through checkTransition, which throws on one not listed here.
//
//   Empty               no members. Offsets may still be committed (simple consumers, generation
//                       -1) and fetched. A JoinGroup starts a rebalance (after
//                       group.initial.rebalance.delay.ms for the group's first generation).
//                       -> PreparingRebalance (a member joins)
//                       -> Dead (group deleted, or its offsets expired with no members)
//   PreparingRebalance  waiting for every known member to (re)send JoinGroup, up to the largest
//                       rebalance timeout; members that do not rejoin in time are removed.
//                       -> CompletingRebalance (all joined or timeout, some members left)
//                       -> Empty (all members left or timed out: a new generation with none)
//                       -> Dead (group deleted)
//   CompletingRebalance JoinGroup answered; waiting for the leader's SyncGroup with the
//                       assignments. -> Stable (assignment stored) -> PreparingRebalance (a
//                       member joins, leaves, changes its metadata or misses SyncGroup) -> Dead
//   Stable              assignments handed out; members heartbeat.
//                       -> PreparingRebalance (member joins/leaves/fails, leader rejoins) -> Dead
//   Dead                removed from the coordinator; any request sees COORDINATOR_NOT_AVAILABLE
//                       or GROUP_ID_NOT_FOUND. Terminal (Dead -> Dead is tolerated).
//
// A group loaded from __consumer_offsets starts in Empty (no members) or Stable (members of the
// last stored generation), as Kafka does; that is an initial state, not a transition.

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead']

/** For each target state, the states it may be entered from. */
const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
}

export class IllegalStateTransition extends Error {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(`Group ${groupId} should be in one of the states ${VALID_PREVIOUS[to].join(', ')} before moving to ${to}, but is in ${from}`)
    this.name = 'IllegalStateTransition'
  }
}

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from)
}

/** Throws IllegalStateTransition unless from -> to is listed above. */
export function checkTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!canTransition(from, to)) throw new IllegalStateTransition(groupId, from, to)
}

/** Parses a state name as ListGroups' StatesFilter sends it (Kafka matches case-insensitively). */
export function parseGroupState(name: string): GroupState | undefined {
  const lower = name.toLowerCase()
  return GROUP_STATES.find((s) => s.toLowerCase() === lower)
}
